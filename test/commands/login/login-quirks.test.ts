// Each provider quirk of src/protocol/provider-quirks.ts reproduced against rogue-op: the symptom
// appears (the row or the error), and the hint names the provider and the way out, in --json and
// in the human view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';
import { startCli, type InProcessCliSession } from '../../helpers/cli-session.js';
import { loginArgs } from '../../helpers/login-args.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp, type Defect, type RogueOp } from '../../providers/rogue-op.js';

interface Row {
  id: string;
  status: string;
  source?: string;
  hint?: string;
  expected?: unknown;
}
interface Doc {
  valid?: boolean;
  checks?: Row[];
  error?: { code: string; error?: string; hint?: string; message: string };
}

async function login(
  defects: Defect[],
  extra: string[],
  opts: { issuerPath?: string; json?: boolean; play?: (s: InProcessCliSession, url: string) => Promise<void> } = {},
) {
  const op = await startRogueOp({ defects });
  try {
    const issuer = op.issuer + (opts.issuerPath ?? '');
    const args = loginArgs(
      { issuer, clientId: op.clientId },
      '--no-browser',
      ...(opts.json === false ? [] : ['--json']),
    );
    const session = startCli([...args, ...extra], {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
      openStdin: true,
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    if (url) await (opts.play ?? ((_s, u) => deliverAuthorizationResponse(u).then(() => undefined)))(session, url);
    const run = await session.done;
    const doc = opts.json === false ? {} : (JSON.parse(run.stdout) as Doc);
    return { run, doc, op };
  } finally {
    await op.close();
  }
}

const row = (doc: Doc, id: string): Row => {
  const r = doc.checks?.find((c) => c.id === id);
  assert.ok(r, `no ${id} row in ${JSON.stringify(doc.checks?.map((c) => c.id))}`);
  return r;
};

test('Entra multi-tenant: a {tenantid} issuer stops the login with a hint for --issuer-template', {
  timeout: 60_000,
}, async () => {
  const { run, doc, op } = await login(['issuer_template'], [], { issuerPath: '/common/v2.0' });
  assert.equal(run.code, 1, run.stderr);
  const issuer = row(doc, 'discovery.issuer');
  assert.equal(issuer.status, 'fail');
  assert.match(issuer.hint!, /Microsoft Entra ID.*\{tenantid\}.*--issuer-template/);
  assert.equal(op.calls.authorize, 0);
  const human = await login(['issuer_template'], [], { issuerPath: '/common/v2.0', json: false });
  assert.match(human.run.stdout, /hint: Microsoft Entra ID/);
});

test('Entra multi-tenant with --issuer-template: accepted with a warning, and iss is held to the tid', {
  timeout: 60_000,
}, async () => {
  const { run, doc, op } = await login(['issuer_template'], ['--issuer-template'], { issuerPath: '/common/v2.0' });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(row(doc, 'discovery.issuer').status, 'warn');
  const iss = row(doc, 'iss');
  assert.equal(iss.status, 'pass');
  assert.equal(iss.expected, `${op.issuer}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`);
});

test('Entra v1.0: expires_in as a string is a warning, the sts.windows.net iss a failure, both explained', {
  timeout: 60_000,
}, async () => {
  const { run, doc } = await login(['entra_v1'], []);
  assert.equal(run.code, 1, run.stderr);
  const expiresIn = row(doc, 'expires_in');
  assert.equal(expiresIn.status, 'warn');
  assert.match(expiresIn.hint!, /AD FS.*RFC 6749 §5\.1/);
  const iss = row(doc, 'iss');
  assert.equal(iss.status, 'fail');
  assert.match(iss.hint!, /v1\.0 tokens.*sts\.windows\.net/);
});

test("Google's issuer without a scheme fails iss with Google's hint", { timeout: 60_000 }, async () => {
  const { run, doc } = await login(['iss_no_scheme'], []);
  assert.equal(run.code, 1);
  const iss = row(doc, 'iss');
  assert.equal(iss.status, 'fail');
  assert.match(iss.hint!, /^Google .*without https:\/\//);
});

test('Cognito-style localhost only: the error page pasted back is explained; a localhost redirect URI works', {
  timeout: 60_000,
}, async () => {
  const { run, doc } = await login(['localhost_only'], ['--paste'], {
    play: async (session, url) => {
      const errorPage = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
      assert.match(errorPage, /\/error\?error=redirect_mismatch/);
      for (let i = 0; i < 3; i++) session.input(`${errorPage}\n`);
    },
  });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /a page of the provider, with error "redirect_mismatch"/);
  assert.match(run.stderr, /hint: Amazon Cognito accepts http redirect URIs only on the name localhost/);
  assert.match(doc.error?.hint ?? '', /--redirect-uri http:\/\/localhost:PORT\/callback/);
  const ok = await login(['localhost_only'], ['--redirect-uri', 'http://localhost:0/callback']);
  assert.equal(ok.run.code, 0, ok.run.stderr);
});

test("Apple's user field in form_post is a warning (unsigned data) with Apple's hint; the login is valid", {
  timeout: 60_000,
}, async () => {
  const { run, doc } = await login(['apple_user'], ['--response-mode', 'form_post']);
  assert.equal(run.code, 0, run.stderr);
  const extra = row(doc, 'extra_params');
  assert.equal(extra.status, 'warn');
  assert.match(extra.hint!, /^Sign in with Apple posts a user parameter/);
});

test('GitHub-style token errors with HTTP 200 are provider errors (exit 4) with the hint', {
  timeout: 60_000,
}, async () => {
  const { run, doc } = await login(['token_error_200'], []);
  assert.equal(run.code, 4, run.stderr);
  assert.equal(doc.error?.error, 'bad_verification_code');
  assert.match(doc.error?.message ?? '', /HTTP 200/);
  assert.match(doc.error?.hint ?? '', /GitHub OAuth apps.*HTTP 200.*RFC 6749 §5\.2/);
  assert.match(run.stderr, /hint: GitHub OAuth apps/);
});

test('no id_token from the token endpoint fails format with the OAuth-only hint', { timeout: 60_000 }, async () => {
  const { run, doc } = await login(['no_id_token'], []);
  assert.equal(run.code, 1, run.stderr);
  const format = doc.checks?.find((c) => c.id === 'format' && c.source === 'token_endpoint');
  assert.equal(format?.status, 'fail');
  assert.match(format?.hint ?? '', /not OpenID Connect providers.*--scope includes openid/);
});

test('a hybrid response in the query when no response_mode was sent is explained; sent, it is not', {
  timeout: 60_000,
}, async () => {
  const { run, doc } = await login(['query_unless_asked'], ['--response-type', 'code id_token']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(row(doc, 'response_mode').hint!, /pass --response-mode fragment/);
  const sent = await login(
    ['query_unless_asked', 'query_channel'],
    ['--response-type', 'code id_token', '--response-mode', 'fragment'],
  );
  assert.equal(row(sent.doc, 'response_mode').status, 'fail');
  assert.equal(row(sent.doc, 'response_mode').hint, undefined, 'the mode was sent: not this quirk');
});

test('auth_time 0 is a warning with a hint; with --max-age it fails', { timeout: 60_000 }, async () => {
  const { run, doc } = await login(['auth_time_zero'], []);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(row(doc, 'auth_time').status, 'warn');
  assert.match(row(doc, 'auth_time').hint!, /auth_time 0 when they do not know/);
  const strict = await login(['auth_time_zero'], ['--max-age', '300']);
  assert.equal(strict.run.code, 1);
  assert.equal(row(strict.doc, 'auth_time').status, 'fail');
  assert.ok(row(strict.doc, 'auth_time').hint);
});

test('a workload-identity issuer: login stops with exit 2 and a hint to verify its tokens instead', {
  timeout: 60_000,
}, async () => {
  const op: RogueOp = await startRogueOp({ defects: ['workload_identity'] });
  try {
    const r = await runCli(['--json', 'login', '--no-browser', '--issuer', op.issuer, '--client-id', op.clientId]);
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.equal(doc.error?.code, 'endpoint_not_advertised');
    assert.match(doc.error?.hint ?? '', /Workload-identity issuers.*oidc-probe verify --issuer/);
    assert.equal(op.calls.authorize, 0);
  } finally {
    await op.close();
  }
});

test('a refresh answer without an ID token is a skip (Core 12.2) with a hint, and the token is good', {
  timeout: 60_000,
}, async () => {
  const op = await startRogueOp({ defects: ['no_id_token_refresh'] });
  try {
    // Core 11: serve gives a refresh token for offline_access.
    const session = startCli(loginArgs(op, '--no-browser', '--json', '--scope', 'openid offline_access'), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
    });
    await deliverAuthorizationResponse((await session.urlLine(`${op.issuer}/authorize`))!);
    const logged = JSON.parse((await session.done).stdout) as { tokens: { refresh_token: string } };
    const r = await runCli(
      [
        '--json',
        'token',
        '--grant',
        'refresh_token',
        '--refresh-token',
        logged.tokens.refresh_token,
        '--issuer',
        op.issuer,
        '--client-id',
        op.clientId,
        '--no-cache',
      ],
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    const refreshRow = row(doc, 'refresh_id_token');
    assert.equal(refreshRow.status, 'skip');
    assert.match(refreshRow.hint!, /Core 12\.2 makes the ID token optional on refresh/);
  } finally {
    await op.close();
  }
});
