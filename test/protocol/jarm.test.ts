import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import {
  jarmParameters,
  jarmResponseParameter,
  validateJarmResponse,
  type JarmExpectations,
} from '../../src/protocol/jarm.js';
import { ProtocolInputError } from '../../src/protocol/input-error.js';
import { checkIssParameter, checkState } from '../../src/protocol/authorization-request.js';
import { jarmChannel, parseResponseType } from '../../src/protocol/response-type.js';
import { makeKey, nowSeconds, unsecuredToken, type TestKey } from '../helpers/tokens.js';

const ISSUER = 'https://op.test';
const CLIENT = 'client-1';
let op: TestKey;
let stranger: TestKey;
let expectations: JarmExpectations;
let clientEnc: { privateJwk: JWK; publicJwk: JWK };

before(async () => {
  op = await makeKey('ES256', 'op-1');
  stranger = await makeKey('ES256', 'op-1');
  expectations = {
    issuer: ISSUER,
    clientId: CLIENT,
    keys: { kind: 'jwks', jwks: { keys: [op.publicJwk] }, origin: 'jwks_uri', remote: true },
  };
  const { privateKey, publicKey } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  clientEnc = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
});

async function jarmJwt(claims: Record<string, unknown> = {}, key: TestKey = op): Promise<string> {
  const now = nowSeconds();
  const all: Record<string, unknown> = {
    iss: ISSUER,
    aud: CLIENT,
    exp: now + 120,
    code: 'c-1',
    state: 's-1',
    ...claims,
  };
  for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
  return new SignJWT(all).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}

