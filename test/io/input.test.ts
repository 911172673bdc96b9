import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { UsageError } from '../../src/errors.js';
import { MAX_INPUT_BYTES, readTokenArgument } from '../../src/io/input.js';

const stdinOf = (text: string) => Readable.from([Buffer.from(text)]) as unknown as NodeJS.ReadStream;

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
