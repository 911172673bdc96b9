// The command-line contract as the built binary keeps it (cli-contract.md "Streams", "Exit
// codes"): what only a real process shows — its exit status, and what reaches each stream.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { runBinary } from '../helpers/cli.js';

const secret = 'a-shared-secret-of-at-least-32-bytes!!';
const secretFile = (value: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'oidc-probe-contract-')), 'secret');
  writeFileSync(file, value, { mode: 0o600 });
  return file;
};
const token = () =>
  new SignJWT({ sub: 'alice', iss: 'https://op.example' })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));

test('a passing verify: exit 0, the result on stdout, nothing on stderr', async () => {
  const r = await runBinary(['verify', await token(), '--secret-file', secretFile(secret)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /signature/);
  assert.equal(r.stderr, '');
});

test('a failing check: exit 1, --json is exactly one document with valid false', async () => {
  const wrong = secretFile('another-secret-of-32-bytes-or-more!!');
  const r = await runBinary(['--json', 'verify', await token(), '--secret-file', wrong]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { valid: boolean }).valid, false);
});

test('bad input: exit 2, one JSON error document on stdout, one sentence on stderr, no stack trace', async () => {
  const r = await runBinary(['--json', 'decode', 'eyJhbGciOiJIUzI1NiJ9.e+yJ.x']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout) as { error: { code: string; exit: number; message: string } };
  assert.equal(doc.error.code, 'not_a_jwt');
  assert.equal(doc.error.exit, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a human run never writes ANSI codes into a pipe', async () => {
  const r = await runBinary(['decode', await token()]);
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout + r.stderr, /\u001b\[/);
});
