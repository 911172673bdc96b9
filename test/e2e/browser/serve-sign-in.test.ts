// Real headless Chromium clicks through serve's sign-in page, the way a person testing their app
// would: login (in-process) prints the authorization URL, Chromium opens it, types a user name and
// clicks Sign in (or Deny); the provider's answer travels back to login's loopback listener.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { run, type ServeHandle } from '../../../src/commands/serve/run.js';
import { launchChromium } from '../../helpers/browser.js';
import { loginInProcess } from '../../helpers/login-in-process.js';
import { sharedKeyMaterial } from '../../providers/rogue-op.js';

let browser: Browser;
let serve: ServeHandle;
before(async () => {
  browser = await launchChromium();
  serve = await run(
    {
      port: 0,
      issuerPath: '/',
      client: ['web-app:web-secret-0123456789abcdef'],
      user: 'alice',
      signingAlg: 'RS256',
      slowDelay: 1,
    },
    { log: () => {}, keys: await sharedKeyMaterial(), hosts: ['127.0.0.1'] },
  );
});
after(async () => {
  await serve.close();
  await browser.close();
});

async function clickThrough(
  responseType: string,
  responseMode: string | undefined,
  click: 'approve' | 'deny',
  user?: string,
) {
  const page = await browser.newPage();
  try {
    return await loginInProcess({
      issuer: serve.issuer,
      clientId: 'web-app',
      clientSecret: 'web-secret-0123456789abcdef',
      responseType,
      responseMode,
      onAuthorizationUrl: async (url) => {
        await page.goto(url);
        assert.match(await page.title(), /Sign in to web-app/);
        assert.equal(await page.inputValue('#user'), 'alice', 'the --user is the default');
        if (user !== undefined) await page.fill('#user', user);
        await page.click(`#${click}`);
        // Whatever login's listener answers the browser with (its "Response received" page).
        await page.waitForSelector('#done', { timeout: 30_000 });
      },
    });
  } finally {
    await page.close();
  }
}

test('Chromium signs in as another user on the page; the code flow completes as that user', {
  timeout: 120_000,
}, async () => {
  const o = await clickThrough('code', undefined, 'approve', 'frank');
  assert.equal(o.exit, 0, o.stderr);
  assert.equal(o.result!.id_token!.payload.sub, 'frank');
  assert.equal(o.result!.userinfo!.claims.sub, 'frank');
});

test('Chromium signs in for a hybrid flow answered by form_post (the form submits itself)', {
  timeout: 120_000,
}, async () => {
  const o = await clickThrough('code id_token', 'form_post', 'approve');
  assert.equal(o.exit, 0, o.stderr);
  assert.equal(o.result!.callback!.channel, 'form_post');
  assert.equal(o.result!.id_token!.payload.sub, 'alice');
});

test('Chromium clicks Deny: login ends with access_denied (exit 4), nothing redeemed', {
  timeout: 120_000,
}, async () => {
  const tokenCalls = serve.calls.token;
  const o = await clickThrough('code', undefined, 'deny');
  assert.equal(o.exit, 4, o.stderr);
  assert.equal(o.error!.oauthError, 'access_denied');
  assert.equal(serve.calls.token, tokenCalls);
});
