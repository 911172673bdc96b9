// `login --device`: the device authorization grant (RFC 8628) for a host where neither a browser
// nor pasting works, through the same checks as a browser login (ID token, userinfo, who signed
// in). The test plays the person on the other device: it opens verification_uri_complete and allows
// the device on rogue-op's device page (RFC 8628 §3.3: opening the page alone approves nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PUBLIC_CLIENT, DEMO_USER, startDemoProvider } from '../../../demo/provider.js';
import { runCli } from '../../helpers/cli.js';
import { confirmDeviceCode } from '../../helpers/device-user.js';
import { startCli } from '../../helpers/cli-session.js';
import { startOidcProvider } from '../../providers/oidc-provider.js';
import { startRogueOp, type Defect, type RogueOp } from '../../providers/rogue-op.js';

interface Doc {
  valid?: boolean;
  request?: Record<string, unknown>;
  callback?: unknown;
  id_token?: { payload: Record<string, unknown> };
  userinfo?: { claims: Record<string, unknown> };
  checks?: { id: string; status: string; source?: string }[];
  error?: { code: string };
}

/** The person on the other device: opens verification_uri_complete, then allows the device as alice. */
async function approveDevice(verification: string): Promise<Response> {
  const page = await fetch(verification);
  assert.equal(page.status, 200);
  const url = new URL(verification);
  return fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: url.searchParams.get('user_code')!, user: 'alice', decision: 'approve' }),
  });
}

async function deviceLogin(defects: Defect[], extra: string[] = []) {
  const op = await startRogueOp({ defects, provider: { autoApprove: false } });
  try {
    const session = startCli(['login', '--device', '--issuer', op.issuer, '--client-id', op.clientId, ...extra], {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
    });
    const verification = await session.urlLine(`${op.issuer}/device?user_code=`);
    assert.ok(verification, session.stderr());
    assert.match(
      session.stderr(),
      /To sign in, open \S+\/device and enter the code [B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}/,
    );
    assert.equal(op.calls.token > 0 || op.calls.userinfo > 0, false, 'nothing is redeemed before the approval');
    const approval = await approveDevice(verification);
    assert.equal(approval.status, 200);
    const run = await session.done;
    return { run, op };
  } finally {
    await op.close();
  }
}

const statusOf = (doc: Doc, id: string) => doc.checks?.find((c) => c.id === id)?.status;

test('login --device: the person approves elsewhere, and the ID token, access token and userinfo are checked', {
  timeout: 60_000,
}, async () => {
  const { run, op } = await deviceLogin([], ['--json']);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as Doc;
  assert.equal(doc.valid, true);
  assert.equal(doc.request?.flow, 'device');
  assert.equal(doc.request?.device_authorization_endpoint, `${op.issuer}/device_authorization`);
  assert.equal(doc.request?.grant_type, 'urn:ietf:params:oauth:grant-type:device_code');
  assert.equal(doc.callback, undefined, 'no authorization response: no callback');
  assert.equal(doc.id_token?.payload.sub, 'alice');
  for (const id of ['signature', 'iss', 'aud', 'exp', 'token_type', 'at_hash', 'userinfo_sub'])
    assert.equal(statusOf(doc, id), 'pass', id);
  assert.equal(statusOf(doc, 'nonce'), 'skip', 'the device grant sends no nonce');
  assert.equal(doc.userinfo?.claims.email, 'alice@rogue.test');
  assert.equal(op.calls.userinfo, 1);
});

test('login --device shows who signed in, as a browser login does', { timeout: 60_000 }, async () => {
  const { run } = await deviceLogin([]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Who signed in/);
  assert.match(run.stdout, /alice@rogue\.test/);
  assert.match(run.stdout, /\bvalid\b/);
  assert.match(run.stderr, /device_authorization_endpoint/, 'the request is shown before the code');
});

test('login --device with an ID token for another audience is exit 1 and userinfo is not called', {
  timeout: 60_000,
}, async () => {
  const { run, op } = await deviceLogin(['aud'], ['--json']);
  assert.equal(run.code, 1, run.stderr);
  const doc = JSON.parse(run.stdout) as Doc;
  assert.equal(statusOf(doc, 'aud'), 'fail');
  assert.equal(statusOf(doc, 'userinfo_sub'), 'skip');
  assert.equal(op.calls.userinfo, 0);
});

test('--device contradicts --paste, --listen, --browser, --response-mode and other flows: exit 2', async () => {
  const op = await startRogueOp();
  try {
    for (const extra of [
      ['--paste'],
      ['--listen', '127.0.0.1:0'],
      ['--browser', 'firefox'],
      ['--response-mode', 'fragment'],
      ['--flow', 'implicit'],
    ]) {
      const r = await runCli(['login', '--device', '--issuer', op.issuer, '--client-id', op.clientId, ...extra]);
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /--device and --\S+ contradict each other/);
    }
    assert.equal(op.calls.discovery, 0);
  } finally {
    await op.close();
  }
});

test('a provider without a device authorization endpoint is exit 2 naming it', { timeout: 60_000 }, async () => {
  const op = await startOidcProvider();
  try {
    const r = await runCli(['login', '--device', '--issuer', op.issuer, '--client-id', 'test-client'], {
      env: { OIDC_PROBE_CLIENT_SECRET: 'test-client-secret-for-loopback-only' },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /advertises no device_authorization_endpoint/);
  } finally {
    await op.close();
  }
});

test('token --grant device_code goes through the same device grant and gets its token', {
  timeout: 60_000,
}, async () => {
  const op: RogueOp = await startRogueOp({ provider: { autoApprove: false } });
  try {
    const session = startCli(
      ['token', '--grant', 'device_code', '--issuer', op.issuer, '--client-id', op.clientId, '--no-cache', '--json'],
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    const verification = await session.urlLine(`${op.issuer}/device?user_code=`);
    assert.ok(verification, session.stderr());
    assert.equal((await approveDevice(verification)).status, 200);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { access_token?: string; valid: boolean };
    assert.equal(doc.valid, true);
    assert.ok(op.issued.includes(doc.access_token!));
  } finally {
    await op.close();
  }
});

test('login --device against a real provider (oidc-provider): the person confirms, every check runs', {
  timeout: 90_000,
}, async () => {
  const op = await startDemoProvider();
  try {
    const session = startCli(['login', '--device', '--json', '--issuer', op.issuer, '--client-id', DEMO_PUBLIC_CLIENT]);
    const page = await session.urlLine(`${op.issuer}/device?user_code=`);
    assert.ok(page, session.stderr());
    await confirmDeviceCode(page, DEMO_USER);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as Doc;
    assert.equal(doc.id_token?.payload.sub, DEMO_USER);
    for (const id of ['signature', 'iss', 'aud', 'exp', 'userinfo_sub']) assert.equal(statusOf(doc, id), 'pass', id);
  } finally {
    await op.close();
  }
});
