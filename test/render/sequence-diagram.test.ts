import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequenceOf } from '../../src/protocol/run-record.js';
import { renderSequenceDiagram, terminalText } from '../../src/render/sequence-diagram.js';
import { loadStyles, makeStyle } from '../../src/render/style.js';
import { codeFlowRecord, fixtureSecrets } from '../helpers/run-records.js';

const plain = makeStyle(0);
const ANSI = /\u001b\[[0-9;]*m/g;
const ARROW = /[├┤].*[▶◀✗]|[▶◀✗].*[├┤]/;

test('fits 80 columns: one arrow line per message, in order, each under its label', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  const text = renderSequenceDiagram(record, plain, { width: 80 });
  const lines = text.split('\n');
  for (const l of lines) assert.ok([...l].length <= 80, `${[...l].length} columns: ${l}`);
  const arrows = lines.filter((l) => ARROW.test(l));
  assert.equal(arrows.length, sequenceOf(record).messages.length);
  for (let n = 1; n <= arrows.length; n++) {
    const label = lines.findIndex((l) => l.includes(` ${n}. `));
    assert.ok(label > 0, `label ${n}`);
    assert.match(lines[label + 1]!, ARROW, `the arrow of message ${n} is right under its label`);
  }
  assert.match(text, /User agent/);
  assert.match(text, /10\. 200 · 30 ms · access_token… refresh_token… id_token…/);
  assert.doesNotMatch(text, ANSI);
});

test('the failing checks are marked under the arrow that brought the bad value, and nowhere else', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  const lines = renderSequenceDiagram(record, plain).split('\n');
  const answer = lines.findIndex((l) => l.includes('10. 200'));
  assert.match(lines[answer + 1]!, /◀/);
  assert.match(lines[answer + 2]!, /✗ iss: iss is not the expected issuer/);
  assert.match(lines[answer + 3]!, /✗ nonce: nonce does not match/);
  assert.equal(lines.filter((l) => l.includes('✗')).length, 2);
});

test('responses are dashed, requests solid; the front channel goes through the user agent column', async () => {
  const { record } = await codeFlowRecord();
  const lines = renderSequenceDiagram(record, plain).split('\n');
  const at = (n: number) => lines[lines.findIndex((l) => l.includes(` ${n}. `)) + 1]!;
  assert.match(at(1), /├─+▶/);
  assert.match(at(2), /◀╌+┤/);
  assert.match(at(6), /^\s*├─+▶/, 'user agent → authorization endpoint starts at the first column');
  assert.match(at(8), /^\s*├─+▶│/, 'the response reaches oidc-probe, the second column');
});

test('abbreviates to fit narrow terminals rather than wrapping', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  for (const width of [40, 60]) {
    const lines = renderSequenceDiagram(record, plain, { width }).split('\n');
    for (const l of lines) assert.ok([...l].length <= width, `${width}: ${l}`);
    assert.equal(lines.filter((l) => ARROW.test(l)).length, 12);
    assert.ok(
      lines.some((l) => l.endsWith('…')),
      'long labels end in an ellipsis',
    );
  }
});

test('colours only through the style passed in: ANSI with colours, none without (NO_COLOR)', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  await loadStyles();
  const coloured = renderSequenceDiagram(record, makeStyle(1));
  assert.match(coloured, ANSI);
  assert.equal(coloured.replace(ANSI, ''), renderSequenceDiagram(record, plain), 'same drawing, paint aside');
});

test('text from outside cannot reach the terminal raw: control and bidi characters are escapes', async () => {
  const hostile = 'evil\u001b]8;;http://x\u0007link\u202e\u009b31m';
  const { record } = await codeFlowRecord({ hostile });
  const text = renderSequenceDiagram(record, plain, { width: 200 });
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.match(text, /iss=evil\\x1b\]8/, 'the value is there, escaped');
  assert.equal(terminalText('a\u001bb\u202ec'), 'a\\x1bb\\u{202e}c');
  assert.equal(terminalText('naïve…'), 'naïve…');
});

test('no secret of the run in the drawing', async () => {
  const { record, idToken } = await codeFlowRecord({ badIss: true });
  const text = renderSequenceDiagram(record, plain, { width: 300 });
  for (const s of fixtureSecrets(idToken)) assert.ok(!text.includes(s), s);
});
