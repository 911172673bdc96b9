import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idTokenKeySource } from '../../src/protocol/id-token-keys.js';
import type { KeySource } from '../../src/protocol/jws-signature.js';

const jwks: KeySource = { kind: 'jwks', jwks: { keys: [] }, origin: 'https://op.test/jwks', remote: true };

test('an HMAC ID token is verified with the UTF-8 octets of the client secret (Core 10.1)', () => {
  const source = idTokenKeySource({ alg: 'HS256' }, jwks, 'sécret');
  assert.equal(source?.kind, 'secret');
  assert.deepEqual(source?.kind === 'secret' ? Buffer.from(source.secret) : undefined, Buffer.from('sécret', 'utf8'));
  assert.match(source?.origin ?? '', /Core 10\.1/);
});

test('an asymmetric ID token is verified with the JWKS', () => {
  assert.equal(idTokenKeySource({ alg: 'RS256' }, jwks, 'secret'), jwks);
});

test('an HMAC ID token without a client secret falls back to the JWKS', () => {
  assert.equal(idTokenKeySource({ alg: 'HS256' }, jwks, undefined), jwks);
});
