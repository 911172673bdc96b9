import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli, ANSI } from './helpers/cli.js';

test('--version prints the package version and exits 0', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help lists the commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /decode/);
  assert.doesNotMatch(r.stdout, ANSI);
});

test('an unknown option is a usage error: exit 2, message on stderr, nothing on stdout', async () => {
  const r = await runCli(['decode', '--frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /unknown option '--frobnicate'/);
});

test('an unknown command is a usage error with exit 2', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
});

test('a usage error with --json still prints one JSON error document', async () => {
  const r = await runCli(['decode', '--json', '--frobnicate']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout) as { error: { code: string; exit: number } };
  assert.equal(doc.error.exit, 2);
});
