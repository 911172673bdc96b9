import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { withAsciiFastPath } from '../../src/render/ascii-width.js';

const samples = [
  '', 'alice', 'https://op.test/.well-known/openid-configuration', ' ~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
  '山田 太郎', 'Zoë', 'e\u0301', '👩‍💻 dev', '⚠ signature not verified', '┌──┐', '\u001b[1mbold\u001b[22m',
  'tab\there', 'line\nbreak', '\u0000\u007f', 'ｆｕｌｌ', '한국어',
];

test('gives string-width\'s answer for every string', () => {
  const fast = withAsciiFastPath(stringWidth);
  for (const s of samples) assert.equal(fast(s), stringWidth(s), JSON.stringify(s));
});

test('answers printable ASCII without measuring, and hands everything else to string-width', () => {
  const measured: string[] = [];
  const fast = withAsciiFastPath((s) => { measured.push(s); return stringWidth(s); });
  fast('alice'); fast('https://op.test/x?y=1'); fast('');
  assert.deepEqual(measured, []);
  fast('山田'); fast('a\tb'); fast('\u001b[1mx\u001b[22m');
  assert.deepEqual(measured, ['山田', 'a\tb', '\u001b[1mx\u001b[22m']);
});
