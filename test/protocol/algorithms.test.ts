import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultSigningAlgFor,
  isHmacAlg,
  keyFitsAlg,
  keyRequirementFor,
  SUPPORTED_ALGS,
} from '../../src/protocol/algorithms.js';

test('RSA signature algs need an RSA key (RFC 7518 §3.3, §3.5)', () => {
  assert.deepEqual(keyRequirementFor('PS384'), { kty: ['RSA'], use: 'sig' });
});

test('RSA-OAEP-256 needs an RSA key and is for encryption (RFC 7518 §4.3)', () => {
  assert.deepEqual(keyRequirementFor('RSA-OAEP-256'), { kty: ['RSA'], use: 'enc' });
});

test('each ECDSA alg fixes its curve (RFC 7518 §3.4, RFC 8812 §3.2)', () => {
  assert.deepEqual(keyRequirementFor('ES512')?.crv, ['P-521']);
  assert.deepEqual(keyRequirementFor('ES256K')?.crv, ['secp256k1']);
});

test('EdDSA takes Ed25519 or Ed448; the Ed25519 alg only Ed25519 (RFC 8037, RFC 9864)', () => {
  assert.deepEqual(keyRequirementFor('EdDSA')?.crv, ['Ed25519', 'Ed448']);
  assert.deepEqual(keyRequirementFor('Ed25519')?.crv, ['Ed25519']);
});

test('ECDH-ES key agreement takes EC or OKP keys, for encryption', () => {
  assert.deepEqual(keyRequirementFor('ECDH-ES+A128KW'), { kty: ['EC', 'OKP'], use: 'enc' });
});

test('AES key wrap and dir need a symmetric key, for encryption', () => {
  assert.deepEqual(keyRequirementFor('A256GCMKW'), { kty: ['oct'], use: 'enc' });
  assert.deepEqual(keyRequirementFor('dir'), { kty: ['oct'], use: 'enc' });
});

test('an unregistered alg has no requirement', () => {
  assert.equal(keyRequirementFor('XS999'), undefined);
});

test('a key fits only with the right type and curve', () => {
  assert.equal(keyFitsAlg('ES256', { kty: 'EC', crv: 'P-256' }), true);
  assert.equal(keyFitsAlg('ES256', { kty: 'EC', crv: 'P-384' }), false);
  assert.equal(keyFitsAlg('RS256', { kty: 'EC', crv: 'P-256' }), false);
  assert.equal(keyFitsAlg('Ed25519', { kty: 'OKP', crv: 'Ed448' }), false);
  assert.equal(keyFitsAlg('HS256', { kty: 'oct' }), true);
});

test('every supported alg is a signature alg with a key requirement', () => {
  for (const alg of SUPPORTED_ALGS) assert.equal(keyRequirementFor(alg)?.use, 'sig', alg);
});

test('HMAC algs are HS256, HS384 and HS512 only', () => {
  assert.deepEqual(['HS256', 'HS384', 'HS512', 'HS1', 'RS256'].map(isHmacAlg), [true, true, true, false, false]);
});

test('the default signing alg follows the key: P-384 → ES384, P-521 → ES512, OKP → EdDSA, RSA → RS256', () => {
  assert.deepEqual(
    [{ kty: 'EC', crv: 'P-384' }, { kty: 'EC', crv: 'P-521' }, { kty: 'OKP', crv: 'Ed25519' }, { kty: 'RSA' }].map(
      defaultSigningAlgFor,
    ),
    ['ES384', 'ES512', 'EdDSA', 'RS256'],
  );
});
