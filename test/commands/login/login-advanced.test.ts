// Issue 14 through `login`, end to end against a real oidc-provider on 127.0.0.1: pushed requests,
// request objects (signed, encrypted), JARM on each channel, DPoP with nonces and a bound code,
// rich authorization requests, encrypted ID tokens and userinfo. The user's browser is played by
// test/helpers/user-agent.ts (the provider's real login and consent forms); `login` gets it as its
// browser, so the URL it would open is the one signed in through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { runInProcess } from '../../helpers/in-process.js';
import { loginThroughForms, type LoginRun } from '../../helpers/login-through-forms.js';
import { SAMPLE_RAR_TYPE, startOidcProvider, type RunningOidcProvider } from '../../providers/oidc-provider.js';

const SECRET = 'advanced-login-secret-for-loopback-only';
const RESOURCE = 'https://api.example.test/';
const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-login-advanced-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

let op: RunningOidcProvider;
let strictOp: RunningOidcProvider;
let jarKeyFile: string;
let encKeyFile: string;
let dpopKeyFile: string;
let dpopJwk: JWK;

const confidential = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_secret: SECRET,
  application_type: 'native',
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: ['http://127.0.0.1/callback'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...extra,
});

before(async () => {
  const jar = await generateKeyPair('ES256', { extractable: true });
  jarKeyFile = file('jar-key.json', { ...(await exportJWK(jar.privateKey)), kid: 'jar-client-key' });
  const jarPublic = { ...(await exportJWK(jar.publicKey)), kid: 'jar-client-key', use: 'sig' };
  const enc = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  encKeyFile = file('client-enc.json', { ...(await exportJWK(enc.privateKey)), kid: 'client-enc' });
  const encPublic = { ...(await exportJWK(enc.publicKey)), kid: 'client-enc', use: 'enc', alg: 'RSA-OAEP-256' };
  const dpop = await generateKeyPair('ES256', { extractable: true });
  dpopJwk = await exportJWK(dpop.privateKey);
  dpopKeyFile = file('dpop.json', dpopJwk);
  op = await startOidcProvider({
    clients: [
      confidential('par-client'),
      confidential('jarm-client', { response_types: ['code', 'code id_token'] }),
      confidential('jarm-enc-client', {
        authorization_encrypted_response_alg: 'RSA-OAEP-256',
        authorization_encrypted_response_enc: 'A128CBC-HS256',
        jwks: { keys: [encPublic] },
      }),
      confidential('jar-client', {
        client_secret: undefined,
        token_endpoint_auth_method: 'private_key_jwt',
        request_object_signing_alg: 'ES256',
        jwks: { keys: [jarPublic] },
      }),
      confidential('enc-client', {
        id_token_encrypted_response_alg: 'RSA-OAEP-256',
        id_token_encrypted_response_enc: 'A256GCM',
        userinfo_signed_response_alg: 'RS256',
        userinfo_encrypted_response_alg: 'RSA-OAEP-256',
        userinfo_encrypted_response_enc: 'A256GCM',
        jwks: { keys: [encPublic] },
      }),
      confidential('dpop-client'),
      confidential('rar-client', { authorization_details_types: [SAMPLE_RAR_TYPE] }),
    ],
    configuration: { scopes: ['openid', 'profile', 'api:read'] },
    advanced: {
      jarm: true,
      requestObjects: true,
      dpopNonce: true,
      jwtResourceServer: RESOURCE,
      richAuthorizationRequests: true,
      encryption: true,
    },
  });
  strictOp = await startOidcProvider({
    clients: [confidential('par-client')],
    advanced: { requirePar: true, requestObjects: 'required' },
  });
});
after(async () => {
  await op?.close();
  await strictOp?.close();
});

interface Row {
  id: string;
  status: string;
  message: string;
  source?: string;
}
/** The parts of `login --json` these tests read. */
interface LoginDoc {
  valid?: boolean;
  checks?: Row[];
  error?: { code: string; message: string; error?: string };
  request?: {
    par?: { request_uri?: string; expires_in?: number };
    request_object?: { alg: string; encryption?: { alg: string; enc: string; kid?: string } };
    dpop?: { jkt: string };
  };
  callback?: { channel?: string; redeemed?: boolean; not_redeemed_reason?: string; jarm?: { encrypted: boolean } };
  tokens?: { token_type?: string };
  id_token?: { payload: Record<string, unknown>; jwe_header?: Record<string, unknown> };
  front_channel_id_token?: { payload: Record<string, unknown> };
  access_token?: { payload?: { cnf?: { jkt?: string } } };
  userinfo?: { claims: Record<string, unknown>; checks: Row[]; encrypted?: boolean };
  authorization_details?: { type: string; status: string }[];
}
interface Outcome extends LoginRun {
  json: LoginDoc;
}

