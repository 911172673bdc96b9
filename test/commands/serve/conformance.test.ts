// Our own conformance suite, as anyone can now run it: `oidc-probe login` (its flow, in-process)
// against `oidc-probe serve` (its run(), in-process) for every defect and every response type it
// applies to. One provider for the whole table; each case switches the defects through the control
// endpoint, the way a user's test suite would. Each case also asserts that the log names the defect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { run, type ServeHandle } from '../../../src/commands/serve/run.js';
import type { ProviderEvent } from '../../../src/io/provider/server.js';
import { DEFECT_CATALOGUE, DEFECTS, type Defect } from '../../../src/protocol/provider-defects.js';
import { loginInProcess, type InProcessLogin } from '../../helpers/login-in-process.js';
import { sharedKeyMaterial } from '../../providers/rogue-op.js';

type RT = 'code' | 'id_token' | 'id_token token' | 'code id_token' | 'code token' | 'code id_token token';
const ALL: RT[] = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];
const FRONT_ID_TOKEN: RT[] = ['id_token', 'id_token token', 'code id_token', 'code id_token token'];
const WITH_ACCESS_TOKEN: RT[] = ['code', 'id_token token', 'code id_token', 'code token', 'code id_token token'];
const HYBRID_ID_TOKEN: RT[] = ['code id_token', 'code id_token token'];
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
}

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
  {
    defect: 'access_denied',
    types: ALL,
    expect: { outcome: 'error', exit: 4 },
    error: { code: 'provider_error', oauthError: 'access_denied' },
  },
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
      test(`${c.defect} — response_type "${rt}"`, { timeout: 60_000 }, async () => {
        const { o, calls, log } = await caseRun([c.defect], rt);
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
