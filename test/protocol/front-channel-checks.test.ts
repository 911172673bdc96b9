import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeySource } from '../../src/protocol/jws-signature.js';
import {
  checkHybridIdTokens,
  checkResponseChannel,
  checkResponseParameters,
  redemptionDecision,
  validateFrontChannelIdToken,
} from '../../src/protocol/front-channel-checks.js';
import { parseResponseType } from '../../src/protocol/response-type.js';
import { fail, pass } from '../../src/protocol/checks.js';
import { makeKey, mintIdToken, unsecuredToken, type TestKey } from '../helpers/tokens.js';

const half = (v: string) => createHash('sha256').update(v).digest().subarray(0, 16).toString('base64url');
const ISSUER = 'https://op.test';
const base = { issuer: ISSUER, audience: ['client-1'], clientId: 'client-1', nonce: 'nonce-1' };
let key: TestKey;
let keys: KeySource;

before(async () => {
  key = await makeKey('RS256', 'k1');
  keys = { kind: 'jwks', jwks: { keys: [key.publicJwk] }, origin: 'test JWKS', remote: false };
});

const row = (checks: { id: string; status: string }[], id: string) => checks.find((c) => c.id === id)?.status;

test('a fragment response on the fragment channel passes response_mode', () => {
  assert.equal(checkResponseChannel('fragment', 'fragment', { id_token: 'x', state: 's' }).status, 'pass');
  assert.equal(checkResponseChannel('form_post', 'form_post', { code: 'c' }).status, 'pass');
});

test('a response on another channel than the requested one fails response_mode', () => {
  const c = checkResponseChannel('form_post', 'fragment', { code: 'c', state: 's' });
  assert.equal(c.status, 'fail');
  assert.equal(c.expected, 'form_post');
  assert.equal(c.actual, 'fragment');
});

test('tokens in a query string fail response_mode even for response_type code', () => {
  const c = checkResponseChannel('query', 'query', { code: 'c', access_token: 'at' });
  assert.equal(c.status, 'fail');
  assert.match(c.message, /access_token arrived in the query string/);
});

test('every parameter the response type promises must come back', () => {
  assert.equal(
    checkResponseParameters(parseResponseType('code id_token token'), {
      code: 'c',
      id_token: 'i',
      access_token: 'a',
      token_type: 'Bearer',
    }).status,
    'pass',
  );
  const c = checkResponseParameters(parseResponseType('id_token token'), { id_token: 'i' });
  assert.equal(c.status, 'fail');
  assert.match(c.message, /missing: access_token, token_type/);
});

test('an implicit ID token with matching nonce and at_hash passes every check, tagged as front channel', async () => {
  const rt = parseResponseType('id_token token');
  const idToken = await mintIdToken(key, { issuer: ISSUER, claims: { at_hash: half('AT-1') } });
  const v = await validateFrontChannelIdToken(
    idToken,
    rt,
    { id_token: idToken, access_token: 'AT-1', state: 'st' },
    { keys, expectations: base },
  );
  assert.equal(v.valid, true, JSON.stringify(v.checks.filter((c) => c.status === 'fail')));
  assert.equal(row(v.checks, 'at_hash'), 'pass');
  assert.equal(row(v.checks, 'signature'), 'pass');
  assert.ok(v.checks.every((c) => c.source === 'authorization_endpoint'));
});

test('an implicit ID token without at_hash next to an access token fails at_hash (Core 3.2.2.10)', async () => {
  const idToken = await mintIdToken(key, { issuer: ISSUER });
  const v = await validateFrontChannelIdToken(
    idToken,
    parseResponseType('id_token token'),
    { access_token: 'AT-1' },
    { keys, expectations: base },
  );
  assert.equal(row(v.checks, 'at_hash'), 'fail');
  assert.equal(v.valid, false);
});

test('a hybrid ID token without c_hash fails c_hash, and a wrong c_hash fails too (Core 3.3.2.11)', async () => {
  const rt = parseResponseType('code id_token');
  const missing = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER }),
    rt,
    { code: 'CODE' },
    { keys, expectations: base },
  );
  assert.equal(row(missing.checks, 'c_hash'), 'fail');
  const wrong = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER, claims: { c_hash: half('OTHER') } }),
    rt,
    { code: 'CODE' },
    { keys, expectations: base },
  );
  assert.equal(row(wrong.checks, 'c_hash'), 'fail');
  const right = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER, claims: { c_hash: half('CODE') } }),
    rt,
    { code: 'CODE' },
    { keys, expectations: base },
  );
  assert.equal(row(right.checks, 'c_hash'), 'pass');
});

