// `login --report FILE.html` against a real provider (oidc-provider on 127.0.0.1), the page then
// opened from its file:// URL in headless Chromium with the network cut off: one SVG arrow per
// recorded message, an arrow click shows that message's details, nothing is fetched, and no secret
// of the run is anywhere in the file. A screenshot is left in the test's temporary directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { signInThroughForms } from '../../../demo/http-user-agent.js';
import { launchChromium } from '../../helpers/browser.js';
import { startCli } from '../../helpers/cli-session.js';
import { startOidcProvider, TEST_CLIENT, type RunningOidcProvider } from '../../providers/oidc-provider.js';

let op: RunningOidcProvider;
let browser: Browser;
let dir: string;
/** What the provider saw of each token request: the PKCE verifier never leaves oidc-probe otherwise. */
const verifiers: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oidc-probe-report-'));
  op = await startOidcProvider();
  (op.provider as { on(e: string, f: (ctx: { oidc: { params: Record<string, unknown> } }) => void): void }).on(
    'grant.success',
    (ctx) => verifiers.push(String(ctx.oidc.params.code_verifier)),
  );
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await op?.close();
});

const EXPECTED_ARROWS = [
  'oidc_probe>discovery',
  'discovery>oidc_probe',
  'oidc_probe>jwks',
  'jwks>oidc_probe',
  'oidc_probe>user_agent',
  'user_agent>authorization_endpoint',
  'authorization_endpoint>user_agent',
  'user_agent>oidc_probe',
  'oidc_probe>token_endpoint',
  'token_endpoint>oidc_probe',
  'oidc_probe>userinfo',
  'userinfo>oidc_probe',
];

test('login --report FILE.html: a self-contained page, offline, clickable, with no secret in it', {
  timeout: 120_000,
}, async (t) => {
  const report = join(dir, 'login.html');
  const session = startCli(
    [
      'login',
      '--issuer',
      op.issuer,
      '--client-id',
      TEST_CLIENT.client_id,
      '--scope',
      'openid',
      '--no-browser',
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--timeout',
      '60',
      '--json',
      '--report',
      report,
    ],
    {
      env: {
        OIDC_PROBE_CLIENT_SECRET: TEST_CLIENT.client_secret,
        HOME: dir,
        XDG_CONFIG_HOME: dir,
        XDG_CACHE_HOME: dir,
      },
    },
  );
  const url = await session.urlLine(`${op.issuer}/auth?`);
  assert.ok(url, session.stderr());
  await signInThroughForms(url, 'alice');
  const run = await session.done;
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal((await stat(report)).mode & 0o777, 0o600);
  const html = await readFile(report, 'utf8');

  // Every secret of this run, in every form it travelled in.
  const secrets = [
    TEST_CLIENT.client_secret,
    Buffer.from(`${TEST_CLIENT.client_id}:${TEST_CLIENT.client_secret}`).toString('base64'),
    doc.callback.params.code,
    doc.callback.params.state,
    doc.id_token.payload.nonce,
    doc.tokens.access_token,
    doc.tokens.id_token,
    ...doc.tokens.id_token.split('.'),
    verifiers.at(-1),
  ];
  for (const s of secrets) {
    assert.equal(typeof s, 'string');
    assert.ok(s.length >= 8, 'a real secret, not an empty match');
    assert.ok(!html.includes(s), `the report contains a secret of the run: ${s.slice(0, 12)}…`);
  }
  assert.doesNotMatch(html, /\b(src|href)="(?!#)/, 'no attribute loads or links anything outside the page');

  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : route.abort('internetdisconnected'),
  );
  const fileUrl = pathToFileURL(report).href;
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(fileUrl);

    // One arrow per recorded message, in the order of the run.
    const arrows = await page.$$eval('svg g.msg', (gs) =>
      gs.map((g) => `${g.getAttribute('data-from')}>${g.getAttribute('data-to')}`),
    );
    // The JWKS is fetched while the user signs in: its two arrows come after discovery, before the callback.
    const jwksAt = arrows.indexOf('oidc_probe>jwks');
    assert.equal(arrows[jwksAt + 1], 'jwks>oidc_probe', arrows.join(', '));
    assert.ok(
      jwksAt > arrows.indexOf('discovery>oidc_probe') && jwksAt < arrows.indexOf('user_agent>oidc_probe'),
      arrows.join(', '),
    );
    const withoutJwks = (list: string[]) => list.filter((a) => !a.includes('jwks'));
    assert.deepEqual(withoutJwks(arrows), withoutJwks(EXPECTED_ARROWS));
    assert.equal(await page.locator('svg g.msg line.arrow').count(), EXPECTED_ARROWS.length);
    assert.equal(await page.locator('#details .message').count(), EXPECTED_ARROWS.length);

    // Nothing is open at first; a click on the token request opens its details, and only those.
    assert.equal(await page.locator('#details .message:visible').count(), 0);
    await page.click('#arrow-9');
    const details = page.locator('#message-9');
    assert.ok(await details.isVisible());
    assert.equal(await page.locator('#details .message:visible').count(), 1);
    const text = (await details.textContent()) ?? '';
    assert.match(text, /POST \/token/);
    assert.match(text, /grant_type=authorization_code/);
    assert.match(text, /code=\[redacted \d+ chars\]/);
    assert.match(text, /authorization: Basic \[redacted \d+ chars\]/);
    assert.equal(await page.getAttribute('#arrow-9', 'aria-pressed'), 'true');
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });

    // Another arrow replaces it; the keyboard works too.
    await page.focus('#arrow-12');
    await page.keyboard.press('Enter');
    assert.ok(await page.locator('#message-12').isVisible());
    assert.ok(!(await details.isVisible()));
    assert.match((await page.locator('#message-12').textContent()) ?? '', /"sub": "alice"/);

    // The rest of the page: checks coloured by status, the ID token's claims explained, discovery, curl.
    assert.equal(await page.locator('#checks .st-fail').count(), 0);
    assert.ok((await page.locator('#checks .st-pass').count()) >= 10);
    assert.match((await page.textContent('#tokens')) ?? '', /subject: who the token is about/);
    assert.match((await page.textContent('#discovery')) ?? '', /code_challenge_methods_supported\s*S256/);
    assert.match((await page.textContent('#curl')) ?? '', /--data-urlencode "code_verifier=\$CODE_VERIFIER"/);

    // Printed, every message is expanded and the buttons are gone.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#details .message:visible').count(), EXPECTED_ARROWS.length);
    assert.equal(await page.locator('button.copy:visible').count(), 0);

    assert.deepEqual(requests, [fileUrl], 'the page asked for nothing but itself');
    assert.deepEqual(problems, [], 'no CSP violation or script error');
    assert.ok((await stat(join(dir, 'report.png'))).size > 10_000, 'a screenshot under the temp directory');
    t.diagnostic(`report and screenshot: ${dir}`);
  } finally {
    await context.close();
  }
});
