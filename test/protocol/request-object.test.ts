import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  compactDecrypt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
} from 'jose';
import { ProtocolInputError } from '../../src/protocol/input-error.js';
import {
  encryptRequestObject,
  REQUEST_OBJECT_LIFETIME,
  requestObjectAuthorizationUrl,
  requestObjectClaims,
  requestObjectEncryptionTarget,
  requestObjectRequired,
  signRequestObject,
} from '../../src/protocol/request-object.js';

let clientKey: { privateJwk: JWK; publicJwk: JWK };
let opEnc: { privateJwk: JWK; publicJwk: JWK };

before(async () => {
  const c = await generateKeyPair('ES256', { extractable: true });
  clientKey = {
    privateJwk: { ...(await exportJWK(c.privateKey)), kid: 'client-1-key' },
    publicJwk: await exportJWK(c.publicKey),
  };
  const o = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  opEnc = {
    privateJwk: await exportJWK(o.privateKey),
    publicJwk: { ...(await exportJWK(o.publicKey)), kid: 'op-enc', use: 'enc' },
  };
});

const PARAMS = {
  response_type: 'code',
  client_id: 'client-1',
  redirect_uri: 'http://127.0.0.1:8765/callback',
  scope: 'openid',
  state: 's-1',
  nonce: 'n-1',
  max_age: '300',
  claims: '{"userinfo":{"email":null}}',
  authorization_details: '[{"type":"payment_initiation"}]',
  request_uri: 'urn:must-not-go-inside',
};

test('the claims carry iss = client_id, aud = issuer, the lifetime claims and every parameter', () => {
  const claims = requestObjectClaims(PARAMS, { clientId: 'client-1', issuer: 'https://op.test', now: 1000, jti: 'j' });
  assert.equal(claims.iss, 'client-1');
  assert.equal(claims.aud, 'https://op.test');
  assert.equal(claims.client_id, 'client-1');
  assert.equal(claims.iat, 1000);
  assert.equal(claims.nbf, 1000);
  assert.equal(claims.exp, 1000 + REQUEST_OBJECT_LIFETIME);
  assert.equal(claims.jti, 'j');
  assert.equal(claims.state, 's-1');
  assert.equal(claims.max_age, 300, 'max_age is a number in JSON (Core 6.1)');
  assert.deepEqual(claims.claims, { userinfo: { email: null } });
  assert.deepEqual(claims.authorization_details, [{ type: 'payment_initiation' }]);
  assert.equal('request_uri' in claims, false, 'RFC 9101 §4: never request or request_uri inside');
});

test('every request object gets its own jti', () => {
  const a = requestObjectClaims({}, { clientId: 'c', issuer: 'i' });
  const b = requestObjectClaims({}, { clientId: 'c', issuer: 'i' });
  assert.notEqual(a.jti, b.jti);
});

test('signed with the private_key_jwt key: explicit typ, the key kid, verifiable with the public key', async () => {
  const claims = requestObjectClaims(PARAMS, { clientId: 'client-1', issuer: 'https://op.test' });
  const jwt = await signRequestObject(claims, { kind: 'private_key', jwk: clientKey.privateJwk });
  const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(clientKey.publicJwk, 'ES256'), {
    issuer: 'client-1',
    audience: 'https://op.test',
    typ: 'oauth-authz-req+jwt',
  });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(protectedHeader.kid, 'client-1-key');
  assert.equal(payload.state, 's-1');
});

test('signed with HS256 and the client secret', async () => {
  const secret = 'client-secret-long-enough-for-hmac-sha256';
  const jwt = await signRequestObject({ iss: 'c' }, { kind: 'client_secret', secret });
  assert.equal(decodeProtectedHeader(jwt).alg, 'HS256');
  await jwtVerify(jwt, new TextEncoder().encode(secret));
});

