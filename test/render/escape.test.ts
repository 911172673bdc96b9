import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeForTerminal, terminalOutput } from '../../src/render/escape.js';
import { HOSTILE, RAW_CONTROL } from '../helpers/terminal.js';

test('every C0 and C1 control, DEL, bidi and invisible character becomes a visible escape', () => {
  for (let code = 0; code < 0x20; code++) {
    const escaped = escapeForTerminal(`a${String.fromCharCode(code)}b`);
    assert.doesNotMatch(escaped, RAW_CONTROL, `U+${code.toString(16)}`);
    assert.notEqual(escaped, `a${String.fromCharCode(code)}b`);
  }
  for (let code = 0x7f; code <= 0x9f; code++) {
    assert.equal(escapeForTerminal(String.fromCharCode(code)), `\\x${code.toString(16)}`);
  }
  assert.equal(escapeForTerminal('\u001b[2J\u0007'), '\\x1b[2J\\x07');
  assert.equal(escapeForTerminal('a\tb\nc\rd'), 'a\\tb\\nc\\rd');
  assert.equal(escapeForTerminal('invoice\u202egpj.exe'), 'invoice\\u202egpj.exe');
  for (const ch of Object.values(HOSTILE)) assert.doesNotMatch(escapeForTerminal(`x${ch}y`), RAW_CONTROL);
});

test('printable text, non-Latin scripts and emoji stay as they are', () => {
  const texts = ['alice@example.com', 'Zoë Ångström', '山田 太郎', 'שלום', '👩‍💻', 'C:\\path\\x1b', '§ — …'];
  for (const text of texts) assert.equal(escapeForTerminal(text), text);
});

test('whole output keeps its lines and the paint of our styles, and nothing else', () => {
  const ours = '\u001b[1mtitle\u001b[22m\n\u001b[31m\u001b[1mFAIL\u001b[22m\u001b[39m';
  assert.equal(terminalOutput(ours, { colors: true }), ours);
  // Without colours nothing of ours is ever painted: any ESC came from outside.
  assert.equal(terminalOutput(ours, { colors: false }), ours.replaceAll('\u001b', '\\x1b'));
  // Paint that hides (8: conceal) or blinks (5) is not ours; cursor moves and OSC never are.
  assert.equal(terminalOutput('a\u001b[8mhidden', { colors: true }), 'a\\x1b[8mhidden');
  assert.equal(terminalOutput('a\u001b[5;31mb', { colors: true }), 'a\\x1b[5;31mb');
  assert.equal(terminalOutput('\u001b[2J\u001b]0;title\u0007', { colors: true }), '\\x1b[2J\\x1b]0;title\\x07');
  assert.equal(terminalOutput('line one\r\u202eline two\n', { colors: true }), 'line one\\r\\u202eline two\n');
});
