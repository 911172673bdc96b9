// `login --response-mode`: a mode the user asks for is sent, even when it is the response type's
// default (Multiple Response Types §2.1), and the request table says what was sent. rogue-op with
// query_unless_asked answers hybrid responses in the query string unless a response_mode is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../helpers/cli-session.js';
import { deliverAuthorizationResponse } from '../helpers/user-agent.js';
import { startRogueOp } from '../providers/rogue-op.js';
import { loginArgs } from '../helpers/login-args.js';

async function login(extra: string[]) {
  const op = await startRogueOp({ defects: ['query_unless_asked'] });
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-mode-'));
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--response-type', 'code id_token', ...extra), {
      env: {
        OIDC_PROBE_CLIENT_SECRET: op.clientSecret,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_CACHE_HOME: join(home, 'cache'),
      },
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    const delivery = await deliverAuthorizationResponse(url);
    const run = await session.done;
    return { url: new URL(url), delivery, run, tokenCalls: op.calls.token };
  } finally {
    await op.close();
    await rm(home, { recursive: true, force: true });
  }
}

test('--response-mode fragment is sent although it is the default for "code id_token", and shown as sent', {
  timeout: 90_000,
}, async () => {
  const { url, delivery, run, tokenCalls } = await login(['--response-mode', 'fragment']);
  assert.equal(url.searchParams.get('response_mode'), 'fragment');
  assert.equal(delivery.channel, 'fragment');
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(tokenCalls, 1);
  assert.match(run.stderr, /response_mode\s*│\s*fragment\s*│/);
  assert.doesNotMatch(run.stderr, /not sent/);
});

test('without --response-mode nothing is sent, the table says so, and the run checks the channel used', {
  timeout: 90_000,
}, async () => {
  const { url, delivery, run, tokenCalls } = await login(['--json']);
  assert.equal(url.searchParams.get('response_mode'), null);
  assert.equal(delivery.channel, 'query');
  assert.match(run.stderr, /response_mode fragment \(default, not sent\)/);
  const doc = JSON.parse(run.stdout) as {
    request: { response_mode: string; response_mode_sent: boolean };
    checks: { id: string; status: string }[];
  };
  assert.equal(doc.request.response_mode, 'fragment');
  assert.equal(doc.request.response_mode_sent, false);
  assert.equal(doc.checks.find((c) => c.id === 'response_mode')?.status, 'fail');
  assert.equal(run.code, 1);
  assert.equal(tokenCalls, 0, 'tokens that came in a query string are not used');
});

test('the request table on stderr says "default, not sent" when no mode was asked for', {
  timeout: 90_000,
}, async () => {
  const { run } = await login([]);
  assert.match(run.stderr, /response_mode\s*│\s*fragment \(default, not sent\)\s*│/);
});
