import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { renderReportHtml } from '../../src/render/report-html.js';
import { codeFlowRecord, fixtureSecrets } from '../helpers/run-records.js';

const arrows = (html: string) => [...html.matchAll(/<g class="msg" id="arrow-(\d+)"[^>]*>(.*?)<\/g>/g)];
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

test('one SVG arrow and one details panel per message; the failing check on the answer that brought it', async () => {
  const { record, idToken } = await codeFlowRecord({ badIss: true });
  const html = renderReportHtml(record, { version: '9.9.9' });
  const groups = arrows(html);
  assert.deepEqual(
    groups.map((g) => Number(g[1])),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  assert.equal(html.match(/<section class="message" id="message-\d+" hidden>/g)?.length, 12);
  const bad = groups.filter((g) => /class="arrow[^"]* bad"/.test(g[2]!)).map((g) => Number(g[1]));
  assert.deepEqual(bad, [10]);
  assert.match(groups[9]![2]!, /<text class="flag"[^>]*>✗ iss: iss is not the expected issuer<\/text>/);
  assert.match(html, /<span class="badge fail">failed<\/span>/);
  for (const s of fixtureSecrets(idToken)) assert.ok(!html.includes(s), `leaked: ${s}`);
});

test('the CSP allows exactly the page own style and script, by hash, and nothing from any network', async () => {
  const { record } = await codeFlowRecord();
  const html = renderReportHtml(record, { version: '1' });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  assert.ok(csp);
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /base-uri 'none'; form-action 'none'$/);
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  assert.ok(csp.includes(`style-src ${sha256(style)}`), 'the style is the one the policy allows');
  assert.ok(csp.includes(`script-src ${sha256(script)}`), 'the script is the one the policy allows');
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.equal(html.match(/<style/g)?.length, 1);
  assert.doesNotMatch(html, /\b(src|href)="(?!#)|url\(|@import/);
});

test('text from a hostile provider is escaped, never markup', async () => {
  const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
  const { record } = await codeFlowRecord({ hostile });
  const html = renderReportHtml(record, { version: '1' });
  assert.doesNotMatch(html, /<img|<script>alert/);
  assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
});

test('a run stopped by the provider: the answer marked, the outcome says why and with which exit code', async () => {
  const { record } = await codeFlowRecord({ invalidClient: true });
  const html = renderReportHtml(record, { version: '1' });
  const groups = arrows(html);
  assert.equal(groups.length, 10);
  assert.match(groups[9]![2]!, /class="arrow reply bad"/);
  assert.match(
    html,
    new RegExp(
      '<p class="outcome fail" id="outcome">stopped: the token endpoint \\(HTTP 401\\) ' +
        'answered with error &#34;invalid_client&#34; \\(exit 4\\)',
    ),
  );
});
