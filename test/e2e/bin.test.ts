import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runBinary as runCli } from '../helpers/cli.js';
import { isolatedEnv } from '../helpers/in-process.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

test('-V prints the same version as --version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const r = await runCli(['-V']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${pkg.version}\n`);
  assert.equal(r.stderr, '');
});

test('a reader that closes the pipe early (| head) ends the run with exit 0 and no stack trace', async () => {
  const child = spawn(process.execPath, [BIN, 'completion', 'zsh'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the first write
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});

const havePython = spawnSync('python3', ['-c', 'pass']).status === 0;

test('a result larger than a pipe holds reaches a slow reader whole, through a non-blocking pipe', {
  skip: !havePython && 'python3 is needed to hand over a non-blocking stdout',
}, async () => {
  // A non-blocking stdout, as another process sharing the pipe can leave it (libuv makes a child's
  // stdout blocking, so python3 sets the flag and execs the binary): writes meet EAGAIN once the
  // pipe is full (64 KiB on Linux) and must wait for the reader, not fail or drop bytes.
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-fifo-'));
  const fifo = join(dir, 'out');
  execFileSync('mkfifo', [fifo]);
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(fifo, constants.O_WRONLY);
  const claim = 'x'.repeat(300_000);
  const token = `${b64url({ alg: 'none' })}.${b64url({ sub: 'alice', big: claim })}.`;
  const nonBlocking =
    'import fcntl, os, sys; fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK); ' +
    'os.execv(sys.argv[1], sys.argv[1:])';
  // The token on stdin: one argument may not be over 128 KiB on Linux.
  const child = spawn('python3', ['-c', nonBlocking, process.execPath, BIN, 'decode', '--json'], {
    stdio: ['pipe', writeFd, 'pipe'],
    env: isolatedEnv(),
  });
  closeSync(writeFd);
  child.stdin!.end(token);
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  // Read only once the writer has had time to fill the pipe.
  await new Promise((r) => setTimeout(r, 300));
  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  let out = '';
  reader.on('data', (d) => {
    out += d;
  });
  const [code] = await Promise.all([
    new Promise<number | null>((resolve) => child.on('close', resolve)),
    new Promise((resolve) => reader.on('end', resolve)),
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(out).payload.big, claim);
});

test('stdout on /dev/null (a character device, not a terminal): the run ends normally', () => {
  const devNull = openSync('/dev/null', 'w');
  try {
    const r = spawnSync(process.execPath, [BIN, '--help'], { stdio: ['ignore', devNull, 'pipe'], env: isolatedEnv() });
    assert.equal(r.status, 0);
    assert.equal(String(r.stderr), '');
  } finally {
    closeSync(devNull);
  }
});

test('a reader of stderr that went away changes nothing: still exit 2, the error as JSON on stdout', async () => {
  const child = spawn(process.execPath, [BIN, 'decode', '--json', 'not-a-jwt'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: isolatedEnv(),
  });
  child.stderr!.destroy(); // the reader of stderr is gone before the first write
  let stdout = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 2);
  assert.equal(JSON.parse(stdout).error.exit, 2);
});