/** `login --json` as `clientId`, signing in as alice through whatever URL login opens. */
async function login(issuer: string, clientId: string, args: string[] = []): Promise<Outcome> {
  const run = await loginThroughForms(
    [
      '--json',
      '--issuer',
      issuer,
      '--client-id',
      clientId,
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--scope',
      'openid profile',
      '--timeout',
      '30',
      ...args,
    ],
    { env: { OIDC_PROBE_CLIENT_SECRET: SECRET } },
  );
  let json: LoginDoc = {};
  try {
    json = JSON.parse(run.stdout);
  } catch {
    /* asserted by the caller */
  }
  return { ...run, json };
}

const rows = (o: Outcome, prefix: string): Row[] =>
  ((o.json.checks ?? []) as Row[]).filter((c) => c.id === prefix || c.id.startsWith(`${prefix}.`));
const statusOf = (o: Outcome, id: string) => ((o.json.checks ?? []) as Row[]).find((c) => c.id === id)?.status;
const explain = (o: Outcome) =>
  `exit ${o.code}\nstderr: ${o.stderr}\nfailed: ${JSON.stringify(
    ((o.json.checks ?? []) as Row[]).filter((c) => c.status === 'fail'),
  )}\nstdout: ${o.stdout.slice(0, 2000)}`;

function assertValid(o: Outcome): void {
  assert.equal(o.code, 0, explain(o));
  assert.equal(o.json.valid, true, explain(o));
}

test('--par: the request is pushed, the browser carries only client_id and request_uri, every row passes', async () => {
  const o = await login(op.issuer, 'par-client', ['--par']);
  assertValid(o);
  assert.deepEqual([...o.opened!.searchParams.keys()].sort(), ['client_id', 'request_uri']);
  assert.deepEqual(
    rows(o, 'par').map((r) => [r.id, r.status]),
    [
      ['par.status', 'pass'],
      ['par.request_uri', 'pass'],
      ['par.expires_in', 'pass'],
    ],
  );
  assert.equal(o.json.request?.par?.request_uri, o.opened!.searchParams.get('request_uri'));
  assert.equal(typeof o.json.request?.par?.expires_in, 'number');
  assert.equal(statusOf(o, 'state'), 'pass');
  assert.equal(o.json.callback?.redeemed, true);
});

test('a provider that requires PAR and signed request objects gets both without being asked, and says so', async () => {
  const o = await login(strictOp.issuer, 'par-client', ['--signing-alg', 'HS256']);
  assertValid(o);
  assert.match(o.stderr, /requires pushed authorization requests \(require_pushed_authorization_requests\): using PAR/);
  assert.match(o.stderr, /requires signed request objects \(require_signed_request_object\)/);
  assert.deepEqual([...o.opened!.searchParams.keys()].sort(), ['client_id', 'request_uri']);
  assert.deepEqual(o.json.request?.request_object, { alg: 'HS256' });
  assert.equal(statusOf(o, 'par.request_uri'), 'pass');
});

test('--request-object: signed with the private_key_jwt key and sent by value; the provider honours it', async () => {
  const o = await login(op.issuer, 'jar-client', [
    '--request-object',
    '--auth-method',
    'private_key_jwt',
    '--private-key',
    jarKeyFile,
  ]);
  assertValid(o);
  const request = o.opened!.searchParams.get('request')!;
  assert.equal(request.split('.').length, 3);
  const header = JSON.parse(Buffer.from(request.split('.')[0]!, 'base64url').toString('utf8'));
  assert.deepEqual([header.alg, header.typ, header.kid], ['ES256', 'oauth-authz-req+jwt', 'jar-client-key']);
  const claims = JSON.parse(Buffer.from(request.split('.')[1]!, 'base64url').toString('utf8'));
  assert.equal(claims.iss, 'jar-client');
  assert.equal(claims.aud, op.issuer);
  assert.equal(o.opened!.searchParams.get('state'), null, 'state travels only inside the request object');
  assert.equal(statusOf(o, 'state'), 'pass');
});

test('--request-object-encrypt with --par: signed, encrypted to the provider key, pushed', async () => {
  const o = await login(op.issuer, 'jar-client', [
    '--request-object-encrypt',
    '--par',
    '--auth-method',
    'private_key_jwt',
    '--private-key',
    jarKeyFile,
  ]);
  assertValid(o);
  assert.deepEqual(o.json.request?.request_object?.encryption, {
    alg: 'RSA-OAEP-256',
    enc: 'A256GCM',
    kid: 'test-rsa-enc',
  });
  assert.deepEqual([...o.opened!.searchParams.keys()].sort(), ['client_id', 'request_uri']);
});

