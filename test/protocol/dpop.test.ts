import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  generateSecret,
  jwtVerify,
  SignJWT,
} from 'jose';
import {
  accessTokenHash,
  checkAccessTokenDpopBinding,
  checkDpopBinding,
  checkDpopTokenType,
  createDpopProof,
  dpopHtu,
  dpopKeyFromJwk,
  dpopNonceChallenge,
  dpopNonceHeader,
  generateDpopKey,
  jwkThumbprint,
  parseChallenges,
} from '../../src/protocol/dpop.js';
import { ProtocolInputError } from '../../src/protocol/input-error.js';

test('the RFC 7638 §3.1 example key has the thumbprint the RFC gives', () => {
  const jwk = {
    kty: 'RSA',
    n:
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjB' +
      'ZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8' +
      'KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_' +
      'xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };
  assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

test('the thumbprint of EC, OKP and RSA keys equals jose calculateJwkThumbprint', async () => {
  for (const [alg, opts] of [
    ['ES256', {}],
    ['ES384', {}],
    ['EdDSA', { crv: 'Ed25519' }],
    ['RS256', {}],
  ] as const) {
    const { publicKey } = await generateKeyPair(alg, { extractable: true, ...opts });
    const jwk = await exportJWK(publicKey);
    assert.equal(jwkThumbprint(jwk), await calculateJwkThumbprint(jwk), alg);
  }
});

test('a generated key signs proofs a server verifies with the embedded public key', async () => {
  const key = await generateDpopKey();
  assert.equal(key.alg, 'ES256');
  assert.equal(key.publicJwk.d, undefined, 'the public JWK carries no private member');
  const proof = await createDpopProof(key, {
    htm: 'post',
    htu: 'https://as.test/token?x=1#frag',
    nonce: 'n-1',
  });
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
  assert.equal(protectedHeader.typ, 'dpop+jwt');
  assert.equal(
    (protectedHeader.jwk as Record<string, unknown>).d,
    undefined,
    'RFC 9449 §4.2: the header never carries the private key',
  );
  assert.equal(await calculateJwkThumbprint(protectedHeader.jwk!), key.thumbprint);
  assert.equal(payload.htm, 'POST');
  assert.equal(payload.htu, 'https://as.test/token', 'query and fragment are dropped (§4.2)');
  assert.equal(payload.nonce, 'n-1');
  assert.equal(payload.ath, undefined, 'no ath without an access token');
  assert.equal(typeof payload.jti, 'string');
  assert.ok(Math.abs((payload.iat as number) - Date.now() / 1000) < 5);
});

test('a proof for a resource request carries ath = base64url SHA-256 of the access token', async () => {
  const key = await generateDpopKey();
  const proof = await createDpopProof(key, { htm: 'GET', htu: 'https://rs.test/me', accessToken: 'tok.en-1' });
  const { payload } = await jwtVerify(proof, EmbeddedJWK);
  const expected = createHash('sha256').update('tok.en-1').digest('base64url');
  assert.equal(payload.ath, expected);
  assert.equal(accessTokenHash('tok.en-1'), expected);
});

test('every proof has a fresh jti', async () => {
  const key = await generateDpopKey();
  const jtis = new Set<unknown>();
  for (let i = 0; i < 5; i++) {
    const proof = await createDpopProof(key, { htm: 'POST', htu: 'https://as.test/token' });
    jtis.add((await jwtVerify(proof, EmbeddedJWK)).payload.jti);
  }
  assert.equal(jtis.size, 5);
});

test('htu keeps scheme, host, port and path and drops query and fragment', () => {
  assert.equal(dpopHtu('https://as.test:8443/a/b?c=d#e'), 'https://as.test:8443/a/b');
});

test('a private RSA key from a JWK signs RS256 proofs; an Ed25519 one EdDSA', async () => {
  const rsa = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey);
  const rsaKey = await dpopKeyFromJwk(rsa, { origin: 'rsa.json' });
  assert.equal(rsaKey.alg, 'RS256');
  assert.deepEqual(Object.keys(rsaKey.publicJwk).sort(), ['e', 'kty', 'n']);
  const ed = await exportJWK((await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' })).privateKey);
  const edKey = await dpopKeyFromJwk(ed, { origin: 'ed.json' });
  assert.equal(edKey.alg, 'EdDSA');
  const proof = await createDpopProof(edKey, { htm: 'GET', htu: 'https://rs.test/' });
  assert.equal(decodeProtectedHeader(proof).alg, 'EdDSA');
  await jwtVerify(proof, EmbeddedJWK);
});

const badKeys: Array<[string, () => Promise<Record<string, unknown>>, RegExp]> = [
  ['a symmetric key', async () => exportJWK(await generateSecret('HS256', { extractable: true })), /symmetric key/],
  [
    'a public key',
    async () => exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey),
    /is a public key/,
  ],
  [
    'an X25519 key-agreement key',
    async () => exportJWK((await generateKeyPair('ECDH-ES', { extractable: true, crv: 'X25519' })).privateKey),
    /not a signing key/,
  ],
  ['something without kty', async () => ({ d: 'x' }), /not a JWK/],
];
for (const [what, make, message] of badKeys) {
  test(`refuses ${what} as a DPoP key with one sentence`, async () => {
    await assert.rejects(dpopKeyFromJwk((await make()) as never, { origin: 'key.json' }), (err: unknown) => {
      assert.ok(err instanceof ProtocolInputError);
      assert.equal(err.code, 'bad_dpop_key');
      assert.match(err.message, message);
      assert.match(err.message, /^key\.json /);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });
}

test('refuses a key whose named alg it cannot sign', async () => {
  const ec = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
  await assert.rejects(dpopKeyFromJwk(ec, { origin: 'ec.json', alg: 'RS256' }), /cannot sign RS256/);
});

test('dpop.token_type passes for DPoP in any case and fails for Bearer or nothing', () => {
  assert.equal(checkDpopTokenType('DPoP').status, 'pass');
  assert.equal(checkDpopTokenType('dpop').status, 'pass');
  const bearer = checkDpopTokenType('Bearer');
  assert.equal(bearer.status, 'fail');
  assert.equal(bearer.id, 'dpop.token_type');
  assert.match(bearer.message, /ignored the DPoP proof/);
  assert.equal(checkDpopTokenType(undefined).status, 'fail');
});

async function jwtAccessToken(claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(privateKey);
}

test('dpop.cnf_jkt passes when a JWT access token is bound to our thumbprint', async () => {
  const key = await generateDpopKey();
  const row = checkAccessTokenDpopBinding(await jwtAccessToken({ cnf: { jkt: key.thumbprint } }), key.thumbprint);
  assert.equal(row.id, 'dpop.cnf_jkt');
  assert.equal(row.status, 'pass');
});

test('dpop.cnf_jkt fails for a token bound to another key, and for one not bound at all', async () => {
  const key = await generateDpopKey();
  const other = await generateDpopKey();
  const wrong = checkAccessTokenDpopBinding(await jwtAccessToken({ cnf: { jkt: other.thumbprint } }), key.thumbprint);
  assert.equal(wrong.status, 'fail');
  assert.equal(wrong.actual, other.thumbprint);
  const unbound = checkAccessTokenDpopBinding(await jwtAccessToken({ sub: 'x' }), key.thumbprint);
  assert.equal(unbound.status, 'fail');
  assert.match(unbound.message, /no cnf\.jkt/);
});

test('dpop.cnf_jkt is skipped for an opaque token and read from an introspection answer', () => {
  assert.equal(checkAccessTokenDpopBinding('opaque-token-value', 'tp').status, 'skip');
  assert.equal(checkDpopBinding({ active: true, cnf: { jkt: 'tp' } }, 'tp', 'the introspected token').status, 'pass');
});

test('an authorization server use_dpop_nonce challenge (400 + DPoP-Nonce) is recognised', () => {
  const challenge = dpopNonceChallenge({
    status: 400,
    headers: { 'dpop-nonce': 'eyJ7S_zG.eyJH0-Z.HX4w-7v' },
    body: JSON.stringify({ error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce' }),
  });
  assert.deepEqual(challenge, { nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v', from: 'authorization_server' });
});

test('a resource server challenge (401, DPoP WWW-Authenticate beside Bearer) is recognised', () => {
  const challenge = dpopNonceChallenge({
    status: 401,
    headers: {
      'dpop-nonce': 'rs-nonce',
      'www-authenticate':
        'Bearer realm="https://rs.test", DPoP realm="https://rs.test", error="use_dpop_nonce", ' +
        'error_description="Resource server requires nonce in DPoP proof", algs="ES256 EdDSA"',
    },
    body: '',
  });
  assert.deepEqual(challenge, { nonce: 'rs-nonce', from: 'resource_server' });
});

test('other errors, and challenges without a usable nonce, are not nonce challenges', () => {
  const body = JSON.stringify({ error: 'use_dpop_nonce' });
  assert.equal(dpopNonceChallenge({ status: 400, headers: {}, body }), undefined);
  assert.equal(dpopNonceChallenge({ status: 400, headers: { 'dpop-nonce': 'bad"nonce' }, body }), undefined);
  assert.equal(
    dpopNonceChallenge({
      status: 400,
      headers: { 'dpop-nonce': 'n' },
      body: JSON.stringify({ error: 'invalid_grant' }),
    }),
    undefined,
  );
  assert.equal(
    dpopNonceChallenge({
      status: 401,
      headers: { 'dpop-nonce': 'n', 'www-authenticate': 'Bearer error="use_dpop_nonce"' },
      body: '',
    }),
    undefined,
    'only a DPoP challenge asks for a DPoP nonce',
  );
  assert.equal(dpopNonceChallenge({ status: 200, headers: { 'dpop-nonce': 'n' }, body: '{}' }), undefined);
});

test('a DPoP-Nonce header with control characters or over 1 KiB is ignored', () => {
  assert.equal(dpopNonceHeader({ 'dpop-nonce': 'ok-nonce' }), 'ok-nonce');
  assert.equal(dpopNonceHeader({ 'dpop-nonce': 'a\u001bb' }), undefined);
  assert.equal(dpopNonceHeader({ 'dpop-nonce': 'x'.repeat(1025) }), undefined);
});

test('WWW-Authenticate with several challenges parses into schemes and their parameters', () => {
  assert.deepEqual(parseChallenges('Bearer realm="a", error="invalid_token", DPoP algs="ES256", error="x\\"y"'), [
    { scheme: 'Bearer', params: { realm: 'a', error: 'invalid_token' } },
    { scheme: 'DPoP', params: { algs: 'ES256', error: 'x"y' } },
  ]);
  assert.deepEqual(parseChallenges(undefined), []);
});
