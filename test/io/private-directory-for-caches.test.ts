// The private directory for the start-up's compile cache: real directories in a temp directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDirectory } from '../../src/io/private-files.js';

const asRoot = process.getuid?.() === 0;
const base = () => mkdtempSync(join(tmpdir(), 'oidc-probe-private-dir-'));

test('a missing directory is created 0700, with its missing parents 0700 too', () => {
  const dir = base();
  const made = privateDirectory(join(dir, 'a', 'b'));
  assert.equal(made, join(dir, 'a', 'b'));
  assert.equal(statSync(join(dir, 'a', 'b')).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o700);
});

test("an existing directory of the user's that others may read is set to 0700", () => {
  const open = join(base(), 'open');
  mkdirSync(open);
  chmodSync(open, 0o755);
  assert.equal(privateDirectory(open), open);
  assert.equal(statSync(open).mode & 0o777, 0o700);
});

test('a directory others may write to is not used: someone could have planted compiled code in it', () => {
  const open = join(base(), 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  assert.equal(privateDirectory(open), undefined);
});

test('a symlink, even to a private directory of the user, is not used', () => {
  const dir = base();
  mkdirSync(join(dir, 'target'), { mode: 0o700 });
  symlinkSync(join(dir, 'target'), join(dir, 'link'));
  assert.equal(privateDirectory(join(dir, 'link')), undefined);
});

test('a file where the directory should be is not used', () => {
  const dir = base();
  writeFileSync(join(dir, 'file'), '');
  assert.equal(privateDirectory(join(dir, 'file')), undefined);
  assert.equal(privateDirectory(join(dir, 'file', 'below')), undefined);
});

test('a directory owned by another user is not used, and keeps its mode', { skip: !asRoot && 'needs root' }, () => {
  const foreign = join(base(), 'foreign');
  mkdirSync(foreign, { mode: 0o755 });
  chmodSync(foreign, 0o755);
  chownSync(foreign, 4242, 4242);
  assert.equal(privateDirectory(foreign), undefined);
  assert.equal(statSync(foreign).mode & 0o777, 0o755);
});
