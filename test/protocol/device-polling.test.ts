import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterSlowDown,
  deviceCodeLifetime,
  initialPollInterval,
  pollDelayMs,
} from '../../src/protocol/device-polling.js';

test('no interval: the RFC 8628 §3.2 default of 5 s, without a remark', () => {
  assert.deepEqual(initialPollInterval(undefined), { seconds: 5 });
  assert.deepEqual(initialPollInterval(null), { seconds: 5 });
});

test('an interval within 5..60 s is used as given (rounded up to whole seconds)', () => {
  assert.deepEqual(initialPollInterval(5), { seconds: 5 });
  assert.deepEqual(initialPollInterval(17), { seconds: 17 });
  assert.deepEqual(initialPollInterval('30'), { seconds: 30 });
  assert.deepEqual(initialPollInterval(7.2), { seconds: 8 });
});

const clamped: Array<[unknown, number, RegExp]> = [
  [-3, 5, /interval -3 s is below the 5 s minimum/],
  [0, 5, /interval 0 s is below/],
  [0.001, 5, /below the 5 s minimum/],
  [1, 5, /interval 1 s is below/],
  [61, 60, /interval 61 s is over the 60 s maximum/],
  [1e12, 60, /over the 60 s maximum/],
  ['soon', 5, /interval "soon" is not a number of seconds/],
  [Number.NaN, 5, /is not a number/],
  [Number.POSITIVE_INFINITY, 5, /is not a number/],
  [{}, 5, /is not a number/],
];
for (const [given, seconds, remark] of clamped) {
  test(`interval ${String(given)} is clamped to ${seconds} s, saying so`, () => {
    const r = initialPollInterval(given);
    assert.equal(r.seconds, seconds);
    assert.match(r.adjusted ?? '', remark);
  });
}

test('slow_down adds 5 s for this and every later request (RFC 8628 §3.5), past the maximum too', () => {
  assert.equal(afterSlowDown(5), 10);
  assert.equal(afterSlowDown(afterSlowDown(5)), 15);
  assert.equal(afterSlowDown(60), 65);
});

test('expires_in: a positive number of seconds, else 600', () => {
  assert.equal(deviceCodeLifetime(900), 900);
  assert.equal(deviceCodeLifetime('120'), 120);
  for (const bad of [undefined, 0, -5, 'x', Number.NaN]) assert.equal(deviceCodeLifetime(bad), 600);
});

test('the wait before a poll is the interval, never past the expiry, never negative', () => {
  assert.equal(pollDelayMs(5, 600_000), 5_000);
  assert.equal(pollDelayMs(60, 2_000), 2_000);
  assert.equal(pollDelayMs(5, -100), 0);
  assert.equal(pollDelayMs(1e9, 1e15), 2 ** 31 - 1, 'within what a timer can hold');
});