for (const [mode, channel] of [
  ['jwt', 'query'],
  ['query.jwt', 'query'],
  ['fragment.jwt', 'fragment'],
  ['form_post.jwt', 'form_post'],
] as const) {
  test(`--response-mode ${mode}: the JARM rows pass before state and code, on the ${channel} channel`, async () => {
    const o = await login(op.issuer, 'jarm-client', ['--response-mode', mode]);
    assertValid(o);
    assert.equal(o.opened!.searchParams.get('response_mode'), mode);
    assert.equal(o.json.callback?.channel, channel);
    const ids = (o.json.checks ?? []).map((c) => c.id);
    for (const id of ['jarm.format', 'jarm.alg', 'jarm.signature', 'jarm.iss', 'jarm.aud', 'jarm.exp'])
      assert.equal(statusOf(o, id), 'pass', id);
    assert.ok(ids.indexOf('jarm.exp') < ids.indexOf('state'), 'the JARM rows come before state');
    assert.equal(statusOf(o, 'iss_param'), 'pass', 'the iss inside the JARM response counts (RFC 9207 §2.4)');
    assert.equal(o.json.callback?.jarm?.encrypted, false);
    assert.equal(o.json.callback?.redeemed, true);
  });
}

test('--response-mode jwt with the hybrid flow comes back in the fragment', async () => {
  const o = await login(op.issuer, 'jarm-client', ['--response-mode', 'jwt', '--response-type', 'code id_token']);
  assertValid(o);
  assert.equal(o.json.callback?.channel, 'fragment');
  assert.equal(o.json.front_channel_id_token?.payload?.sub, 'alice');
});

test('an encrypted JARM response is opened with --decryption-key; without it nothing is redeemed', async () => {
  const o = await login(op.issuer, 'jarm-enc-client', ['--response-mode', 'query.jwt', '--decryption-key', encKeyFile]);
  assertValid(o);
  assert.equal(o.json.callback?.jarm?.encrypted, true);
  assert.equal(statusOf(o, 'jwe.decrypt'), 'pass');
  const without = await login(op.issuer, 'jarm-enc-client', ['--response-mode', 'query.jwt']);
  assert.equal(without.code, 1, explain(without));
  assert.equal(statusOf(without, 'jarm.format'), 'fail');
  assert.equal(without.json.callback?.redeemed, false);
  assert.match(without.json.callback?.not_redeemed_reason ?? '', /jarm\.format/);
});

test('--dpop: proofs with the nonce the provider demands; token_type DPoP; userinfo called with ath', async () => {
  const o = await login(op.issuer, 'dpop-client', ['--dpop', '--dpop-bind-code']);
  assertValid(o);
  assert.equal(o.opened!.searchParams.get('dpop_jkt'), o.json.request?.dpop?.jkt);
  assert.equal(o.json.tokens?.token_type, 'DPoP');
  assert.equal(statusOf(o, 'dpop.token_type'), 'pass');
  // The access token is opaque here: its binding shows only through introspection.
  assert.equal(statusOf(o, 'dpop.cnf_jkt'), 'skip');
  assert.equal(statusOf(o, 'userinfo_sub'), 'pass');
});

test('--dpop-key FILE: a JWT access token for a resource names that key in cnf.jkt', async () => {
  const o = await login(op.issuer, 'dpop-client', [
    '--dpop-key',
    dpopKeyFile,
    '--scope',
    'openid api:read',
    '--param',
    `resource=${RESOURCE}`,
    '--no-userinfo',
  ]);
  assertValid(o);
  assert.equal(statusOf(o, 'dpop.cnf_jkt'), 'pass');
  assert.equal(o.json.access_token?.payload?.cnf?.jkt, o.json.request?.dpop?.jkt);
});

test('--authorization-details: what was granted is shown beside what was asked', async () => {
  const details = [{ type: SAMPLE_RAR_TYPE, instructedAmount: { currency: 'EUR', amount: '12.50' } }];
  const o = await login(op.issuer, 'rar-client', [
    '--authorization-details',
    `@${file('details.json', details)}`,
    '--scope',
    'openid api:read',
    '--param',
    `resource=${RESOURCE}`,
    '--no-userinfo',
  ]);
  assertValid(o);
  assert.deepEqual(JSON.parse(o.opened!.searchParams.get('authorization_details')!), details);
  assert.deepEqual(
    o.json.authorization_details?.map((r: { type: string; status: string }) => [r.type, r.status]),
    [[SAMPLE_RAR_TYPE, 'granted']],
  );
});