const statuses = (checks: { id: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

test('a signed JARM response passes every rule and hands back its parameters', async () => {
  const v = await validateJarmResponse(await jarmJwt(), expectations);
  assert.equal(v.valid, true, JSON.stringify(v.checks));
  assert.deepEqual(statuses(v.checks), {
    'jarm.format': 'pass',
    'jarm.alg': 'pass',
    'jarm.kid': 'pass',
    'jarm.signature': 'pass',
    'jarm.iss': 'pass',
    'jarm.aud': 'pass',
    'jarm.exp': 'pass',
  });
  assert.deepEqual(v.params, { iss: ISSUER, code: 'c-1', state: 's-1' });
  // The inner parameters feed the usual checks (RFC 9207: the JWT's iss is the iss parameter).
  assert.equal(checkState(v.params, 's-1').status, 'pass');
  assert.equal(checkIssParameter(v.params, ISSUER, true).status, 'pass');
});

const failures: Array<[string, Record<string, unknown>, string]> = [
  ['another issuer', { iss: 'https://evil.test' }, 'jarm.iss'],
  ['no iss', { iss: undefined }, 'jarm.iss'],
  ['another audience', { aud: 'client-2' }, 'jarm.aud'],
  ['no aud', { aud: undefined }, 'jarm.aud'],
  ['an expired response', { exp: nowSeconds() - 3600 }, 'jarm.exp'],
  ['no exp', { exp: undefined }, 'jarm.exp'],
];
for (const [what, claims, id] of failures) {
  test(`rejects a JARM response with ${what} (${id})`, async () => {
    const v = await validateJarmResponse(await jarmJwt(claims), expectations);
    assert.equal(v.valid, false);
    assert.equal(v.checks.find((c) => c.id === id)?.status, 'fail');
    assert.equal(v.params.code, 'c-1', 'the parameters are still shown');
  });
}

test('rejects a response signed by another key with the same kid', async () => {
  const v = await validateJarmResponse(await jarmJwt({}, stranger), expectations);
  assert.equal(v.checks.find((c) => c.id === 'jarm.signature')?.status, 'fail');
  assert.equal(v.valid, false);
});

test('an unsigned response (alg none) is a failing signature row, not a crash', async () => {
  const now = nowSeconds();
  const v = await validateJarmResponse(
    unsecuredToken({ iss: ISSUER, aud: CLIENT, exp: now + 60, code: 'c', state: 's' }),
    expectations,
  );
  assert.equal(v.checks.find((c) => c.id === 'jarm.alg')?.status, 'fail');
  const sig = v.checks.find((c) => c.id === 'jarm.signature')!;
  assert.equal(sig.status, 'fail');
  assert.match(sig.message, /not signed/);
});

test('without a key to verify with, the signature row fails rather than being skipped', async () => {
  const v = await validateJarmResponse(await jarmJwt(), { ...expectations, keys: undefined });
  assert.equal(v.checks.find((c) => c.id === 'jarm.signature')?.status, 'fail');
});

test('an HMAC-signed response is verified with the client secret (Core 10.1)', async () => {
  const secret = 'client-secret-of-enough-length-for-hs256!';
  const now = nowSeconds();
  const token = await new SignJWT({ iss: ISSUER, aud: CLIENT, exp: now + 60, code: 'c', state: 's' })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
  const good = await validateJarmResponse(token, { ...expectations, clientSecret: secret });
  assert.equal(good.checks.find((c) => c.id === 'jarm.signature')?.status, 'pass');
  const bad = await validateJarmResponse(token, { ...expectations, clientSecret: 'another secret' });
  assert.equal(bad.checks.find((c) => c.id === 'jarm.signature')?.status, 'fail');
  const noSecret = await validateJarmResponse(token, expectations);
  assert.equal(noSecret.checks.find((c) => c.id === 'jarm.alg')?.status, 'fail', 'HS256 against a JWKS is refused');
});

test('an encrypted response is decrypted with the client key, then verified', async () => {
  const jwe = await new CompactEncrypt(new TextEncoder().encode(await jarmJwt()))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT' })
    .encrypt(await importJWK(clientEnc.publicJwk, 'RSA-OAEP-256'));
  const v = await validateJarmResponse(jwe, {
    ...expectations,
    decryptionKeys: [{ jwk: clientEnc.privateJwk, origin: 'client.pem' }],
  });
  assert.equal(v.encrypted, true);
  assert.equal(v.valid, true, JSON.stringify(v.checks));
  assert.equal(v.checks.find((c) => c.id === 'jwe.decrypt')?.status, 'pass');
  assert.equal(v.params.code, 'c-1');
  const noKey = await validateJarmResponse(jwe, expectations);
  assert.equal(noKey.valid, false);
  assert.deepEqual(noKey.params, {}, 'nothing from an unread response is used');
});

test('an encrypted response the given key does not fit is bad input', async () => {
  const jwe = await new CompactEncrypt(new TextEncoder().encode(await jarmJwt()))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' })
    .encrypt(await importJWK(clientEnc.publicJwk, 'RSA-OAEP-256'));
  const ec = await exportJWK((await generateKeyPair('ECDH-ES', { extractable: true })).privateKey);
  await assert.rejects(
    validateJarmResponse(jwe, { ...expectations, decryptionKeys: [{ jwk: ec, origin: 'ec.jwk' }] }),
    ProtocolInputError,
  );
});

test('a response parameter that is not a JWT is a failing jarm.format row', async () => {
  const v = await validateJarmResponse('not-a-jwt', expectations);
  assert.deepEqual(statuses(v.checks), { 'jarm.format': 'fail' });
  assert.deepEqual(v.params, {});
});

test('a callback without the response parameter fails jarm.response', () => {
  const row = jarmResponseParameter({ code: 'c', state: 's' }, 'query.jwt');
  assert.equal(typeof row, 'object');
  assert.equal((row as { id: string }).id, 'jarm.response');
  assert.equal(jarmResponseParameter({ response: 'a.b.c' }, 'jwt'), 'a.b.c');
});

test('response mode "jwt" defaults to query for code and fragment for token and ID token responses', () => {
  assert.equal(jarmChannel('jwt', parseResponseType('code')), 'query');
  assert.equal(jarmChannel('jwt', parseResponseType('code id_token')), 'fragment');
  assert.equal(jarmChannel('jwt', parseResponseType('id_token token')), 'fragment');
  assert.equal(jarmChannel('query.jwt', parseResponseType('code')), 'query');
  assert.equal(jarmChannel('fragment.jwt', parseResponseType('code')), 'fragment');
  assert.equal(jarmChannel('form_post.jwt', parseResponseType('code')), 'form_post');
});

test('JWT-only claims are not authorization response parameters; non-strings are shown as JSON', () => {
  assert.deepEqual(jarmParameters({ iss: 'i', aud: 'a', exp: 1, iat: 2, code: 'c', expires_in: 3600, x: { y: 1 } }), {
    iss: 'i',
    code: 'c',
    expires_in: '3600',
    x: '{"y":1}',
  });
});
