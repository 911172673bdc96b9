import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { lintJwks } from '../../src/protocol/jwks-lint.js';
import { makeCertifiedKey, type CertifiedKey } from '../helpers/x509.js';

const NOW = 1_800_000_000;
const DAY = 86400;
const row = (checks: { id: string; status: string; message: string }[], id: string) => {
  const r = checks.find((c) => c.id === id);
  assert.ok(r, `no ${id}`);
  return r;
};
const pub = (type: 'rsa' | 'ec' | 'ed25519', kid: string, extra: Partial<JWK> = {}): JWK => {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : generateKeyPairSync('ed25519');
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, ...extra };
};

let certified: CertifiedKey;
let other: CertifiedKey;
before(() => {
  certified = makeCertifiedKey({
    cn: 'signing.example.test',
    notBefore: NOW - 100 * DAY,
    notAfter: NOW + 100 * DAY,
    kid: 'cert',
  });
  other = makeCertifiedKey({
    cn: 'other.example.test',
    notBefore: NOW - 100 * DAY,
    notAfter: NOW + 100 * DAY,
    kid: 'other',
  });
});

test('RFC 7638 §3.1 example key: its published thumbprint', async () => {
  const jwk = {
    kty: 'RSA',
    n:
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJE' +
      'CPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Q' +
      'vzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6' +
      'WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };
  const { keys, checks } = await lintJwks({ keys: [jwk] }, NOW);
  assert.equal(keys[0]!.thumbprint, 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  assert.equal(keys[0]!.bits, 2048);
  assert.equal(row(checks, 'jwks.alg').status, 'pass');
});

test('an empty key set fails jwks.keys', async () => {
  assert.equal(row((await lintJwks({ keys: [] }, NOW)).checks, 'jwks.keys').status, 'fail');
});

test('entries that are not keys or do not parse fail jwks.parse, naming them', async () => {
  const { checks } = await lintJwks(
    { keys: ['nope', { kty: 'EC', kid: 'broken', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] },
    NOW,
  );
  const r = row(checks, 'jwks.parse');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /key #0 is not a JSON object/);
  assert.match(r.message, /key "broken" does not parse/);
});

test('several keys: a missing kid fails; one key without kid passes', async () => {
  assert.equal(
    row((await lintJwks({ keys: [pub('rsa', 'a'), { ...pub('ec', 'x'), kid: undefined }] }, NOW)).checks, 'jwks.kid')
      .status,
    'fail',
  );
  assert.equal(
    row((await lintJwks({ keys: [{ ...pub('ec', 'x'), kid: undefined }] }, NOW)).checks, 'jwks.kid').status,
    'pass',
  );
});

test('alg must fit kty and curve; an unregistered alg warns; no RSA skips the size check', async () => {
  const rsaAsEc = await lintJwks({ keys: [pub('rsa', 'r', { alg: 'ES256' })] }, NOW);
  assert.match(row(rsaAsEc.checks, 'jwks.alg').message, /"r" is RSA but alg ES256 needs EC/);
  const wrongCurve = await lintJwks({ keys: [pub('ec', 'e', { alg: 'ES256' })] }, NOW);
  assert.match(row(wrongCurve.checks, 'jwks.alg').message, /"e" has curve P-384 but alg ES256 needs P-256/);
  assert.equal(row(wrongCurve.checks, 'jwks.rsa_size').status, 'skip');
  const ed = await lintJwks({ keys: [pub('ed25519', 'ed', { alg: 'EdDSA' })] }, NOW);
  assert.equal(row(ed.checks, 'jwks.alg').status, 'pass');
  assert.equal(ed.keys[0]!.crv, 'Ed25519');
  const odd = await lintJwks({ keys: [pub('ec', 'e', { alg: 'XS999' })] }, NOW);
  assert.equal(row(odd.checks, 'jwks.alg').status, 'warn');
});

test('a symmetric key in a published set is private material', async () => {
  const { keys, checks } = await lintJwks(
    { keys: [{ kty: 'oct', kid: 'hmac', alg: 'HS256', k: Buffer.alloc(32, 7).toString('base64url') }] },
    NOW,
  );
  assert.equal(row(checks, 'jwks.private_material').status, 'fail');
  assert.deepEqual(keys[0]!.private_members, ['k']);
  assert.equal(keys[0]!.bits, 256);
});

test('x5c: valid, not yet valid, expiring within 30 days and expired, judged at the given now', async () => {
  const at = async (now: number) => row((await lintJwks({ keys: [certified.jwk] }, now)).checks, 'jwks.x5c');
  assert.equal((await at(NOW)).status, 'pass');
  assert.match((await at(NOW - 200 * DAY)).message, /not valid before/);
  assert.equal((await at(NOW + 90 * DAY)).status, 'warn');
  assert.equal((await at(NOW + 101 * DAY)).status, 'fail');
  const { keys } = await lintJwks({ keys: [certified.jwk] }, NOW);
  assert.equal(keys[0]!.certificate?.subject, 'CN=signing.example.test');
  assert.equal(keys[0]!.certificate?.matches_key, true);
});

test('x5c holding another public key than the JWK fails (RFC 7517 §4.7)', async () => {
  const mixed = { ...certified.jwk, x5c: other.jwk.x5c };
  const r = row((await lintJwks({ keys: [mixed] }, NOW)).checks, 'jwks.x5c');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /holds another public key/);
});

// x5t / x5t#S256 (RFC 7517 §4.8-4.9): base64url of the SHA-1 / SHA-256 digest of the DER certificate.
const digest = (alg: 'sha1' | 'sha256', der: Buffer) => createHash(alg).update(der).digest();

test('x5t and x5t#S256 that are the digests of the x5c certificate pass', async () => {
  const der = certified.certificate.raw;
  const jwk = {
    ...certified.jwk,
    x5t: digest('sha1', der).toString('base64url'),
    'x5t#S256': digest('sha256', der).toString('base64url'),
  };
  assert.equal(row((await lintJwks({ keys: [jwk] }, NOW)).checks, 'jwks.x5t').status, 'pass');
});

test('x5t that is the digest of another certificate fails, naming the key', async () => {
  const jwk = { ...certified.jwk, x5t: digest('sha1', other.certificate.raw).toString('base64url') };
  const r = row((await lintJwks({ keys: [jwk] }, NOW)).checks, 'jwks.x5t');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /"cert".*x5t is not the SHA-1 digest/);
});

test('x5t#S256 that is the base64url of the hex text of the thumbprint fails and says so', async () => {
  const hexText = digest('sha256', certified.certificate.raw).toString('hex').toUpperCase();
  const jwk = { ...certified.jwk, 'x5t#S256': Buffer.from(hexText).toString('base64url') };
  const r = row((await lintJwks({ keys: [jwk] }, NOW)).checks, 'jwks.x5t');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /hex text/);
});