test('bad signing choices are bad input', async () => {
  await assert.rejects(
    signRequestObject({}, { kind: 'client_secret', secret: 's', alg: 'RS256' }),
    (e: unknown) => e instanceof ProtocolInputError && /HS256, HS384 or HS512/.test(e.message),
  );
  await assert.rejects(
    signRequestObject({}, { kind: 'private_key', jwk: clientKey.publicJwk }),
    (e: unknown) => e instanceof ProtocolInputError && /public key/.test(e.message),
  );
  await assert.rejects(
    signRequestObject({}, { kind: 'private_key', jwk: clientKey.privateJwk, alg: 'HS256' }),
    ProtocolInputError,
  );
  await assert.rejects(
    signRequestObject({}, { kind: 'private_key', jwk: clientKey.privateJwk, alg: 'RS256' }),
    (e: unknown) => e instanceof ProtocolInputError && /cannot sign RS256/.test(e.message),
  );
});

const METADATA = {
  request_object_encryption_alg_values_supported: ['RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES'],
  request_object_encryption_enc_values_supported: ['A128CBC-HS256', 'A256GCM'],
};

test('encrypted to the provider key marked "enc", with an alg and enc it lists; the provider decrypts it', async () => {
  const sig = { kty: 'RSA', n: 'x', e: 'AQAB', use: 'sig', kid: 'op-sig' };
  const target = requestObjectEncryptionTarget({ keys: [sig, opEnc.publicJwk] }, METADATA);
  assert.equal(target.jwk.kid, 'op-enc');
  assert.equal(target.alg, 'RSA-OAEP-256');
  assert.equal(target.enc, 'A256GCM');
  const signed = await signRequestObject({ iss: 'client-1' }, { kind: 'private_key', jwk: clientKey.privateJwk });
  const jwe = await encryptRequestObject(signed, target);
  const header = decodeProtectedHeader(jwe);
  assert.deepEqual(header, { alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT', kid: 'op-enc' });
  const { plaintext } = await compactDecrypt(jwe, await importJWK(opEnc.privateJwk, 'RSA-OAEP-256'));
  assert.equal(new TextDecoder().decode(plaintext), signed);
});

test('an alg and enc asked for are used when the provider lists them, refused when not', () => {
  const t = requestObjectEncryptionTarget({ keys: [opEnc.publicJwk] }, METADATA, {
    alg: 'RSA-OAEP',
    enc: 'A128CBC-HS256',
  });
  assert.equal(t.alg, 'RSA-OAEP');
  assert.equal(t.enc, 'A128CBC-HS256');
  assert.throws(
    () => requestObjectEncryptionTarget({ keys: [opEnc.publicJwk] }, METADATA, { enc: 'A192GCM' }),
    /does not take enc A192GCM/,
  );
  assert.throws(
    () => requestObjectEncryptionTarget({ keys: [opEnc.publicJwk] }, METADATA, { alg: 'ECDH-ES' }),
    (e: unknown) => e instanceof ProtocolInputError && e.code === 'no_encryption_key',
  );
});

test('a provider without encryption metadata or without an encryption key is bad input', () => {
  assert.throws(
    () => requestObjectEncryptionTarget({ keys: [opEnc.publicJwk] }, {}),
    (e: unknown) => e instanceof ProtocolInputError && /advertises no request_object_encryption/.test(e.message),
  );
  assert.throws(
    () => requestObjectEncryptionTarget({ keys: [{ ...opEnc.publicJwk, use: 'sig' }] }, METADATA),
    (e: unknown) => e instanceof ProtocolInputError && e.code === 'no_encryption_key',
  );
});

test('by value: client_id and request, with response_type and scope repeated for Core 6.1', () => {
  const url = requestObjectAuthorizationUrl('https://op.test/auth', {
    clientId: 'client-1',
    request: 'a.b.c',
    responseType: 'code',
    scope: 'openid',
  });
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    client_id: 'client-1',
    response_type: 'code',
    scope: 'openid',
    request: 'a.b.c',
  });
  assert.equal(requestObjectRequired({ require_signed_request_object: true }), true);
  assert.equal(requestObjectRequired({}), false);
});
