// `login` against a real, certified OpenID Provider (oidc-provider on 127.0.0.1), with headless
// Chromium filling the provider's real login and consent pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import {
  DEMO_CLIENT_SECRET,
  DEMO_CONFIDENTIAL_CLIENT,
  DEMO_PUBLIC_CLIENT,
  startDemoProvider,
  type DemoProvider,
} from '../../../demo/provider.js';
import { signInThroughForms } from '../../../demo/http-user-agent.js';
import { launchChromium } from '../../helpers/browser.js';
import { startBinary as startCli } from '../../helpers/cli-session.js';

let op: DemoProvider;
let browser: Browser;

before(async () => {
  op = await startDemoProvider();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await op?.close();
});

interface Row {
  id: string;
  status: string;
  source?: string;
}

async function signInWithChromium(url: string, login: string): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
    await page.click('button[type="submit"]');
    // The listener's own page, on the loopback redirect URI.
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/);
    return (await page.textContent('body')) ?? '';
  } finally {
    await page.close();
  }
}

const loginArgs = (clientId: string) => [
  'login',
  '--issuer',
  op.issuer,
  '--client-id',
  clientId,
  '--no-browser',
  '--redirect-uri',
  'http://127.0.0.1:0/callback',
  '--timeout',
  '60',
  '--json',
];

for (const [kind, clientId, env] of [
  ['a public client (PKCE, no secret)', DEMO_PUBLIC_CLIENT, {}],
  [
    'a confidential client (client_secret_basic)',
    DEMO_CONFIDENTIAL_CLIENT,
    { OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET },
  ],
] as const) {
  test(`logs in ${kind} through Chromium and every check passes`, { timeout: 90_000 }, async () => {
    const session = startCli([...loginArgs(clientId)], { env: { ...env } });
    const url = await session.urlLine(`${op.issuer}/auth?`);
    assert.ok(url, `no authorization URL on stderr:\n${session.stderr()}`);
    const page = await signInWithChromium(url, 'alice');
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.valid, true);
    assert.match(page, /oidc-probe/i);
    for (const id of [
      'state',
      'iss_param',
      'pkce',
      'signature',
      'iss',
      'aud',
      'exp',
      'iat',
      'nonce',
      'userinfo_sub',
      'token_type',
    ]) {
      assert.equal(doc.checks.find((c: Row) => c.id === id)?.status, 'pass', id);
    }
    assert.equal(doc.id_token.payload.sub, 'alice');
    assert.equal(doc.userinfo.claims.email, 'alice@example.test');
    assert.equal(typeof doc.tokens.access_token, 'string');
    assert.ok(!run.stdout.includes(DEMO_CLIENT_SECRET), 'the client secret never appears in the output');
    assert.ok(url.includes('code_challenge_method=S256'));
  });
}

test("a user who denies consent ends with the provider's access_denied (exit 4)", { timeout: 60_000 }, async () => {
  const session = startCli(loginArgs(DEMO_PUBLIC_CLIENT).filter((a) => a !== '--json'));
  const url = await session.urlLine(`${op.issuer}/auth?`);
  assert.ok(url);
  await signInThroughForms(url, 'bob', { consent: 'deny' });
  const run = await session.done;
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, /access_denied/);
  assert.equal(run.stdout, '');
});

test("a wrong client secret ends with the token endpoint's invalid_client (exit 4) and the secret is not shown", {
  timeout: 60_000,
}, async () => {
  const before = op.hits.get('/token') ?? 0;
  const session = startCli(
    loginArgs(DEMO_CONFIDENTIAL_CLIENT).filter((a) => a !== '--json'),
    { env: { OIDC_PROBE_CLIENT_SECRET: 'not-the-secret-xyz' } },
  );
  const url = await session.urlLine(`${op.issuer}/auth?`);
  assert.ok(url);
  await signInThroughForms(url, 'carol');
  const run = await session.done;
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, /invalid_client/);
  assert.equal((op.hits.get('/token') ?? 0) - before, 1);
  assert.ok(!run.stderr.includes('not-the-secret-xyz'));
});

