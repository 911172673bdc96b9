import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from '../../src/protocol/duration.js';

test('under a minute reads in seconds', () => assert.equal(humanDuration(59), '59 s'));
test('under an hour reads in minutes', () => assert.equal(humanDuration(60), '1 min'));
test('hours keep their minutes', () => assert.equal(humanDuration(5400), '1 h 30 min'));
test('whole hours drop the minutes', () => assert.equal(humanDuration(7200), '2 h'));
test('two days and more read in days', () => assert.equal(humanDuration(3 * 86400), '3 days'));
test('two years and more read in years', () => assert.equal(humanDuration(3 * 365 * 86400), '3 years'));
test('the sign is dropped: callers say "ago" or "in"', () => assert.equal(humanDuration(-90), '2 min'));
test('fractions are rounded', () => assert.equal(humanDuration(44.6), '45 s'));
