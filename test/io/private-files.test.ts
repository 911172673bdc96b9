// Private directories and files: what is ours and private is used; anything else is refused (or,
// for privateDirectory, passed over) before a byte of it is trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import {
  privateDirectory,
  readPrivateFile,
  requirePrivateDirectory,
  writePrivateFile,
} from '../../src/io/private-files.js';

const asRoot = process.getuid?.() === 0 ? false : 'needs root to give files to another user';
const scratch = () => mkdtempSync(join(tmpdir(), 'oidc-probe-private-'));
const mode = (p: string) => lstatSync(p).mode & 0o777;

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.exit, 2);
    assert.match(err.message, message);
    return true;
  });
}

test('a missing directory is made 0700, its missing parents too', () => {
  const dir = join(scratch(), 'a', 'b');
  const old = process.umask(0o000);
  try {
    assert.equal(requirePrivateDirectory(dir, 'test directory'), true);
  } finally {
    process.umask(old);
  }
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, '..')), 0o700);
});

test('a directory of ours that others may read is tightened to 0700', () => {
  const dir = join(scratch(), 'd');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  requirePrivateDirectory(dir, 'test directory');
  assert.equal(mode(dir), 0o700);
});

test('with create: false a missing directory is false and is not made', () => {
  const dir = join(scratch(), 'missing');
  assert.equal(requirePrivateDirectory(dir, 'test directory', { create: false }), false);
  assert.throws(() => lstatSync(dir));
});

test('refused: a directory others can write, a symbolic link, a file', () => {
  const base = scratch();
  const open = join(base, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  refused(
    () => requirePrivateDirectory(open, 'test directory'),
    /test directory .*open: it is writable by other users/,
  );
  assert.equal(mode(open), 0o777, 'left as it was');
  const link = join(base, 'link');
  mkdirSync(join(base, 'real'), { mode: 0o700 });
  symlinkSync(join(base, 'real'), link);
  refused(() => requirePrivateDirectory(link, 'test directory'), /is a symbolic link/);
  const file = join(base, 'file');
  writeFileSync(file, '');
  refused(() => requirePrivateDirectory(file, 'test directory'), /is not a directory; remove or rename the file/);
  refused(() => requirePrivateDirectory(join(file, 'below'), 'test directory'), /a part of the path is a file/);
  assert.equal(privateDirectory(open), undefined);
  assert.equal(privateDirectory(link), undefined);
  assert.equal(privateDirectory(join(base, 'fine')), join(base, 'fine'));
});

test('refused: a directory owned by another user', { skip: asRoot }, () => {
  const dir = join(scratch(), 'theirs');
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, 65534, 65534);
  refused(() => requirePrivateDirectory(dir, 'test directory'), /belongs to uid 65534, not to you \(uid 0\)/);
  assert.equal(privateDirectory(dir), undefined);
});

test('a file is written 0600 atomically, whatever the umask, and read back', () => {
  const dir = join(scratch(), 'p');
  requirePrivateDirectory(dir, 'test directory');
  const file = join(dir, 'entry.json');
  const old = process.umask(0o000);
  try {
    writePrivateFile(file, 'first', 'test file');
    writePrivateFile(file, 'second', 'test file');
  } finally {
    process.umask(old);
  }
  assert.equal(mode(file), 0o600);
  assert.equal(readPrivateFile(file, 'test file'), 'second');
  assert.deepEqual(readdirSync(dir), ['entry.json'], 'no temporary file left');
  assert.equal(readPrivateFile(join(dir, 'missing.json'), 'test file'), undefined);
});

test('a write replaces a planted symbolic link instead of writing through it', () => {
  const dir = join(scratch(), 'p');
  requirePrivateDirectory(dir, 'test directory');
  const victim = join(scratch(), 'victim');
  writeFileSync(victim, 'untouched');
  const file = join(dir, 'entry.json');
  symlinkSync(victim, file);
  writePrivateFile(file, 'ours', 'test file');
  assert.equal(readFileSync(victim, 'utf8'), 'untouched');
  assert.equal(lstatSync(file).isSymbolicLink(), false);
});

test('refused reads: others can read or write it, a symbolic link, a FIFO (without hanging)', () => {
  const dir = join(scratch(), 'p');
  requirePrivateDirectory(dir, 'test directory');
  const loose = join(dir, 'loose.json');
  writeFileSync(loose, '{}', { mode: 0o600 });
  chmodSync(loose, 0o644);
  refused(() => readPrivateFile(loose, 'test file'), /test file .*loose\.json: it has mode 0644, not 0600/);
  const target = join(dir, 'target.json');
  writeFileSync(target, '{}', { mode: 0o600 });
  const link = join(dir, 'link.json');
  symlinkSync(target, link);
  refused(() => readPrivateFile(link, 'test file'), /is a symbolic link/);
  const fifo = join(dir, 'fifo.json');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  refused(() => readPrivateFile(fifo, 'test file'), /is not a regular file/);
});

test('refused read: a file owned by another user', { skip: asRoot }, () => {
  const dir = join(scratch(), 'p');
  requirePrivateDirectory(dir, 'test directory');
  const file = join(dir, 'planted.json');
  writeFileSync(file, '{"access_token":"planted"}', { mode: 0o600 });
  chownSync(file, 65534, 65534);
  refused(() => readPrivateFile(file, 'test file'), /belongs to uid 65534.*remove it \(rm /);
});