test('--decryption-key: the encrypted ID token and userinfo are decrypted, then checked as usual', async () => {
  const o = await login(op.issuer, 'enc-client', ['--decryption-key', encKeyFile]);
  assertValid(o);
  const idRows = (o.json.checks ?? []).filter((c) => c.source === 'token_endpoint').map((c) => c.id);
  assert.ok(idRows.includes('jwe.alg') && idRows.includes('jwe.decrypt'), idRows.join(' '));
  assert.equal(o.json.id_token?.jwe_header?.alg, 'RSA-OAEP-256');
  assert.equal(o.json.id_token?.payload?.sub, 'alice');
  assert.equal(o.json.userinfo?.encrypted, true);
  assert.equal(o.json.userinfo?.claims?.sub, 'alice');
  const ui = (o.json.userinfo?.checks ?? []).map((c) => [c.id, c.status]);
  assert.deepEqual(ui.slice(0, 2), [
    ['jwe.alg', 'pass'],
    ['jwe.decrypt', 'pass'],
  ]);
});

test('an encrypted ID token without --decryption-key fails format; userinfo is not called', async () => {
  const o = await login(op.issuer, 'enc-client');
  assert.equal(o.code, 1, explain(o));
  const format = (o.json.checks ?? []).find((c) => c.id === 'format' && c.source === 'token_endpoint');
  assert.equal(format?.status, 'fail');
  assert.match(format!.message, /encrypted \(a JWE\) and no decryption key was given/);
  assert.equal(o.json.userinfo, undefined);
});

test('a decryption key that cannot fit the JWE is exit 2 in one sentence', async () => {
  const ec = await exportJWK((await generateKeyPair('ECDH-ES', { extractable: true })).privateKey);
  const o = await login(op.issuer, 'enc-client', ['--decryption-key', file('ec.json', ec)]);
  assert.equal(o.code, 2, explain(o));
  assert.equal(o.json.error?.code, 'decryption_key_mismatch');
  assert.match(o.json.error?.message, /no decryption key fits this JWE \(alg RSA-OAEP-256/);
  assert.doesNotMatch(o.stderr, /at .*\.js:\d+/, 'no stack trace');
});

for (const [what, args, code, pattern] of [
  [
    'malformed --authorization-details',
    ['--authorization-details', '{"type":"x"}'],
    'bad_authorization_details',
    /is an object, not a JSON array of objects/,
  ],
  ['a --dpop-key that is a public key', ['--dpop-key', 'PUBLIC'], 'bad_dpop_key', /is a public key/],
  ['a symmetric --dpop-key', ['--dpop-key', 'OCT'], 'bad_dpop_key', /is a symmetric key/],
  [
    'query.jwt with tokens from the authorization endpoint',
    ['--response-mode', 'query.jwt', '--flow', 'hybrid'],
    'contradictory_options',
    /JARM §2\.3\.1/,
  ],
] as const) {
  test(`${what} is exit 2 before the browser opens`, async () => {
    const real = args.map((a) =>
      a === 'PUBLIC'
        ? file('dpop-public.json', { kty: dpopJwk.kty, crv: dpopJwk.crv, x: dpopJwk.x, y: dpopJwk.y })
        : a === 'OCT'
          ? file('oct.json', { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' })
          : a,
    );
    const o = await login(op.issuer, 'par-client', real);
    assert.equal(o.code, 2, explain(o));
    assert.equal(o.opened, undefined, 'no browser');
    assert.equal(o.json.error?.code, code);
    assert.match(o.json.error?.message, pattern);
    assert.equal(
      o.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')).length,
      1,
    );
  });
}

test('login --help shows one example for each of these features', async () => {
  const help = await runInProcess(['login', '--help']);
  assert.equal(help.code, 0);
  const examples = help.stdout.slice(help.stdout.indexOf('Examples:'));
  for (const flags of [
    '--par',
    '--request-object --private-key',
    '--response-mode jwt',
    '--dpop --dpop-bind-code',
    '--authorization-details @',
    '--decryption-key',
    '--cert ',
  ])
    assert.ok(examples.includes(`oidc-probe login --profile dev ${flags}`), flags);
});

test('--request-object-encrypt where the provider takes no encrypted request objects: exit 2, no browser', async () => {
  const o = await login(strictOp.issuer, 'par-client', ['--request-object-encrypt', '--signing-alg', 'HS256']);
  assert.equal(o.code, 2, explain(o));
  assert.equal(o.opened, undefined);
  assert.equal(o.json.error?.code, 'encryption_not_supported');
  assert.match(o.json.error?.message ?? '', /request_object_encryption_alg_values_supported/);
});