test('npm run demo: the embedded provider and a real login end to end, exit 0, full tables on stdout', {
  timeout: 90_000,
}, async () => {
  const demo = fileURLToPath(new URL('../../../demo/demo.js', import.meta.url));
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [demo], { env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /userinfo_sub\s.*pass/);
  assert.match(run.stdout, /0 failed/);
  assert.doesNotMatch(run.stdout + run.stderr, /oidc-provider WARNING/);
});

test('logout: RP-initiated logout through Chromium comes back to the loopback listener with the state', {
  timeout: 90_000,
}, async () => {
  const login = startCli(loginArgs(DEMO_PUBLIC_CLIENT));
  const url = await login.urlLine(`${op.issuer}/auth?`);
  assert.ok(url);
  await signInWithChromium(url, 'erin');
  const done = await login.done;
  assert.equal(done.code, 0, done.stderr);
  const idToken = JSON.parse(done.stdout).tokens.id_token as string;

  const before = op.hits.get('/session/end') ?? 0;
  const logout = startCli([
    'logout',
    '--issuer',
    op.issuer,
    '--client-id',
    DEMO_PUBLIC_CLIENT,
    '--id-token',
    idToken,
    '--no-browser',
    '--timeout',
    '60',
    '--json',
  ]);
  const logoutUrl = await logout.urlLine(`${op.issuer}/session/end?`);
  assert.ok(logoutUrl, logout.stderr());
  assert.match(logoutUrl, /post_logout_redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Flogged-out/);
  const page = await browser.newPage();
  try {
    await page.goto(logoutUrl);
    const confirm = page.locator('button[name="logout"]');
    if (await confirm.count()) await confirm.click();
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/logged-out/);
  } finally {
    await page.close();
  }
  const out = await logout.done;
  assert.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.equal(doc.checks.find((c: Row) => c.id === 'state').status, 'pass');
  assert.equal(doc.id_token_hint, true);
  assert.ok((op.hits.get('/session/end') ?? 0) > before, "the provider's end-session endpoint was used");
});

test('logout: a redirect back with another state fails the state check (exit 1)', { timeout: 60_000 }, async () => {
  const logout = startCli([
    'logout',
    '--issuer',
    op.issuer,
    '--client-id',
    DEMO_PUBLIC_CLIENT,
    '--no-browser',
    '--timeout',
    '30',
    '--json',
  ]);
  const logoutUrl = await logout.urlLine(`${op.issuer}/session/end?`);
  assert.ok(logoutUrl);
  const back = new URL(new URL(logoutUrl).searchParams.get('post_logout_redirect_uri')!);
  back.searchParams.set('state', 'forged-state');
  await fetch(back);
  const out = await logout.done;
  assert.equal(out.code, 1, out.stderr);
  assert.equal(JSON.parse(out.stdout).checks[0].status, 'fail');
});

test('token --grant device_code: the user confirms the code in Chromium, the poll gets the tokens (RFC 8628)', {
  timeout: 90_000,
}, async () => {
  const session = startCli([
    'token',
    '--grant',
    'device_code',
    '--issuer',
    op.issuer,
    '--client-id',
    DEMO_PUBLIC_CLIENT,
    '--scope',
    'openid profile',
    '--no-cache',
    '--json',
  ]);
  const url = await session.urlLine(`${op.issuer}/device?user_code=`);
  assert.ok(url, session.stderr());
  assert.match(session.stderr(), /enter the code/);
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.click('button[autofocus]');
    await page.fill('input[name="login"]', 'frank');
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
  } finally {
    await page.close();
  }
  const out = await session.done;
  assert.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.equal(doc.grant, 'device_code');
  assert.equal(typeof doc.access_token, 'string');
  assert.equal(
    doc.checks.find((c: Row) => c.id === 'signature')?.status,
    'pass',
    'the ID token from the device flow is verified',
  );
});
