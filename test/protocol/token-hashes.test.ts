import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { tokenHash } from '../../src/protocol/token-hashes.js';

test('at_hash of the OpenID Connect Core A.3 example access token (RS256)', () => {
  assert.equal(tokenHash('RS256', undefined, 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y'), '77QmUPtjPfzWtF2AnpK9RQ');
});

test('c_hash of the OpenID Connect Core A.4 example code (RS256)', () => {
  assert.equal(
    tokenHash('RS256', undefined, 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk'),
    'LDktKdoQak3Pk0cnXxCltA',
  );
});

test('the hash length follows the alg: 16, 24 and 32 bytes for SHA-256, -384 and -512', () => {
  const len = (alg: string) => Buffer.from(tokenHash(alg, undefined, 'token')!, 'base64url').length;
  assert.equal(len('ES256'), 16);
  assert.equal(len('PS384'), 24);
  assert.equal(len('HS512'), 32);
});

test('EdDSA with Ed25519 uses SHA-512 (left 32 bytes)', () => {
  const expected = createHash('sha512').update('token').digest().subarray(0, 32).toString('base64url');
  assert.equal(tokenHash('EdDSA', 'Ed25519', 'token'), expected);
});

test('alg none has no hash', () => {
  assert.equal(tokenHash('none', undefined, 'token'), undefined);
});
