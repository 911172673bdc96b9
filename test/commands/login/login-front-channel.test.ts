// The OpenID Foundation relying-party conformance cases, run through the built binary against
// rogue-op: `oidc-probe login --no-browser`, the test playing the user agent (query redirect,
// fragment relay POST, or form_post form). Each case runs for every response type it applies to.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRogueOp, type Defect, type RogueOp } from '../../providers/rogue-op.js';
import { startCli } from '../../helpers/cli-session.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { loginArgs } from '../../helpers/login-args.js';

type ResponseType = 'code' | 'id_token' | 'id_token token' | 'code id_token' | 'code token' | 'code id_token token';
type Mode = 'query' | 'fragment' | 'form_post';
const ALL: ResponseType[] = [
  'code',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
];
/** Types whose authorization response carries an ID token. */
const FRONT_ID_TOKEN: ResponseType[] = ['id_token', 'id_token token', 'code id_token', 'code id_token token'];
const WITH_ACCESS_TOKEN: ResponseType[] = [
  'code',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
];
const _defaultMode = (rt: ResponseType): Mode => (rt === 'code' ? 'query' : 'fragment');
const hasFrontIdToken = (rt: ResponseType) => FRONT_ID_TOKEN.includes(rt);

interface LoginOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  json: {
    valid?: boolean;
    checks?: { id: string; status: string; message: string; source?: string }[];
    callback?: {
      channel?: string;
      parameters?: { name: string; channel: string }[];
      redeemed?: boolean;
      not_redeemed_reason?: string;
    };
    error?: { code: string; exit: number };
  };
  calls: RogueOp['calls'];
  delivered?: string;
}

