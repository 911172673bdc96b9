import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import {
  ASSERTION_LIFETIME,
  CLIENT_ASSERTION_TYPE,
  ClientKeyError,
  clientAuthentication,
  signGrantAssertion,
} from '../../src/protocol/client-assertion.js';
import { MissingClientSecret } from '../../src/protocol/client-auth.js';

const TOKEN_ENDPOINT = 'https://op.test/token';
const NOW = Math.floor(Date.now() / 1000);
const secret = 'a-client-secret-of-thirty-two-bytes!';
const client = { clientId: 'client-1', clientSecret: secret };
const ecPair = (namedCurve: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return {
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'ec-key' },
    publicJwk: publicKey.export({ format: 'jwk' }) as JWK,
  };
};

test('client_secret_jwt sends client_id, the assertion type and an HS256 assertion keyed with the secret', async () => {
  const { form } = await clientAuthentication('client_secret_jwt', client, { audience: TOKEN_ENDPOINT, now: NOW });
  assert.equal(form.client_id, 'client-1');
  assert.equal(form.client_assertion_type, CLIENT_ASSERTION_TYPE);
  const { payload, protectedHeader } = await jwtVerify(form.client_assertion!, new TextEncoder().encode(secret), {
    currentDate: new Date(NOW * 1000),
  });
  assert.equal(protectedHeader.alg, 'HS256');
  assert.deepEqual(
    { iss: payload.iss, sub: payload.sub, aud: payload.aud },
    { iss: 'client-1', sub: 'client-1', aud: TOKEN_ENDPOINT },
  );
});

test('the assertion lives ASSERTION_LIFETIME seconds from now', async () => {
  const { form } = await clientAuthentication('client_secret_jwt', client, { audience: TOKEN_ENDPOINT, now: NOW });
  const { payload } = await jwtVerify(form.client_assertion!, new TextEncoder().encode(secret), {
    currentDate: new Date(NOW * 1000),
  });
  assert.equal(payload.iat, NOW);
  assert.equal(payload.exp, NOW + ASSERTION_LIFETIME);
});

test('every assertion has a fresh jti (RFC 7523 §3)', async () => {
  const jti = async () => {
    const { form } = await clientAuthentication('client_secret_jwt', client, { audience: TOKEN_ENDPOINT });
    return JSON.parse(Buffer.from(form.client_assertion!.split('.')[1]!, 'base64url').toString()).jti;
  };
  assert.notEqual(await jti(), await jti());
});

test('client_secret_jwt refuses a non-HMAC signing alg', async () => {
  await assert.rejects(
    clientAuthentication('client_secret_jwt', client, { audience: TOKEN_ENDPOINT, signingAlg: 'RS256' }),
    ClientKeyError,
  );
});

test('client_secret_jwt without a secret throws MissingClientSecret', async () => {
  await assert.rejects(
    clientAuthentication('client_secret_jwt', { clientId: 'c' }, { audience: TOKEN_ENDPOINT }),
    MissingClientSecret,
  );
});

test('private_key_jwt signs with the alg the key implies (P-384: ES384) and names its kid', async () => {
  const { privateJwk, publicJwk } = ecPair('P-384');
  const { form } = await clientAuthentication('private_key_jwt', client, {
    audience: TOKEN_ENDPOINT,
    privateKey: privateJwk,
  });
  assert.deepEqual(decodeProtectedHeader(form.client_assertion!), { alg: 'ES384', kid: 'ec-key' });
  const { importJWK } = await import('jose');
  await jwtVerify(form.client_assertion!, await importJWK(publicJwk, 'ES384'), { audience: TOKEN_ENDPOINT });
});

test('private_key_jwt without a key is a ClientKeyError', async () => {
  await assert.rejects(clientAuthentication('private_key_jwt', client, { audience: TOKEN_ENDPOINT }), ClientKeyError);
});

test('private_key_jwt with a key that does not fit the signing alg is a ClientKeyError', async () => {
  const { privateJwk } = ecPair('P-256');
  await assert.rejects(
    clientAuthentication('private_key_jwt', client, {
      audience: TOKEN_ENDPOINT,
      privateKey: privateJwk,
      signingAlg: 'RS256',
    }),
    /does not fit RS256/,
  );
});

test('a method that is not JWT-based gets the plain parts', async () => {
  const parts = await clientAuthentication('client_secret_post', client, { audience: TOKEN_ENDPOINT });
  assert.deepEqual(parts.form, { client_id: 'client-1', client_secret: secret });
});

test('a grant assertion (RFC 7523 §2.1) carries the given iss, sub and aud', async () => {
  const { privateJwk, publicJwk } = ecPair('P-256');
  const jwt = await signGrantAssertion({
    issuer: 'client-1',
    subject: 'alice',
    audience: TOKEN_ENDPOINT,
    privateKey: privateJwk,
  });
  const { importJWK } = await import('jose');
  const { payload } = await jwtVerify(jwt, await importJWK(publicJwk, 'ES256'));
  assert.deepEqual(
    { iss: payload.iss, sub: payload.sub, aud: payload.aud },
    {
      iss: 'client-1',
      sub: 'alice',
      aud: TOKEN_ENDPOINT,
    },
  );
});
