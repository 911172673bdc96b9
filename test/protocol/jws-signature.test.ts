import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { checkAlg, describeKey, verifySignature, type KeySource } from '../../src/protocol/jws-signature.js';
import { decodeJwt, type DecodedJws } from '../../src/protocol/jwt.js';

// Tokens are signed with node:crypto here: jose refuses to sign with an unknown crit or a small RSA key,
// which is exactly what these tests need a provider to have done.
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function signRs256(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): DecodedJws {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input), key).toString('base64url');
  return decodeJwt(`${input}.${signature}`) as DecodedJws;
}

let rsa: { privateKey: KeyObject; jwk: JWK };
let small: { privateKey: KeyObject; jwk: JWK };
let other: { privateKey: KeyObject; jwk: JWK };
const rsaPair = (bits: number, kid: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid } };
};
before(() => {
  rsa = rsaPair(2048, 'rsa-1');
  small = rsaPair(1024, 'small');
  other = rsaPair(2048, 'rsa-2');
});

const row = (checks: { id: string; status: string; message: string }[], id: string) => {
  const r = checks.find((c) => c.id === id);
  assert.ok(r, `no ${id} row`);
  return r;
};
const single = (jwk: JWK): KeySource => ({ kind: 'key', jwk, origin: 'test' });
const set = (...keys: JWK[]): KeySource => ({ kind: 'jwks', jwks: { keys }, origin: 'test', remote: false });
const claims = { sub: 'alice' };

test('alg none fails the alg row', () => {
  assert.equal(checkAlg({ alg: 'none' }, undefined, undefined).status, 'fail');
});

test('a header without alg fails the alg row', () => {
  assert.equal(checkAlg({}, undefined, undefined).status, 'fail');
});

test('an alg outside the allow-list fails', () => {
  assert.equal(checkAlg({ alg: 'RS256' }, undefined, ['ES256']).status, 'fail');
});

test('an alg jose does not implement for us fails as unsupported', () => {
  assert.match(checkAlg({ alg: 'ES256K' }, undefined, undefined).message, /not supported/);
});

test('an HMAC alg against a public key is refused as key confusion (RFC 8725 §3.1)', () => {
  assert.match(checkAlg({ alg: 'HS256' }, single(rsa.jwk), undefined).message, /key-confusion/);
});

test('an asymmetric alg against a shared secret fails', () => {
  const secret: KeySource = { kind: 'secret', secret: new Uint8Array(32), origin: 'test' };
  assert.equal(checkAlg({ alg: 'RS256' }, secret, undefined).status, 'fail');
});

test('no key source: kid and signature are skipped', async () => {
  const { checks } = await verifySignature(signRs256({ alg: 'RS256' }, claims, rsa.privateKey), 'RS256', undefined);
  assert.deepEqual(
    checks.map((c) => c.status),
    ['skip', 'skip'],
  );
});

test('a single key of another type cannot verify the alg, and says so', async () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ec = publicKey.export({ format: 'jwk' }) as JWK;
  const { checks } = await verifySignature(signRs256({ alg: 'RS256' }, claims, rsa.privateKey), 'RS256', single(ec));
  assert.match(row(checks, 'signature').message, /EC P-256\) cannot verify RS256/);
});

test('a single key whose kid differs from the header warns and still verifies', async () => {
  const jws = signRs256({ alg: 'RS256', kid: 'elsewhere' }, claims, rsa.privateKey);
  const { checks, key } = await verifySignature(jws, 'RS256', single(rsa.jwk));
  assert.equal(row(checks, 'kid').status, 'warn');
  assert.equal(row(checks, 'signature').status, 'pass');
  assert.equal(key?.kid, 'rsa-1');
});

test('a JWKS key marked for encryption is not used to verify', async () => {
  const jws = signRs256({ alg: 'RS256', kid: 'rsa-1' }, claims, rsa.privateKey);
  const { checks } = await verifySignature(jws, 'RS256', set({ ...rsa.jwk, use: 'enc' }));
  assert.equal(row(checks, 'kid').status, 'fail');
  assert.equal(row(checks, 'signature').status, 'skip');
});

// Issue 13 item 9: a reason that is not "the signature is wrong" reads the same with a JWKS as with a key.
const reasons: Array<[string, () => { header: Record<string, unknown>; key: typeof rsa }, RegExp]> = [
  [
    'an unknown crit extension',
    () => ({ header: { alg: 'RS256', kid: 'rsa-1', crit: ['exp-ext'], 'exp-ext': 1 }, key: rsa }),
    /crit.*"exp-ext".*RFC 7515 §4\.1\.11/,
  ],
  [
    'an empty crit list',
    () => ({ header: { alg: 'RS256', kid: 'rsa-1', crit: [] }, key: rsa }),
    /crit.*empty.*RFC 7515 §4\.1\.11/,
  ],
  [
    'a crit naming a parameter the header lacks',
    () => ({ header: { alg: 'RS256', kid: 'rsa-1', crit: ['b64'] }, key: rsa }),
    /crit names "b64".*not in the header/,
  ],
  [
    'an RSA key under 2048 bits',
    () => ({ header: { alg: 'RS256', kid: 'small' }, key: small }),
    /1024 bits.*2048.*RFC 7518 §3\.3/,
  ],
];
for (const [name, make, reason] of reasons) {
  test(`${name}: the signature row gives the same reason with a JWKS as with a single key`, async () => {
    const { header, key } = make();
    const jws = signRs256(header, claims, key.privateKey);
    const withKey = row((await verifySignature(jws, 'RS256', single(key.jwk))).checks, 'signature');
    const withJwks = row((await verifySignature(jws, 'RS256', set(other.jwk, key.jwk))).checks, 'signature');
    assert.equal(withKey.status, 'fail');
    assert.match(withKey.message, reason);
    assert.equal(withJwks.status, 'fail');
    assert.equal(withJwks.message, withKey.message);
  });
}

test('without a kid, a JWKS whose keys all refuse the header gives that reason, not "does not verify"', async () => {
  const jws = signRs256({ alg: 'RS256', crit: ['x-ext'], 'x-ext': true }, claims, rsa.privateKey);
  const { checks } = await verifySignature(jws, 'RS256', set(other.jwk, rsa.jwk));
  assert.match(row(checks, 'signature').message, /"x-ext"/);
  assert.doesNotMatch(row(checks, 'signature').message, /does not verify/);
});

test('without a kid, a small key among good ones is named when nothing verifies', async () => {
  const stranger = rsaPair(2048, 'stranger');
  const jws = signRs256({ alg: 'RS256' }, claims, stranger.privateKey);
  const { checks } = await verifySignature(jws, 'RS256', set(other.jwk, small.jwk));
  const signature = row(checks, 'signature');
  assert.equal(signature.status, 'fail');
  assert.match(signature.message, /does not verify/);
  assert.match(signature.message, /"small".*1024 bits/);
});

test('b64:false with crit ["b64"] is an understood extension and verifies', async () => {
  const header = { alg: 'RS256', kid: 'rsa-1', b64: false, crit: ['b64'] };
  const payload = '{"sub":"alice"}';
  const input = `${b64(header)}.${payload}`;
  const token = `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
  const jws = decodeJwt(token) as DecodedJws;
  const { checks } = await verifySignature(jws, 'RS256', set(rsa.jwk));
  assert.equal(row(checks, 'signature').status, 'pass', row(checks, 'signature').message);
});

test('describeKey names type, size and alg', () => {
  assert.equal(describeKey({ ...rsa.jwk, alg: 'RS256' }), 'RSA 2048 bits RS256');
});