test('s_hash is checked when present and skipped when absent', async () => {
  const rt = parseResponseType('id_token');
  const good = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER, claims: { s_hash: half('st') } }),
    rt,
    { state: 'st' },
    { keys, expectations: base },
  );
  assert.equal(row(good.checks, 's_hash'), 'pass');
  const bad = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER, claims: { s_hash: half('other') } }),
    rt,
    { state: 'st' },
    { keys, expectations: base },
  );
  assert.equal(row(bad.checks, 's_hash'), 'fail');
  const none = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER }),
    rt,
    { state: 'st' },
    { keys, expectations: base },
  );
  assert.equal(row(none.checks, 's_hash'), 'skip');
});

test('a front-channel ID token without nonce fails even when no nonce value is expected', async () => {
  const idToken = await mintIdToken(key, { issuer: ISSUER, claims: { nonce: undefined } });
  const v = await validateFrontChannelIdToken(
    idToken,
    parseResponseType('id_token'),
    {},
    { keys, expectations: { ...base, nonce: undefined } },
  );
  assert.equal(row(v.checks, 'nonce'), 'fail');
});

test('alg none from the authorization endpoint fails alg', async () => {
  const v = await validateFrontChannelIdToken(
    unsecuredToken({ iss: ISSUER, sub: 'a', aud: 'client-1', iat: 1, exp: 2 ** 31, nonce: 'nonce-1' }),
    parseResponseType('id_token'),
    {},
    { keys, expectations: base },
  );
  assert.equal(row(v.checks, 'alg'), 'fail');
  assert.equal(v.valid, false);
});

test('an HS256 ID token is verified with the client secret (Core 10.1), and fails with another secret', async () => {
  const secret = 'client-secret-0123456789abcdefghij';
  const claims = { iss: ISSUER, sub: 'alice', aud: 'client-1', nonce: 'nonce-1' };
  const mint = (s: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(s));
  const ok = await validateFrontChannelIdToken(
    await mint(secret),
    parseResponseType('id_token'),
    {},
    { keys, clientSecret: secret, expectations: base },
  );
  assert.equal(row(ok.checks, 'signature'), 'pass');
  const bad = await validateFrontChannelIdToken(
    await mint(`not-${secret}`),
    parseResponseType('id_token'),
    {},
    { keys, clientSecret: secret, expectations: base },
  );
  assert.equal(row(bad.checks, 'signature'), 'fail');
});

test('without any key the front-channel signature is a failure, not a skip', async () => {
  const v = await validateFrontChannelIdToken(
    await mintIdToken(key, { issuer: ISSUER }),
    parseResponseType('id_token'),
    {},
    { keys: undefined, expectations: base },
  );
  assert.equal(row(v.checks, 'signature'), 'fail');
});

test('a front-channel id_token that is not a JWS is one failing format row', async () => {
  const v = await validateFrontChannelIdToken(
    'not-a-jwt',
    parseResponseType('id_token'),
    {},
    { keys, expectations: base },
  );
  assert.deepEqual(
    v.checks.map((c) => [c.id, c.status]),
    [['format', 'fail']],
  );
});

test('hybrid ID tokens with different sub fail hybrid_sub; identical iss passes hybrid_iss', () => {
  const checks = checkHybridIdTokens({ iss: ISSUER, sub: 'alice' }, { iss: ISSUER, sub: 'mallory' });
  assert.equal(row(checks, 'hybrid_iss'), 'pass');
  assert.equal(row(checks, 'hybrid_sub'), 'fail');
  assert.equal(
    row(checkHybridIdTokens({ iss: ISSUER, sub: 'a' }, { iss: `${ISSUER}/x`, sub: 'a' }), 'hybrid_iss'),
    'fail',
  );
});

test('the code is redeemed only when every front-channel check passed, and the reason names the failures', () => {
  assert.deepEqual(redemptionDecision([pass('state', 'ok'), pass('c_hash', 'ok')]), { redeem: true });
  const d = redemptionDecision([
    pass('state', 'ok'),
    fail('c_hash', 'bad'),
    fail('nonce', 'bad'),
    fail('c_hash', 'again'),
  ]);
  assert.equal(d.redeem, false);
  assert.match(d.reason!, /failed c_hash, nonce: the code was not redeemed and userinfo was not called/);
});
