// Real headless Chromium completes fragment and form_post flows through login's loopback
// listener: the provider's 302 with a fragment lands on the relay page, whose script POSTs it back;
// a form_post page submits itself. The binary runs with --no-browser; Chromium opens the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startRogueOp } from '../../providers/rogue-op.js';
import { startBinary as startCli } from '../../helpers/cli-session.js';
import { launchChromium } from '../../helpers/browser.js';
import { loginArgs } from '../../helpers/login-args.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser.close();
});

const CASES: [string, 'fragment' | 'form_post'][] = [
  ['id_token token', 'fragment'],
  ['id_token token', 'form_post'],
  ['code id_token', 'fragment'],
  ['code id_token', 'form_post'],
  ['code id_token token', 'fragment'],
  ['id_token', 'form_post'],
];

for (const [responseType, mode] of CASES) {
  test(`Chromium completes "${responseType}" by ${mode} through the listener`, { timeout: 120_000 }, async () => {
    const op = await startRogueOp();
    const page = await browser.newPage();
    try {
      const session = startCli(
        loginArgs(
          op,
          '--no-browser',
          '--json',
          '--response-type',
          responseType,
          '--response-mode',
          mode,
          '--timeout',
          '60',
        ),
        { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
      );
      const url = await session.urlLine(`${op.issuer}/authorize`);
      assert.ok(url, session.stderr());
      await page.goto(url);
      const run = await session.done;
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const json = JSON.parse(run.stdout) as {
        valid: boolean;
        callback: { channel: string; parameters: { name: string; channel: string }[] };
      };
      assert.equal(json.valid, true);
      assert.equal(json.callback.channel, mode);
      assert.ok(json.callback.parameters.some((p) => p.name === 'id_token' && p.channel === mode));
      assert.equal(op.calls.token, responseType.includes('code') ? 1 : 0);
      // The browser ends on the listener's answer, with no token left in the address bar.
      await page.waitForLoadState('load');
      assert.ok(!page.url().includes('id_token='), page.url());
      assert.ok(!page.url().includes('#'), page.url());
    } finally {
      await page.close();
      await op.close();
    }
  });
}
