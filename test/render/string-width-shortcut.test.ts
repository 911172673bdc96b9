import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { isOneColumn, withOneColumnShortcut } from '../../src/render/string-width-shortcut.js';

const samples = [
  '',
  'alice',
  'https://op.test/.well-known/openid-configuration',
  ' ~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
  '山田 太郎',
  'Zoë',
  'e\u0301',
  '👩‍💻 dev',
  '⚠ signature not verified',
  '┌──┐',
  '\u001b[1mbold\u001b[22m',
  'tab\there',
  'line\nbreak',
  '\u0000\u007f',
  'ｆｕｌｌ',
  '한국어',
  'cut…',
  '│ a │ b │',
  '├─┼─┤',
  '▶ ◀ ▪',
  // every box-drawing character and the ellipsis, one at a time
  ...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(0x2500 + i)),
  '\u2026',
];

test("gives string-width's answer for every string", () => {
  const fast = withOneColumnShortcut(stringWidth);
  for (const s of samples) assert.equal(fast(s), stringWidth(s), JSON.stringify(s));
});

test('answers printable ASCII and table borders without measuring, and hands everything else to string-width', () => {
  const measured: string[] = [];
  const fast = withOneColumnShortcut((s) => {
    measured.push(s);
    return stringWidth(s);
  });
  fast('alice');
  fast('https://op.test/x?y=1');
  fast('');
  fast('┌───┬──┐');
  fast('cut…');
  assert.deepEqual(measured, []);
  fast('山田');
  fast('a\tb');
  fast('\u001b[1mx\u001b[22m');
  assert.deepEqual(measured, ['山田', 'a\tb', '\u001b[1mx\u001b[22m']);
});

test('every character the shortcut counts as one column is one column for string-width', () => {
  const fast = withOneColumnShortcut(stringWidth);
  let counted = 0;
  for (let code = 0; code <= 0xffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const char = String.fromCharCode(code);
    if (!isOneColumn(char)) continue;
    counted++;
    assert.equal(stringWidth(char), 1, `U+${code.toString(16)}`);
    assert.equal(fast(`a${char}b`), stringWidth(`a${char}b`));
  }
  assert.ok(counted > 600, 'Latin-1, punctuation, arrows and box drawing are all covered');
  for (const char of ['\u001b', '\u0085', '\u202e', '\u2028', '\u2060', '山', '\u0301'])
    assert.equal(isOneColumn(char), false, JSON.stringify(char));
});
