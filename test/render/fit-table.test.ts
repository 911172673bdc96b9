import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fittedTable, wrap } from '../../src/render/fit-table.js';
import { makeStyle } from '../../src/render/style.js';

test('wrap breaks at spaces and keeps the indentation on every line', () => {
  assert.deepEqual(wrap('  alpha beta gamma delta', 14), ['  alpha beta', '  gamma delta']);
});

test('wrap cuts a word longer than the line', () => {
  assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  assert.deepEqual(wrap('key: abcdefghij', 8), ['key:', 'abcdefgh', 'ij']);
});

test('wrap leaves text alone without a width or when it fits', () => {
  assert.deepEqual(wrap('a b c', undefined), ['a b c']);
  assert.deepEqual(wrap('a b c', 5), ['a b c']);
});

test('fittedTable keeps its natural width when that fits, and fits the width when not', () => {
  const style = makeStyle(0);
  const rows = [
    ['sub', 'alice', 'subject: who the token is about'],
    ['picture', 'https://example.com/' + 'p'.repeat(80), 'profile picture URL'],
  ];
  const wide = fittedTable(['claim', 'value', 'description'], rows, style, 200);
  assert.ok(wide.includes('p'.repeat(80)));
  const narrow = fittedTable(['claim', 'value', 'description'], rows, style, 60);
  for (const line of narrow.split('\n')) assert.ok(line.length <= 60, line);
  const valueColumn = narrow
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│')[2]!.trim())
    .join('');
  assert.ok(valueColumn.includes(`https://example.com/${'p'.repeat(80)}`), 'the wrapped value is still all there');
});
