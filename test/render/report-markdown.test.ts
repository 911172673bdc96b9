import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequenceOf } from '../../src/protocol/run-record.js';
import { cell, fenced, mermaidText, renderReportMarkdown } from '../../src/render/report-markdown.js';
import { codeFlowRecord, fixtureSecrets } from '../helpers/run-records.js';
import { decodeMermaidText, parseMermaidSequence } from '../helpers/mermaid-grammar.js';

const mermaidBlock = (md: string) => /^```mermaid\n([\s\S]*?)\n```$/m.exec(md)?.[1];

test('the Mermaid block follows the sequenceDiagram grammar: one arrow per message, notes on the bad one', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  const md = renderReportMarkdown(record, { version: '9.9.9' });
  const block = mermaidBlock(md);
  assert.ok(block, 'a ```mermaid block');
  const parsed = parseMermaidSequence(block);
  const seq = sequenceOf(record);
  assert.equal(parsed.messages.length, seq.messages.length);
  assert.deepEqual(
    [...parsed.participants.values()],
    seq.participants.map((p) => p.name),
  );
  assert.deepEqual(
    parsed.messages.map((m) => m.arrow),
    seq.messages.map((m) => (m.reply ? '-->>' : '->>')),
  );
  assert.equal(parsed.messages[0]!.from, 'P');
  assert.equal(parsed.messages[0]!.to, 'DS');
  assert.deepEqual(
    parsed.notes.map((n) => [n.over.join(','), decodeMermaidText(n.text)]),
    [
      ['TK,P', '✗ iss: iss is not the expected issuer'],
      ['TK,P', '✗ nonce: nonce does not match'],
    ],
  );
});

test('hostile text stays one Mermaid statement: "#", ";", "<", newlines and "%%" are encoded', async () => {
  const hostile = 'a;b#c\n  P->>UA: injected %%{init}%% <img src=x onerror=alert(1)>';
  const { record } = await codeFlowRecord({ hostile });
  const block = mermaidBlock(renderReportMarkdown(record, { version: '1' }))!;
  const parsed = parseMermaidSequence(block);
  assert.equal(parsed.messages.length, 12, 'no message was injected');
  const callback = parsed.messages.find((m) => m.from === 'UA' && m.to === 'P');
  assert.match(decodeMermaidText(callback!.text), /iss=a;b#c {3}P->>UA: injected %%\{init\}%% <im…$/);
  assert.equal(mermaidText('x;y#z<w>'), 'x#59;y#35;z#lt;w#gt;');
  assert.throws(() => parseMermaidSequence('sequenceDiagram\n  participant P as x\n  P->>P: a;b'), /outside an entity/);
  assert.throws(() => parseMermaidSequence('sequenceDiagram\n  participant End as x'), /keyword "end"/);
});

test('the Markdown report: checks, tokens, discovery as tables, curl blocks, a details block per message', async () => {
  const { record, idToken } = await codeFlowRecord({ badIss: true });
  const md = renderReportMarkdown(record, { version: '9.9.9' });
  assert.match(md, /^# oidc-probe login: failed: a check failed \(exit 1\)$/m);
  assert.match(
    md,
    new RegExp(
      String.raw`^\| iss \| ❌ \*\*FAIL\*\* \| token\\_endpoint \| iss is not the expected issuer` +
        String.raw`<br>expected: https://op.test · actual: https://evil.test \| 10 \|$`,
      'm',
    ),
  );
  assert.match(md, /^## ID token \(from the Token endpoint, message 10\)$/m);
  assert.match(md, /^\| sub \| alice \| subject: who the token is about/m);
  assert.match(md, /^\| exp \| \d+ \(\d{4}-\d\d-\d\dT[\d:]+Z\) \| expiration time/m);
  assert.match(md, /^\| code\\_challenge\\_methods\\_supported \| S256 \|$/m);
  assert.match(md, /^```sh\ncurl -X POST 'https:\/\/op.test\/token'/m);
  assert.equal(md.match(/<details>/g)?.length, 12);
  for (const s of fixtureSecrets(idToken)) assert.ok(!md.includes(s), `leaked: ${s}`);
});

test('Markdown escaping: provider text cannot open HTML, links or table cells; fences outlast backticks', () => {
  assert.equal(cell('<img src=x> | [a](b) *c*'), '&lt;img src=x&gt; \\| \\[a\\](b) \\*c\\*');
  assert.equal(fenced('a ``` b', 'sh'), '````sh\na ``` b\n````');
});