test('x5t as base64url of the hex text fails even without an x5c to compare with', async () => {
  const hexText = digest('sha1', Buffer.from('some certificate')).toString('hex');
  const jwk = { ...pub('rsa', 'r'), x5t: Buffer.from(hexText).toString('base64url') };
  const r = row((await lintJwks({ keys: [jwk] }, NOW)).checks, 'jwks.x5t');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /hex text/);
});

test('x5t of the right length without x5c cannot be compared and is skipped', async () => {
  const jwk = { ...pub('rsa', 'r'), x5t: digest('sha1', Buffer.from('cert')).toString('base64url') };
  assert.equal(row((await lintJwks({ keys: [jwk] }, NOW)).checks, 'jwks.x5t').status, 'skip');
});

test('no key with x5t or x5t#S256 skips jwks.x5t', async () => {
  assert.equal(row((await lintJwks({ keys: [certified.jwk] }, NOW)).checks, 'jwks.x5t').status, 'skip');
});

// use (Discovery §3 jwks_uri): with signing and encryption keys in one set, every key needs use.
test('signing and encryption keys with use on every key pass jwks.use', async () => {
  const keys = [pub('rsa', 's', { use: 'sig' }), pub('rsa', 'e', { use: 'enc' })];
  assert.equal(row((await lintJwks({ keys }, NOW)).checks, 'jwks.use').status, 'pass');
});

test('an encryption key beside a key without use fails jwks.use, naming the key', async () => {
  const keys = [pub('rsa', 's'), pub('rsa', 'e', { use: 'enc' })];
  const r = row((await lintJwks({ keys }, NOW)).checks, 'jwks.use');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /"s"/);
  assert.match(r.message, /Discovery §3/);
});

test('an encryption key known by its alg counts: use is then required on every key', async () => {
  const keys = [pub('rsa', 's', { alg: 'RS256', use: 'sig' }), pub('rsa', 'e', { alg: 'RSA-OAEP-256' })];
  const r = row((await lintJwks({ keys }, NOW)).checks, 'jwks.use');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /"e"/);
});

test('a set of signing keys only needs no use: jwks.use is skipped', async () => {
  const keys = [pub('rsa', 'a'), pub('ec', 'b')];
  assert.equal(row((await lintJwks({ keys }, NOW)).checks, 'jwks.use').status, 'skip');
});
