import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../src/protocol/json-depth.js';

const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

test('nesting up to the limit is accepted, one more level is not', () => {
  assert.equal(exceedsJsonDepth(nested(MAX_JSON_DEPTH)), false);
  assert.equal(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1)), true);
  assert.equal(exceedsJsonDepth(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`), false);
  assert.equal(exceedsJsonDepth(`{"a":${nested(MAX_JSON_DEPTH)}}`), true);
});

test('siblings do not add up: depth is nesting, not count', () => {
  assert.equal(exceedsJsonDepth(`[${Array(10_000).fill('[]').join(',')}]`, 2), false);
});

test('brackets inside strings, escaped quotes included, do not count', () => {
  assert.equal(exceedsJsonDepth(JSON.stringify({ a: '[[[[[[[[[[' }), 2), false);
  assert.equal(exceedsJsonDepth(JSON.stringify({ a: 'say \\"[[[[[[" loud' }), 2), false);
  assert.equal(exceedsJsonDepth('{"a":"\\\\"}', 1), false);
  assert.equal(exceedsJsonDepth('{"a":"\\\\",' + '"b":[[]]}', 2), true);
});

test('10,000 levels are found without recursion', () => {
  assert.equal(exceedsJsonDepth(nested(10_000)), true);
});
