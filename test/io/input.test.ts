import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { UsageError } from '../../src/errors.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INPUT_BYTES, readTokenArgument, readUserFile } from '../../src/io/input.js';

const stdinOf = (text: string) => ({ stdin: Readable.from([Buffer.from(text)]) as unknown as NodeJS.ReadStream });

test('an argument over 1 MiB is refused before any parsing', async () => {
  // The CLI cannot even receive this on Linux (one argument is capped at 128 KiB), so it is tested here.
  await assert.rejects(
    readTokenArgument('a'.repeat(MAX_INPUT_BYTES + 1), stdinOf('')),
    (err: unknown) => err instanceof UsageError && err.code === 'input_too_large' && /1 MiB/.test(err.message),
  );
});

test('an argument of exactly 1 MiB is accepted', async () => {
  assert.equal((await readTokenArgument('a'.repeat(MAX_INPUT_BYTES), stdinOf(''))).length, MAX_INPUT_BYTES);
});

test('a token argument leaves stdin untouched (setting it up costs start-up time)', async () => {
  const untouchable = {
    get stdin(): NodeJS.ReadStream {
      throw new Error('stdin was touched');
    },
  };
  assert.equal(await readTokenArgument('tok', untouchable), 'tok');
});

test('"-" and a missing argument read stdin', async () => {
  assert.equal(await readTokenArgument('-', stdinOf('tok\n')), 'tok\n');
  assert.equal(await readTokenArgument(undefined, stdinOf('tok')), 'tok');
});

test('stdin over 1 MiB is refused', async () => {
  await assert.rejects(
    readTokenArgument(undefined, stdinOf('b'.repeat(MAX_INPUT_BYTES + 1))),
    (err: unknown) => err instanceof UsageError && err.code === 'input_too_large' && /stdin/.test(err.message),
  );
});

test('a named file is read up to 1 MiB; a bigger one is refused, an endless one without reading it all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-input-'));
  const exact = join(dir, 'exact');
  writeFileSync(exact, 'k'.repeat(MAX_INPUT_BYTES));
  assert.equal((await readUserFile(exact, '--jwks')).length, MAX_INPUT_BYTES);
  const over = join(dir, 'over');
  writeFileSync(over, 'k'.repeat(MAX_INPUT_BYTES + 1));
  for (const path of [over, '/dev/zero'])
    await assert.rejects(
      readUserFile(path, '--jwks'),
      (err: unknown) => err instanceof UsageError && err.code === 'file_too_large' && err.message.includes(path),
    );
  await assert.rejects(
    readUserFile(dir, '--jwks'),
    (err: unknown) =>
      err instanceof UsageError && err.code === 'unreadable_file' && /it is a directory/.test(err.message),
  );
  await assert.rejects(
    readUserFile(join(dir, 'missing'), '--jwks'),
    (err: unknown) => err instanceof UsageError && /no such file/.test(err.message),
  );
});