async function login(
  defects: Defect[],
  responseType: ResponseType,
  mode?: Mode,
  extra: string[] = [],
): Promise<LoginOutcome> {
  const op = await startRogueOp({ defects });
  try {
    const session = startCli(
      [
        'login',
        '--no-browser',
        '--json',
        '--issuer',
        op.issuer,
        '--client-id',
        op.clientId,
        '--redirect-uri',
        'http://127.0.0.1:0/callback',
        '--response-type',
        responseType,
        '--timeout',
        '30',
        ...(mode ? ['--response-mode', mode] : []),
        ...extra,
      ],
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    const url = await session.urlLine(`${op.issuer}/authorize`);
    let delivered: string | undefined;
    if (url) delivered = (await deliverAuthorizationResponse(url)).channel;
    const run = await session.done;
    let json: LoginOutcome['json'] = {};
    try {
      json = JSON.parse(run.stdout) as LoginOutcome['json'];
    } catch {
      /* asserted by the caller */
    }
    return { ...run, json, calls: { ...op.calls }, ...(delivered ? { delivered } : {}) };
  } finally {
    await op.close();
  }
}

const status = (o: LoginOutcome, id: string) => o.json.checks?.filter((c) => c.id === id).map((c) => c.status) ?? [];
const failedIds = (o: LoginOutcome) => [
  ...new Set((o.json.checks ?? []).filter((c) => c.status === 'fail').map((c) => c.id)),
];
const explain = (o: LoginOutcome) =>
  `exit ${o.code}; failed: ${failedIds(o).join(', ')}\nstderr: ${o.stderr}\nstdout: ${o.stdout.slice(0, 3000)}`;

function assertFailed(o: LoginOutcome, id: string): void {
  assert.equal(o.code, 1, explain(o));
  assert.equal(o.json.valid, false, explain(o));
  assert.ok(status(o, id).includes('fail'), `expected check ${id} to fail; ${explain(o)}`);
}

/** The code was not redeemed and userinfo not called, and the output says why. */
function assertHeldBack(o: LoginOutcome): void {
  assert.equal(o.calls.token, 0, 'the code must not be redeemed');
  assert.equal(o.calls.userinfo, 0, 'userinfo must not be called');
  assert.equal(o.json.callback?.redeemed, false, explain(o));
  assert.match(o.json.callback?.not_redeemed_reason ?? '', /not redeemed/);
}

interface Case {
  name: string;
  defects: Defect[];
  types: ResponseType[];
  /** The check that must fail (exit 1), or null when the login must succeed (exit 0). */
  fails: string | null;
  /** Held back when the failure is in the front channel (or for every type, e.g. state). */
  heldBack?: (rt: ResponseType) => boolean;
  more?: (o: LoginOutcome, rt: ResponseType) => void;
}

const claimCase = (name: string, defect: Defect, fails: string): Case => ({
  name,
  defects: [defect],
  types: ALL,
  fails,
  heldBack: hasFrontIdToken,
});

const CASES: Case[] = [
  claimCase('invalid iss', 'iss', 'iss'),
  claimCase('invalid aud', 'aud', 'aud'),
  claimCase('missing aud', 'aud_missing', 'aud'),
  claimCase('missing sub', 'sub_missing', 'sub'),
  claimCase('missing iat', 'iat_missing', 'iat'),
  claimCase('missing exp', 'exp_missing', 'exp'),
  claimCase('expired', 'expired', 'exp'),
  claimCase('iat in the future', 'iat_future', 'iat'),
  claimCase('nonce invalid', 'nonce', 'nonce'),
  claimCase('nonce missing', 'nonce_missing', 'nonce'),
  claimCase('invalid signature RS256', 'sig_rs256', 'signature'),
  claimCase('invalid signature ES256', 'sig_es256', 'signature'),
  claimCase('invalid signature HS256 (client secret)', 'sig_hs256', 'signature'),
  {
    name: 'alg none from the authorization endpoint',
    defects: ['alg_none'],
    types: FRONT_ID_TOKEN,
    fails: 'alg',
    heldBack: () => true,
  },
  {
    name: 'HS256 keyed with the client secret is accepted (Core 10.1)',
    defects: ['hs256'],
    types: ALL,
    fails: null,
    more: (o) =>
      assert.ok(
        o.json.checks?.some((c) => c.id === 'signature' && c.status === 'pass' && /HS256/.test(c.message)),
        explain(o),
      ),
  },
  {
    name: 'kid absent with a single key is accepted',
    defects: ['kid_absent_single'],
    types: ALL,
    fails: null,
    more: (o) =>
      assert.deepEqual(
        status(o, 'kid').filter((s) => s !== 'pass'),
        [],
        explain(o),
      ),
  },
  {
    name: 'kid absent with several keys: each key tried, a warning',
    defects: ['kid_absent_multi'],
    types: ALL,
    fails: null,
    more: (o) => assert.ok(status(o, 'kid').includes('warn'), explain(o)),
  },
  {
    name: 'invalid at_hash',
    defects: ['at_hash'],
    types: WITH_ACCESS_TOKEN,
    fails: 'at_hash',
    heldBack: (rt) => rt === 'id_token token' || rt === 'code id_token token',
  },
  {
    name: 'missing at_hash',
    defects: ['at_hash_missing'],
    types: ['id_token token', 'code id_token token'],
    fails: 'at_hash',
    heldBack: () => true,
  },
  {
    name: 'invalid c_hash',
    defects: ['c_hash'],
    types: ['code id_token', 'code id_token token'],
    fails: 'c_hash',
    heldBack: () => true,
  },
  {
    name: 'missing c_hash',
    defects: ['c_hash_missing'],
    types: ['code id_token', 'code id_token token'],
    fails: 'c_hash',
    heldBack: () => true,
  },
  { name: 'invalid s_hash', defects: ['s_hash'], types: FRONT_ID_TOKEN, fails: 's_hash', heldBack: () => true },
  {
    name: 'userinfo sub mismatch',
    defects: ['userinfo_sub'],
    types: WITH_ACCESS_TOKEN,
    fails: 'userinfo_sub',
    more: (o) => assert.equal(o.calls.userinfo, 1),
  },
  {
    name: 'discovery issuer mismatch stops before the authorization request',
    defects: ['discovery_issuer'],
    types: ALL,
    fails: 'discovery.issuer',
    more: (o) => {
      assert.equal(o.calls.authorize, 0);
      assert.equal(o.delivered, undefined);
    },
  },
  {
    name: 'signing-key rotation: unknown kid, JWKS fetched again, accepted',
    defects: ['rotation'],
    types: ALL,
    fails: null,
    more: (o) => {
      assert.ok(o.calls.jwks >= 2, `jwks fetched ${o.calls.jwks} times`);
      assert.ok(
        o.json.checks?.some((c) => c.id === 'kid' && /rotation/.test(c.message)),
        explain(o),
      );
    },
  },
  { name: 'state mismatch', defects: ['state'], types: ALL, fails: 'state', heldBack: () => true },
  {
    name: 'RFC 9207 iss parameter mismatch',
    defects: ['iss_param'],
    types: ALL,
    fails: 'iss_param',
    heldBack: () => true,
  },
  {
    name: 'hybrid ID tokens with different sub',
    defects: ['hybrid_sub'],
    types: ['code id_token', 'code id_token token'],
    fails: 'hybrid_sub',
  },
  {
    name: 'tokens sent in the query string',
    defects: ['query_channel'],
    types: ['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    fails: 'response_mode',
    heldBack: () => true,
  },
];

describe('conformance: every case for every response type it applies to', { concurrency: 3 }, () => {
  for (const c of CASES) {
    for (const rt of c.types) {
      test(`${c.name} — response_type "${rt}"`, { timeout: 90_000 }, async () => {
        const o = await login(c.defects, rt);
        if (c.fails === null) {
          assert.equal(o.code, 0, explain(o));
          assert.equal(o.json.valid, true, explain(o));
        } else {
          assertFailed(o, c.fails);
        }
        if (c.heldBack?.(rt)) assertHeldBack(o);
        c.more?.(o, rt);
      });
    }
  }
});

// The same front-channel failures when the response comes by form_post instead of the fragment.
const FORM_POST_CASES = new Set([
  'nonce missing',
  'alg none from the authorization endpoint',
  'missing at_hash',
  'missing c_hash',
  'state mismatch',
  'RFC 9207 iss parameter mismatch',
  'hybrid ID tokens with different sub',
  'invalid signature ES256',
]);
describe('front-channel failures by form_post', { concurrency: 3 }, () => {
  for (const c of CASES.filter((x) => FORM_POST_CASES.has(x.name))) {
    for (const rt of c.types.filter((t) => t !== 'code')) {
      test(`${c.name} — response_type "${rt}" by form_post`, { timeout: 90_000 }, async () => {
        const o = await login(c.defects, rt, 'form_post');
        assert.equal(o.delivered, 'form_post');
        assertFailed(o, c.fails!);
        if (c.heldBack?.(rt)) assertHeldBack(o);
      });
    }
  }
});

describe('every response type on every channel it may use', { concurrency: 3 }, () => {
  for (const rt of ALL) {
    const modes: Mode[] = rt === 'code' ? ['query', 'fragment', 'form_post'] : ['fragment', 'form_post'];
    for (const mode of modes) {
      test(`a well-behaved provider passes — response_type "${rt}" by ${mode}`, { timeout: 90_000 }, async () => {
        const o = await login([], rt, mode);
        assert.equal(o.code, 0, explain(o));
        assert.equal(o.delivered, mode);
        assert.equal(o.json.callback?.channel, mode, explain(o));
        assert.ok(
          (o.json.callback?.parameters ?? []).length > 0 &&
            o.json.callback!.parameters!.every((p) => p.channel === mode),
          explain(o),
        );
        assert.equal(o.calls.token, rt.includes('code') ? 1 : 0, 'the code is redeemed exactly when there is one');
        assert.equal(o.calls.userinfo, rt === 'id_token' ? 0 : 1, 'userinfo is called whenever an access token came');
        if (hasFrontIdToken(rt))
          assert.ok(
            o.json.checks?.some(
              (c) => c.source === 'authorization_endpoint' && c.id === 'signature' && c.status === 'pass',
            ),
            explain(o),
          );
      });
    }
  }
});

test('hybrid c_hash failure by form_post: held back, and the human output says why', { timeout: 90_000 }, async () => {
  const op = await startRogueOp({ defects: ['c_hash'] });
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--flow', 'hybrid', '--response-mode', 'form_post'), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    assert.equal((await deliverAuthorizationResponse(url)).channel, 'form_post');
    const run = await session.done;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /c_hash/);
    assert.match(run.stdout, /the code was not redeemed and userinfo was not called/);
    assert.match(run.stdout, /form_post/);
    assert.equal(op.calls.token, 0);
    assert.equal(op.calls.userinfo, 0);
    assert.ok(!run.stdout.includes(op.clientSecret) && !run.stderr.includes(op.clientSecret));
  } finally {
    await op.close();
  }
});

// Core 3.1.3.7 item 3: additional audiences the client does not trust.
test('an ID token with an untrusted additional audience: login passes with a warning naming it', async () => {
  const o = await login(['aud_untrusted'], 'code');
  assert.equal(o.code, 0, explain(o));
  const aud = o.json.checks?.find((c) => c.id === 'aud');
  assert.equal(aud?.status, 'warn', explain(o));
  assert.match(aud?.message ?? '', /"untrusted-api"/);
});

test('an ID token with an untrusted additional audience fails login --strict-audience', async () => {
  assertFailed(await login(['aud_untrusted'], 'code', undefined, ['--strict-audience']), 'aud');
});

test('login --trusted-audience accepts that additional audience, even with --strict-audience', async () => {
  const o = await login(['aud_untrusted'], 'code', undefined, [
    '--strict-audience',
    '--trusted-audience',
    'untrusted-api',
  ]);
  assert.equal(o.code, 0, explain(o));
  assert.deepEqual(status(o, 'aud'), ['pass']);
});
