// Where the listener binds: --listen puts it on another loopback address or port than the redirect
// URI names (a forwarded or mapped port); anything not loopback needs --listen-any and is warned
// about (RFC 8252 §8.3); a port in use names the process holding it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { runCli } from '../../helpers/cli.js';
import { startCli } from '../../helpers/cli-session.js';
import { startRogueOp } from '../../providers/rogue-op.js';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** An HTTP GET to 127.0.0.1:port carrying another Host, as a port forward delivers it. */
function getVia(port: number, target: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: target.pathname + target.search, headers: { host: target.host } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('--listen binds another port than the redirect URI names; a forwarded request completes the login', {
  timeout: 60_000,
}, async () => {
  const op = await startRogueOp();
  try {
    const [redirectPort, listenPort] = [await freePort(), await freePort()];
    const session = startCli(
      [
        'login',
        '--no-browser',
        '--json',
        '--issuer',
        op.issuer,
        '--client-id',
        op.clientId,
        '--redirect-uri',
        `http://127.0.0.1:${redirectPort}/callback`,
        '--listen',
        `127.0.0.1:${listenPort}`,
        '--timeout',
        '30',
      ],
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    assert.equal(new URL(url).searchParams.get('redirect_uri'), `http://127.0.0.1:${redirectPort}/callback`);
    assert.match(session.stderr(), new RegExp(`listening on 127\\.0\\.0\\.1:${listenPort}`));
    const location = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    assert.equal(await getVia(listenPort, new URL(location)), 200);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(op.calls.token, 1);
  } finally {
    await op.close();
  }
});

test('a non-loopback --listen without --listen-any is exit 2 citing RFC 8252 §8.3, before any request', async () => {
  const op = await startRogueOp();
  try {
    for (const listen of ['0.0.0.0:8765', '[::]:0', '192.0.2.1:0']) {
      const r = await runCli([
        'login',
        '--no-browser',
        '--issuer',
        op.issuer,
        '--client-id',
        op.clientId,
        '--listen',
        listen,
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is not a loopback address.*RFC 8252 §8\.3/);
      assert.match(r.stderr, /--listen-any/);
    }
    assert.equal(op.calls.discovery, 0);
  } finally {
    await op.close();
  }
});

test('--listen-any allows a non-loopback address with a warning naming the risk', { timeout: 30_000 }, async () => {
  const op = await startRogueOp();
  try {
    // 192.0.2.1 (TEST-NET-1) is configured nowhere here: nothing is bound outside loopback.
    const r = await runCli(
      [
        'login',
        '--no-browser',
        '--issuer',
        op.issuer,
        '--client-id',
        op.clientId,
        '--listen',
        '192.0.2.1:0',
        '--listen-any',
      ],
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    assert.match(r.stderr, /warning: --listen 192\.0\.2\.1:0 is not a loopback address: anything that can reach it/);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot listen on 192\.0\.2\.1:0/);
  } finally {
    await op.close();
  }
});

test('--listen that is not HOST:PORT, a host name, or --listen-any alone are exit 2', async () => {
  for (const args of [
    ['--listen', 'nonsense'],
    ['--listen', 'example.com:8765'],
    ['--listen', '127.0.0.1:99999'],
    ['--listen-any'],
  ]) {
    const r = await runCli(['login', '--no-browser', '--issuer', 'http://127.0.0.1:9', '--client-id', 'c', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--listen/);
  }
});

test('a port held by another process is named (pid and command) and :0 is suggested', { timeout: 60_000 }, async () => {
  const op = await startRogueOp();
  const holder = spawn(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve) => holder.stdout.once('data', (d) => resolve(Number(String(d)))));
    const r = await runCli([
      'login',
      '--no-browser',
      '--issuer',
      op.issuer,
      '--client-id',
      op.clientId,
      '--redirect-uri',
      `http://127.0.0.1:${port}/callback`,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use by process ${holder.pid} \\(node\\)`),
    );
    assert.match(r.stderr, /--redirect-uri http:\/\/127\.0\.0\.1:0\/callback/);
    const listen = await runCli([
      'login',
      '--no-browser',
      '--issuer',
      op.issuer,
      '--client-id',
      op.clientId,
      '--listen',
      `127.0.0.1:${port}`,
    ]);
    assert.equal(listen.code, 2, listen.stderr);
    assert.match(listen.stderr, new RegExp(`--listen 127\\.0\\.0\\.1:${port} cannot be bound`));
    assert.match(listen.stderr, /:0 for any free one/);
  } finally {
    holder.kill();
    await op.close();
  }
});
