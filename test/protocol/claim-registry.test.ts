import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLAIMS,
  describeAlgorithm,
  describeAmrValue,
  describeClaim,
  describeHeaderParameter,
  isTimeClaim,
} from '../../src/protocol/claim-registry.js';

test('every RFC 7519 §4.1 registered claim has a description citing RFC 7519', () => {
  for (const name of ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']) {
    const info = describeClaim(name);
    assert.ok(info, name);
    assert.match(info.source, /RFC 7519/);
    assert.ok(info.description.length > 3);
  }
});

test('describes the OpenID Connect ID token and standard claims', () => {
  const core = [
    'auth_time',
    'nonce',
    'acr',
    'amr',
    'azp',
    'at_hash',
    'c_hash',
    'name',
    'given_name',
    'family_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'email',
    'email_verified',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'phone_number',
    'phone_number_verified',
    'address',
    'updated_at',
  ];
  for (const name of core) assert.match(describeClaim(name)?.source ?? '', /OpenID Connect Core/, name);
});

test('describes the RFC 9068, 8693, 7800, 9396, 8417 and logout claims', () => {
  const expected: Record<string, RegExp> = {
    client_id: /RFC 8693|RFC 9068/,
    scope: /RFC 8693/,
    groups: /RFC 9068/,
    roles: /RFC 9068/,
    entitlements: /RFC 9068/,
    act: /RFC 8693/,
    may_act: /RFC 8693/,
    cnf: /RFC 7800/,
    authorization_details: /RFC 9396/,
    events: /RFC 8417/,
    sid: /Logout/,
  };
  for (const [name, source] of Object.entries(expected)) assert.match(describeClaim(name)?.source ?? '', source, name);
});

test('cnf knows the DPoP jkt and mTLS x5t#S256 members', () => {
  const members = describeClaim('cnf')?.members ?? {};
  assert.match(members.jkt ?? '', /RFC 9449/);
  assert.match(members['x5t#S256'] ?? '', /RFC 8705/);
});

test('exactly the NumericDate claims are times', () => {
  const times = Object.keys(CLAIMS).filter(isTimeClaim).sort();
  assert.deepEqual(times, ['auth_time', 'exp', 'iat', 'nbf', 'toe', 'updated_at']);
  assert.equal(isTimeClaim('sub'), false);
});

test('describes every JOSE header parameter of RFC 7515, 7516, 7518 and 7797', () => {
  for (const name of [
    'alg',
    'kid',
    'typ',
    'cty',
    'jku',
    'jwk',
    'x5u',
    'x5c',
    'x5t',
    'x5t#S256',
    'crit',
    'enc',
    'zip',
    'epk',
    'apu',
    'apv',
    'b64',
  ]) {
    assert.ok(describeHeaderParameter(name)?.description, name);
  }
});

test('lookups ignore names inherited from Object.prototype', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.equal(describeClaim(name), undefined, name);
    assert.equal(describeHeaderParameter(name), undefined, name);
    assert.equal(describeAlgorithm(name), undefined, name);
    assert.equal(describeAmrValue(name), undefined, name);
  }
});

test('explains alg values and RFC 8176 amr values', () => {
  assert.match(describeAlgorithm('RS256') ?? '', /PKCS1/);
  assert.match(describeAlgorithm('none') ?? '', /unsecured/);
  assert.match(describeAlgorithm('A256GCM') ?? '', /AES-256-GCM/);
  assert.equal(describeAmrValue('pwd'), 'password');
  assert.equal(describeAmrValue('mfa'), 'multiple-factor authentication');
});
