// Our own conformance suite, as anyone can now run it: `oidc-probe login` (its flow, in-process)
// against `oidc-probe serve` (its run(), in-process) for every defect and every response type it
// applies to. One provider for the whole table; each case switches the defects through the control
// endpoint, the way a user's test suite would. Each case also asserts that the log names the defect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type ServeHandle } from '../../../src/commands/serve/run.js';
import type { ProviderEvent } from '../../../src/io/provider/server.js';
import { DEFECT_CATALOGUE, DEFECTS, type Defect } from '../../../src/protocol/provider-defects.js';
import { runCli } from '../../helpers/cli.js';
import { loginInProcess, type InProcessLogin } from '../../helpers/login-in-process.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { sharedKeyMaterial } from '../../providers/rogue-op.js';
import { makeCertifiedKey } from '../../helpers/x509.js';

type RT = 'code' | 'id_token' | 'id_token token' | 'code id_token' | 'code token' | 'code id_token token';
const ALL: RT[] = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];
const FRONT_ID_TOKEN: RT[] = ['id_token', 'id_token token', 'code id_token', 'code id_token token'];
const WITH_ACCESS_TOKEN: RT[] = ['code', 'id_token token', 'code id_token', 'code token', 'code id_token token'];
const HYBRID_ID_TOKEN: RT[] = ['code id_token', 'code id_token token'];
const WITH_CODE: RT[] = ['code', 'code id_token', 'code token', 'code id_token token'];
const hasFrontIdToken = (rt: RT) => FRONT_ID_TOKEN.includes(rt);

const CLIENT_ID = 'conformance-client';
const CLIENT_SECRET = 'conformance-secret-0123456789abcdef';

type Expect =
  | { outcome: 'reject'; check: string }
  | { outcome: 'accept' }
  | { outcome: 'warn'; check: string }
  | { outcome: 'error'; exit: number };

interface Case {
  defect: Defect;
  types: RT[];
  expect: Expect;
  /** The code is not redeemed and userinfo not called (the failure was in the front channel). */
  heldBack?: (rt: RT) => boolean;
  /** For errors: what the flow stopped with. */
  error?: { code?: string; oauthError?: string; mentions?: RegExp };
  more?: (o: InProcessLogin, rt: RT) => void;
  /** What login must be asked to do for the defect to show (a DPoP proof, a JARM mode, a push, a certificate). */
  login?: { label: string; mode?: string; extra: () => string[] };
}

/** A client certificate for login --cert (RFC 8705): the cnf row compares the token's binding with it. */
let certificateArgs: string[] | undefined;
function clientCertificate(): string[] {
  if (!certificateArgs) {
    const now = Math.floor(Date.now() / 1000);
    const key = makeCertifiedKey({ cn: CLIENT_ID, notBefore: now - 60, notAfter: now + 86_400, kid: 'client' });
    const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-serve-cert-'));
    writeFileSync(join(dir, 'client.pem'), key.certPem);
    writeFileSync(join(dir, 'client.key'), key.keyPem, { mode: 0o600 });
    certificateArgs = ['--cert', join(dir, 'client.pem'), '--cert-key', join(dir, 'client.key')];
  }
  return certificateArgs;
}
const DPOP = { label: '--dpop', extra: () => ['--dpop'] };
const JARM = { label: 'response_mode jwt', mode: 'jwt', extra: () => [] };
const PAR = { label: '--par', extra: () => ['--par'] };

const reject = (check: string): Expect => ({ outcome: 'reject', check });
const claim = (defect: Defect, check: string): Case => ({
  defect,
  types: ALL,
  expect: reject(check),
  heldBack: hasFrontIdToken,
});

