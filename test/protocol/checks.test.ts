import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countByStatus, fail, isValid, pass, skip, warn } from '../../src/protocol/checks.js';

test('rows with warnings and skips are valid', () => {
  assert.equal(isValid([pass('iss', 'ok'), warn('azp', 'hm'), skip('nonce', 'n/a')]), true);
});

test('one failed row makes the whole invalid', () => {
  assert.equal(isValid([pass('iss', 'ok'), fail('aud', 'no')]), false);
});

test('no rows at all is valid', () => {
  assert.equal(isValid([]), true);
});

test('countByStatus counts every status, zero included', () => {
  assert.deepEqual(countByStatus([pass('a', ''), pass('b', ''), fail('c', '')]), {
    pass: 2,
    fail: 1,
    warn: 0,
    skip: 0,
  });
});

test('expected and actual travel with the row', () => {
  assert.deepEqual(fail('iss', 'differs', { expected: 'a', actual: 'b' }), {
    id: 'iss',
    status: 'fail',
    message: 'differs',
    expected: 'a',
    actual: 'b',
  });
});
