// Progress, warnings and traces reach stderr through the context: whatever a caller puts in them
// (a stray callback's parameters, a provider's words, a response body under --verbose) arrives
// with every control, bidi and invisible character made visible, and lines kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext } from '../src/main.js';
import { assertNoRawControls, HOSTILE_TEXT as H } from './helpers/terminal.js';
import { isolatedEnv } from './helpers/in-process.js';

function capture() {
  const written: string[] = [];
  const stream = { isTTY: false, write: (text: string) => written.push(text) };
  return { written, stream: stream as unknown as typeof process.stdout & typeof process.stderr };
}

test('info, warn and trace escape what they are given, keeping lines', async () => {
  const out = capture();
  const err = capture();
  const ctx = await makeContext(
    { verbose: true, color: false },
    {
      env: isolatedEnv(),
      stdin: process.stdin,
      onSignal: () => () => {},
      exit: () => {},
      stdout: out.stream,
      stderr: err.stream,
    },
  );
  ctx.warn(`a stray request reached the redirect URI: error=access_denied error_description=${H}`);
  ctx.info(`open ${H} and enter the code ${H}`);
  ctx.trace(`← 200\n  {"error_description":"${H}"}`);
  const text = err.written.join('');
  assertNoRawControls(Buffer.from(text), 'stderr');
  assert.match(text, /error_description=\\x1b\[2J\\x1b\]0;pwned\\x07/);
  assert.equal(text.split('\n').length, 5, 'the trace keeps its two lines');
  assert.deepEqual(out.written, [], 'nothing on stdout');
});