const CASES: Case[] = [
  claim('iss', 'iss'),
  claim('aud', 'aud'),
  claim('aud_missing', 'aud'),
  {
    defect: 'aud_untrusted',
    types: ALL,
    expect: { outcome: 'warn', check: 'aud' },
    more: (o) => assert.match(o.result!.checks.find((c) => c.id === 'aud')!.message, /"untrusted-api"/),
  },
  claim('sub_missing', 'sub'),
  claim('iat_missing', 'iat'),
  claim('exp_missing', 'exp'),
  claim('expired', 'exp'),
  claim('iat_future', 'iat'),
  claim('nonce', 'nonce'),
  claim('nonce_missing', 'nonce'),
  claim('sig_rs256', 'signature'),
  claim('sig_es256', 'signature'),
  claim('sig_hs256', 'signature'),
  claim('alg_none', 'alg'),
  // With the client secret at hand HS256 is verified with it (Core 10.1): the signature fails.
  // A public client's case (the alg row) is below.
  claim('key_confusion', 'signature'),
  {
    defect: 'kid_absent_single',
    types: ALL,
    expect: { outcome: 'accept' },
    more: (o) =>
      assert.ok(o.result!.checks.some((c) => c.id === 'kid' && c.status === 'pass' && /exactly one/.test(c.message))),
  },
  { defect: 'kid_absent_multi', types: ALL, expect: { outcome: 'warn', check: 'kid' } },
  {
    defect: 'rotation',
    types: ALL,
    expect: { outcome: 'accept' },
    more: (o) =>
      assert.ok(
        o.result!.checks.some((c) => c.id === 'kid' && /rotation/.test(c.message)),
        explain(o),
      ),
  },
  {
    defect: 'hs256',
    types: ALL,
    expect: { outcome: 'accept' },
    more: (o) =>
      assert.ok(o.result!.checks.some((c) => c.id === 'signature' && c.status === 'pass' && /HS256/.test(c.message))),
  },
  {
    defect: 'at_hash',
    types: WITH_ACCESS_TOKEN,
    expect: reject('at_hash'),
    heldBack: (rt) => rt === 'id_token token' || rt === 'code id_token token',
  },
  {
    defect: 'at_hash_missing',
    types: ['id_token token', 'code id_token token'],
    expect: reject('at_hash'),
    heldBack: () => true,
  },
  { defect: 'c_hash', types: HYBRID_ID_TOKEN, expect: reject('c_hash'), heldBack: () => true },
  { defect: 'c_hash_missing', types: HYBRID_ID_TOKEN, expect: reject('c_hash'), heldBack: () => true },
  { defect: 's_hash', types: FRONT_ID_TOKEN, expect: reject('s_hash'), heldBack: () => true },
  { defect: 'hybrid_sub', types: HYBRID_ID_TOKEN, expect: reject('hybrid_sub') },
  { defect: 'userinfo_sub', types: WITH_ACCESS_TOKEN, expect: reject('userinfo_sub') },
  {
    defect: 'discovery_issuer',
    types: ALL,
    expect: reject('discovery.issuer'),
    more: (o) => assert.equal(o.delivered, undefined, 'stopped before the authorization request'),
  },
  { defect: 'state', types: ALL, expect: reject('state'), heldBack: () => true },
  { defect: 'iss_param', types: ALL, expect: reject('iss_param'), heldBack: () => true },
  {
    defect: 'query_channel',
    types: ['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    expect: reject('response_mode'),
    heldBack: () => true,
  },
  {
    defect: 'query_unless_asked',
    types: ['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    expect: reject('response_mode'),
    heldBack: () => true,
  },
  { defect: 'dpop_ignored', types: WITH_CODE, expect: reject('dpop.token_type'), login: DPOP },
  { defect: 'dpop_cnf', types: WITH_CODE, expect: reject('dpop.cnf_jkt'), login: DPOP },
  { defect: 'jarm_unsigned', types: ALL, expect: reject('jarm.alg'), heldBack: () => true, login: JARM },
  { defect: 'jarm_aud', types: ALL, expect: reject('jarm.aud'), heldBack: () => true, login: JARM },
  { defect: 'jarm_iss', types: ALL, expect: reject('jarm.iss'), heldBack: () => true, login: JARM },
  { defect: 'jarm_expired', types: ALL, expect: reject('jarm.exp'), heldBack: () => true, login: JARM },
  {
    defect: 'par_bad',
    types: ['code', 'code id_token'],
    expect: reject('par.request_uri'),
    login: PAR,
    more: (o) => {
      assert.equal(o.delivered, undefined, 'the browser is never sent anywhere');
      assert.equal(o.result!.checks.find((c) => c.id === 'par.expires_in')?.status, 'fail');
    },
  },
  {
    defect: 'par_error',
    types: ['code', 'code id_token'],
    expect: { outcome: 'error', exit: 4 },
    error: { code: 'provider_error', oauthError: 'invalid_request' },
    login: PAR,
    more: (o) => assert.equal(o.delivered, undefined, 'the browser is never sent anywhere'),
  },
  {
    defect: 'cnf_x5t',
    types: WITH_CODE,
    expect: reject('cnf'),
    login: { label: '--cert', extra: clientCertificate },
    more: (o) => assert.match(o.result!.checks.find((c) => c.id === 'cnf')!.message, /another certificate/),
  },
  {
    defect: 'access_denied',
    types: ALL,
    expect: { outcome: 'error', exit: 4 },
    error: { code: 'provider_error', oauthError: 'access_denied' },
  },
  // Known providers' quirks: what oidc-probe login does with each (its hints are in login-quirks.test.ts).
  {
    defect: 'issuer_template',
    types: ['code'],
    expect: reject('discovery.issuer'),
    more: (o) => assert.equal(o.delivered, undefined, 'stopped before the authorization request'),
  },
  {
    defect: 'entra_v1',
    types: ['code', 'id_token'],
    expect: reject('iss'),
    heldBack: hasFrontIdToken,
    more: (o, rt) => {
      if (rt === 'code') assert.equal(o.result!.checks.find((c) => c.id === 'expires_in')?.status, 'warn', explain(o));
    },
  },
  { defect: 'iss_no_scheme', types: ['code', 'id_token'], expect: reject('iss'), heldBack: hasFrontIdToken },
  {
    defect: 'localhost_only',
    types: ['code'],
    expect: { outcome: 'error', exit: 5 },
    // The browser ends on the provider's error page; the hint names Cognito only for a Cognito
    // issuer or a pasted error page (login-quirks.test.ts), so here it is the plain timeout.
    error: { code: 'callback_timeout' },
    login: { label: '--timeout 2', extra: () => ['--timeout', '2'] },
  },
  {
    defect: 'apple_user',
    types: ['code', 'code id_token'],
    expect: { outcome: 'warn', check: 'extra_params' },
    login: { label: 'response_mode form_post', mode: 'form_post', extra: () => [] },
  },
  {
    defect: 'token_error_200',
    types: ['code'],
    expect: { outcome: 'error', exit: 4 },
    error: { code: 'provider_error', oauthError: 'bad_verification_code', mentions: /HTTP 200/ },
  },
  { defect: 'no_id_token', types: ['code'], expect: reject('format') },
  // A login does not refresh: its own test is below.
  { defect: 'no_id_token_refresh', types: [], expect: { outcome: 'accept' } },
  { defect: 'auth_time_zero', types: ['code', 'id_token'], expect: { outcome: 'warn', check: 'auth_time' } },
  {
    defect: 'workload_identity',
    types: ['code'],
    expect: { outcome: 'error', exit: 2 },
    error: { code: 'endpoint_not_advertised' },
  },
  { defect: 'discovery_redirect', types: ['code'], expect: { outcome: 'error', exit: 3 }, error: { mentions: /301/ } },
  ...(['discovery', 'jwks', 'token', 'userinfo'] as const).flatMap((endpoint): Case[] => [
    {
      defect: `slow_${endpoint}`,
      types: ['code'],
      expect: { outcome: 'error', exit: 3 },
      error: { code: 'timeout', mentions: new RegExp(endpoint === 'discovery' ? 'discovery' : endpoint, 'i') },
    },
    {
      defect: `http_500_${endpoint}`,
      types: ['code'],
      expect: { outcome: 'error', exit: 3 },
      error: { mentions: /500/ },
    },
    {
      defect: `malformed_json_${endpoint}`,
      types: ['code'],
      expect: { outcome: 'error', exit: 3 },
      error: { mentions: /JSON/ },
    },
  ]),
];

let serve: ServeHandle;
const events: ProviderEvent[] = [];

before(async () => {
  serve = await run(
    {
      port: 0,
      issuerPath: '/',
      client: [`${CLIENT_ID}:${CLIENT_SECRET}`],
      user: 'alice',
      autoApprove: true,
      signingAlg: 'RS256',
      slowDelay: 2,
    },
    { log: (e) => events.push(e), keys: await sharedKeyMaterial(), hosts: ['127.0.0.1'] },
  );
});
after(() => serve.close());

/** What a test suite does between cases: POST the defects it wants to the control endpoint. */
async function switchDefects(defects: Defect[]): Promise<void> {
  const res = await fetch(`${serve.issuer}/_oidc-probe/defects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(defects),
  });
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), defects);
}

const failedIds = (o: InProcessLogin) => [
  ...new Set((o.result?.checks ?? []).filter((c) => c.status === 'fail').map((c) => c.id)),
];
function explain(o: InProcessLogin): string {
  const error = JSON.stringify(o.error);
  return `exit ${o.exit}; failed: ${failedIds(o).join(', ')}; error: ${error}\n${o.stderr.slice(-1500)}`;
}

async function caseRun(
  defects: Defect[],
  rt: RT,
  mode?: string,
  extra: string[] = [],
): Promise<{ o: InProcessLogin; calls: typeof serve.calls; log: ProviderEvent[] }> {
  await switchDefects(defects);
  const before = { ...serve.calls };
  const seen = events.length;
  const o = await loginInProcess({
    issuer: serve.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    responseType: rt,
    responseMode: mode,
    httpTimeout: 1,
    extra,
  });
  const calls = Object.fromEntries(
    Object.entries(serve.calls).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
  ) as typeof serve.calls;
  return { o, calls, log: events.slice(seen) };
}

async function logNames(defect: Defect, log: ProviderEvent[]): Promise<void> {
  const seen = events.length - log.length;
  for (let i = 0; i < 50 && !events.slice(seen).some((e) => e.defects.includes(defect)); i++)
    await new Promise((r) => setTimeout(r, 100));
  const mine = events.slice(seen);
  assert.ok(
    mine.some((e) => e.defects.includes(defect)),
    `no log event names ${defect}: ${mine.map((e) => `${e.path} ${e.defects}`).join('; ')}`,
  );
}

function assertOutcome(c: Case, rt: RT, o: InProcessLogin): void {
  switch (c.expect.outcome) {
    case 'reject':
      assert.equal(o.exit, 1, explain(o));
      assert.ok(failedIds(o).includes(c.expect.check), `expected check ${c.expect.check} to fail; ${explain(o)}`);
      break;
    case 'accept':
      assert.equal(o.exit, 0, explain(o));
      break;
    case 'warn':
      assert.equal(o.exit, 0, explain(o));
      assert.ok(
        o.result!.checks.some((x) => x.id === (c.expect as { check: string }).check && x.status === 'warn'),
        explain(o),
      );
      break;
    case 'error':
      assert.equal(o.exit, c.expect.exit, explain(o));
      if (c.error?.code) assert.equal(o.error?.code, c.error.code, explain(o));
      if (c.error?.oauthError) assert.equal(o.error?.oauthError, c.error.oauthError, explain(o));
      if (c.error?.mentions) assert.match(o.error?.message ?? '', c.error.mentions, explain(o));
      break;
  }
  c.more?.(o, rt);
}

describe('login against serve: every defect, every response type it applies to', () => {
  for (const c of CASES) {
    for (const rt of c.types) {
      const how = c.login ? ` (${c.login.label})` : '';
      test(`${c.defect} — response_type "${rt}"${how}`, { timeout: 60_000 }, async () => {
        const { o, calls, log } = await caseRun([c.defect], rt, c.login?.mode, c.login?.extra());
        assertOutcome(c, rt, o);
        if (c.heldBack?.(rt)) {
          assert.equal(calls.token, 0, 'the code must not be redeemed');
          assert.equal(calls.userinfo, 0, 'userinfo must not be called');
          assert.equal(o.result?.callback?.redeemed, false, explain(o));
        }
        // The provider's log says which defect shaped which answer (a slow answer is logged
        // when it is sent, after the client gave up).
        await logNames(c.defect, log);
      });
    }
  }
});

describe('front-channel defects by form_post', () => {
  for (const c of CASES.filter((x) =>
    [
      'nonce_missing',
      'alg_none',
      'at_hash_missing',
      'c_hash_missing',
      'state',
      'iss_param',
      'hybrid_sub',
      'sig_es256',
    ].includes(x.defect),
  )) {
    for (const rt of c.types.filter((t) => t !== 'code')) {
      test(`${c.defect} — response_type "${rt}" by form_post`, { timeout: 60_000 }, async () => {
        const { o, calls } = await caseRun([c.defect], rt, 'form_post');
        assert.equal(o.delivered, 'form_post');
        assertOutcome(c, rt, o);
        if (c.heldBack?.(rt)) assert.equal(calls.token, 0, 'the code must not be redeemed');
      });
    }
  }
});

describe('without defects: every response type on every channel passes', () => {
  for (const rt of ALL) {
    const modes = rt === 'code' ? ['query', 'fragment', 'form_post'] : ['fragment', 'form_post'];
    for (const mode of modes) {
      test(`"${rt}" by ${mode}`, { timeout: 60_000 }, async () => {
        const { o, calls, log } = await caseRun([], rt, mode);
        assert.equal(o.exit, 0, explain(o));
        assert.equal(o.delivered, mode);
        assert.equal(o.result!.callback!.channel, mode);
        assert.equal(calls.token, rt.includes('code') ? 1 : 0, 'the code is redeemed exactly when there is one');
        assert.equal(calls.userinfo, rt === 'id_token' ? 0 : 1, 'userinfo is called whenever an access token came');
        assert.ok(
          log.every((e) => e.defects.length === 0),
          'no defect applied',
        );
      });
    }
  }
});

describe('without defects: pushed requests, JARM and DPoP pass', () => {
  for (const rt of ALL) {
    const modes =
      rt === 'code' ? ['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] : ['jwt', 'fragment.jwt', 'form_post.jwt'];
    for (const mode of modes) {
      test(`"${rt}" by ${mode}: every jarm row passes`, { timeout: 60_000 }, async () => {
        const { o, calls, log } = await caseRun([], rt, mode);
        assert.equal(o.exit, 0, explain(o));
        const channel = mode === 'jwt' ? (rt === 'code' ? 'query' : 'fragment') : mode.slice(0, -'.jwt'.length);
        assert.equal(o.delivered, channel);
        for (const id of ['jarm.format', 'jarm.alg', 'jarm.signature', 'jarm.iss', 'jarm.aud', 'jarm.exp'])
          assert.equal(o.result!.checks.find((c) => c.id === id)?.status, 'pass', `${id}: ${explain(o)}`);
        assert.equal(calls.token, rt.includes('code') ? 1 : 0);
        assert.ok(log.every((e) => e.defects.length === 0));
      });
    }
    test(`"${rt}" pushed (PAR): the browser carries only client_id and request_uri`, { timeout: 60_000 }, async () => {
      let authorizationUrl: URL | undefined;
      await switchDefects([]);
      const before = serve.calls.par;
      const o = await loginInProcess({
        issuer: serve.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        responseType: rt,
        extra: ['--par'],
        onAuthorizationUrl: async (url) => {
          authorizationUrl = new URL(url);
          await deliverAuthorizationResponse(url);
        },
      });
      assert.equal(o.exit, 0, explain(o));
      assert.equal(serve.calls.par - before, 1);
      assert.deepEqual([...authorizationUrl!.searchParams.keys()].sort(), ['client_id', 'request_uri']);
      for (const id of ['par.status', 'par.request_uri', 'par.expires_in'])
        assert.equal(o.result!.checks.find((c) => c.id === id)?.status, 'pass', id);
    });
  }
  for (const rt of WITH_CODE) {
    test(`"${rt}" with DPoP: a DPoP token bound to the key, presented as DPoP at userinfo`, {
      timeout: 60_000,
    }, async () => {
      const { o, calls } = await caseRun([], rt, undefined, ['--dpop']);
      assert.equal(o.exit, 0, explain(o));
      for (const id of ['dpop.token_type', 'dpop.cnf_jkt'])
        assert.equal(o.result!.checks.find((c) => c.id === id)?.status, 'pass', `${id}: ${explain(o)}`);
      assert.equal(calls.userinfo, 1);
      assert.ok(o.result!.userinfo, 'userinfo answered');
    });
  }
  for (const [what, extra] of [
    ['dpop_jkt in the request', ['--dpop', '--dpop-bind-code']],
    ['a proof with the push', ['--dpop', '--par']],
  ] as const) {
    test(`the code bound to the DPoP key by ${what} is redeemed with a proof from it`, {
      timeout: 60_000,
    }, async () => {
      const { o, calls } = await caseRun([], 'code', undefined, [...extra]);
      assert.equal(o.exit, 0, explain(o));
      assert.equal(calls.token, 1);
      assert.equal(o.result!.checks.find((c) => c.id === 'dpop.cnf_jkt')?.status, 'pass');
    });
  }
});

test('no_id_token_refresh: the login has its ID token; the refresh answer has none, a skip (Core 12.2)', async () => {
  const { o } = await caseRun(['no_id_token_refresh'], 'code', undefined, ['--scope', 'openid offline_access']);
  assert.equal(o.exit, 0, explain(o));
  assert.ok(o.result!.id_token, 'the first token response carries an ID token');
  const refreshToken = (o.result as unknown as { tokens: { refresh_token: string } }).tokens.refresh_token;
  const seen = events.length;
  const r = await runCli(
    [
      '--json',
      'token',
      '--grant',
      'refresh_token',
      '--refresh-token',
      refreshToken,
      '--issuer',
      serve.issuer,
      '--client-id',
      CLIENT_ID,
      '--no-cache',
    ],
    { env: { OIDC_PROBE_CLIENT_SECRET: CLIENT_SECRET } },
  );
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { checks: { id: string; status: string }[] };
  assert.equal(doc.checks.find((c) => c.id === 'refresh_id_token')?.status, 'skip');
  await logNames('no_id_token_refresh', events.slice(seen));
});

test('two defects at once: both applied, both checks fail', async () => {
  const { o } = await caseRun(['iss', 'at_hash'], 'code id_token token');
  assert.equal(o.exit, 1);
  assert.ok(failedIds(o).includes('iss') && failedIds(o).includes('at_hash'), explain(o));
});

test('the defect list tells the truth: each defect is in the table, with the outcome it really has', () => {
  const tested = new Set(CASES.map((c) => c.defect));
  assert.deepEqual(
    DEFECTS.filter((d) => !tested.has(d)),
    [],
    'every defect has a conformance case',
  );
  for (const c of CASES) {
    const info = DEFECT_CATALOGUE.find((d) => d.name === c.defect)!;
    assert.deepEqual(info.expect, c.expect, `--list-defects says ${JSON.stringify(info.expect)} for ${c.defect}`);
  }
});

for (const alg of ['ES256', 'EdDSA'] as const) {
  test(`signed with ${alg} (--signing-alg): code and implicit logins pass, the hashes use ${alg}'s hash`, async () => {
    const other = await run(
      {
        port: 0,
        issuerPath: '/',
        client: [`${CLIENT_ID}:${CLIENT_SECRET}`],
        user: 'alice',
        autoApprove: true,
        signingAlg: alg,
        slowDelay: 1,
      },
      { log: () => {}, keys: await sharedKeyMaterial(), hosts: ['127.0.0.1'] },
    );
    try {
      for (const rt of ['code', 'id_token token', 'code id_token'] as const) {
        const o = await loginInProcess({
          issuer: other.issuer,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          responseType: rt,
        });
        assert.equal(o.exit, 0, explain(o));
        assert.equal(o.result!.id_token!.header.alg, alg);
        if (rt !== 'code')
          assert.ok(o.result!.checks.some((c) => (c.id === 'at_hash' || c.id === 'c_hash') && c.status === 'pass'));
      }
    } finally {
      await other.close();
    }
  });
}

test('an issuer with a path: discovery under it, login passes', async () => {
  const other = await run(
    {
      port: 0,
      issuerPath: '/realms/test',
      client: [`${CLIENT_ID}:${CLIENT_SECRET}`],
      user: 'bob',
      autoApprove: true,
      signingAlg: 'RS256',
      slowDelay: 1,
    },
    { log: () => {}, keys: await sharedKeyMaterial(), hosts: ['127.0.0.1'] },
  );
  try {
    assert.match(other.issuer, /^http:\/\/127\.0\.0\.1:\d+\/realms\/test$/);
    const o = await loginInProcess({
      issuer: other.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      responseType: 'code',
    });
    assert.equal(o.exit, 0, explain(o));
    assert.equal(o.result!.id_token!.payload.sub, 'bob');
    assert.equal(o.result!.userinfo!.claims.preferred_username, 'bob');
  } finally {
    await other.close();
  }
});

test('key confusion against a public client: HS256 with a published JWKS is refused (alg row)', async () => {
  const other = await run(
    {
      port: 0,
      issuerPath: '/',
      client: ['public-app'],
      user: 'alice',
      autoApprove: true,
      signingAlg: 'RS256',
      slowDelay: 1,
    },
    { log: () => {}, keys: await sharedKeyMaterial(), hosts: ['127.0.0.1'] },
  );
  try {
    other.setDefects(['key_confusion']);
    for (const rt of ['code', 'id_token'] as const) {
      const o = await loginInProcess({ issuer: other.issuer, clientId: 'public-app', responseType: rt });
      assert.equal(o.exit, 1, explain(o));
      const alg = o.result!.checks.find((c) => c.id === 'alg' && c.status === 'fail');
      assert.ok(alg && /key-confusion/.test(alg.message), explain(o));
    }
  } finally {
    await other.close();
  }
});
