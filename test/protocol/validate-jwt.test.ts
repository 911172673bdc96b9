import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { validateJwt, type KeySource } from '../../src/protocol/validate-jwt.js';
import { tokenHash } from '../../src/protocol/token-hashes.js';
import { makeKey, mintIdToken, nowSeconds, unsecuredToken, type TestKey } from '../helpers/tokens.js';

let rsa: TestKey;
let ec: TestKey;
let ed: TestKey;
let jwks: KeySource;
const idTokenRules = { issuer: 'https://op.test', audience: ['client-1'], nonce: 'nonce-1', type: 'id_token' as const };

before(async () => {
  rsa = await makeKey('RS256', 'rsa-1');
  ec = await makeKey('ES256', 'ec-1');
  ed = await makeKey('EdDSA', 'ed-1');
  jwks = { kind: 'jwks', jwks: { keys: [rsa.publicJwk, ec.publicJwk, ed.publicJwk] }, origin: 'test', remote: false };
});

const statusOf = (checks: { id: string; status: string }[], id: string) => checks.find((c) => c.id === id)?.status;

test('a well-formed ID token passes every check that runs', async () => {
  const v = await validateJwt(await mintIdToken(rsa), jwks, idTokenRules);
  assert.equal(v.valid, true, JSON.stringify(v.checks.filter((c) => c.status === 'fail')));
  for (const id of ['format', 'alg', 'kid', 'signature', 'typ', 'iss', 'aud', 'exp', 'iat', 'sub', 'nonce'])
    assert.equal(statusOf(v.checks, id), 'pass', id);
});

test('every check id appears exactly once', async () => {
  const v = await validateJwt(await mintIdToken(rsa), jwks, idTokenRules);
  const ids = v.checks.map((c) => c.id);
  assert.deepEqual(
    [...ids].sort(),
    [
      'acr',
      'alg',
      'at_hash',
      'auth_time',
      'aud',
      'azp',
      'c_hash',
      'exp',
      'format',
      'iat',
      'iss',
      'kid',
      'nbf',
      'nonce',
      's_hash',
      'signature',
      'sub',
      'typ',
    ].sort(),
  );
});

const claimFailures: Array<[string, Record<string, unknown>, string]> = [
  ['rejects an ID token from another issuer', { iss: 'https://evil.test' }, 'iss'],
  ['rejects an issuer that differs only by a trailing slash', { iss: 'https://op.test/' }, 'iss'],
  ['rejects an ID token for another audience', { aud: 'client-2' }, 'aud'],
  ['rejects an ID token without aud', { aud: undefined }, 'aud'],
  ['rejects an ID token without sub', { sub: undefined }, 'sub'],
  ['rejects an ID token without iat', { iat: undefined }, 'iat'],
  ['rejects an ID token without exp', { exp: undefined }, 'exp'],
  ['rejects an ID token that expired beyond the clock tolerance', { exp: nowSeconds() - 3600 }, 'exp'],
  ['rejects an ID token issued in the future', { iat: nowSeconds() + 3600 }, 'iat'],
  ['rejects an ID token that is not yet valid (nbf)', { nbf: nowSeconds() + 3600 }, 'nbf'],
  ['rejects a nonce that does not match', { nonce: 'other' }, 'nonce'],
  ['rejects a missing nonce when one was sent', { nonce: undefined }, 'nonce'],
  ['rejects an azp that is not the client', { azp: 'client-2', aud: ['client-1', 'client-2'] }, 'azp'],
  ['rejects a non-numeric exp', { exp: 'tomorrow' }, 'exp'],
];
for (const [name, claims, id] of claimFailures) {
  test(name, async () => {
    const v = await validateJwt(await mintIdToken(rsa, { claims }), jwks, idTokenRules);
    assert.equal(statusOf(v.checks, id), 'fail', JSON.stringify(v.checks.find((c) => c.id === id)));
    assert.equal(v.valid, false);
    assert.equal(
      v.payload.sub,
      claims.sub === undefined && 'sub' in claims ? undefined : 'alice',
      'the decoded claims are still returned',
    );
  });
}

test('an expiry within the clock tolerance is a warning, not a failure', async () => {
  const v = await validateJwt(await mintIdToken(rsa, { claims: { exp: nowSeconds() - 30 } }), jwks, {
    ...idTokenRules,
    clockTolerance: 60,
  });
  assert.equal(statusOf(v.checks, 'exp'), 'warn');
  assert.equal(v.valid, true);
});

test('the same expiry fails with a smaller clock tolerance', async () => {
  const v = await validateJwt(await mintIdToken(rsa, { claims: { exp: nowSeconds() - 30 } }), jwks, {
    ...idTokenRules,
    clockTolerance: 5,
  });
  assert.equal(statusOf(v.checks, 'exp'), 'fail');
});

test('several audiences without azp is a warning (Core 3.1.3.7)', async () => {
  const v = await validateJwt(await mintIdToken(rsa, { claims: { aud: ['client-1', 'api'] } }), jwks, idTokenRules);
  assert.equal(statusOf(v.checks, 'azp'), 'warn');
});

test('a tampered payload fails the signature check', async () => {
  const token = await mintIdToken(rsa);
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  claims.sub = 'mallory';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  const v = await validateJwt(forged, jwks, idTokenRules);
  assert.equal(statusOf(v.checks, 'signature'), 'fail');
  assert.equal(v.payload.sub, 'mallory');
});

test('an ES256 token signed with another key fails the signature check', async () => {
  const other = await makeKey('ES256', 'ec-1');
  const v = await validateJwt(await mintIdToken(other), jwks, idTokenRules);
  assert.equal(statusOf(v.checks, 'signature'), 'fail');
});

test('an EdDSA (Ed25519) token verifies', async () => {
  const v = await validateJwt(await mintIdToken(ed), jwks, idTokenRules);
  assert.equal(statusOf(v.checks, 'signature'), 'pass');
});

test('alg none always fails, whatever the allow-list', async () => {
  const v = await validateJwt(unsecuredToken({ iss: 'https://op.test', sub: 'alice' }), jwks, {
    algorithms: ['none', 'RS256'],
  });
  assert.equal(statusOf(v.checks, 'alg'), 'fail');
  assert.notEqual(statusOf(v.checks, 'signature'), 'pass');
  assert.equal(v.valid, false);
});

test('an alg outside the allow-list fails', async () => {
  const v = await validateJwt(await mintIdToken(rsa), jwks, { ...idTokenRules, algorithms: ['ES256'] });
  assert.equal(statusOf(v.checks, 'alg'), 'fail');
});

test('key confusion: an HS256 token whose secret is the RSA public key is refused against a public key', async () => {
  const pem = JSON.stringify(rsa.publicJwk);
  const forged = await new SignJWT({ sub: 'mallory' })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(pem));
  const v = await validateJwt(forged, { kind: 'key', jwk: rsa.publicJwk, origin: 'test' }, {});
  assert.equal(statusOf(v.checks, 'alg'), 'fail');
  assert.match(v.checks.find((c) => c.id === 'alg')!.message, /key-confusion/);
});

test('key confusion: an HS256 token is refused against a remote JWKS', async () => {
  const forged = await new SignJWT({ sub: 'mallory' })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('secret'));
  const v = await validateJwt(forged, { ...jwks, remote: true } as KeySource, {});
  assert.equal(statusOf(v.checks, 'alg'), 'fail');
});

test('an HS256 token verifies with the right secret and fails with another', async () => {
  const token = await new SignJWT({ sub: 'a' })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('s3cret-s3cret-s3cret-s3cret-s3cret'));
  const good = await validateJwt(
    token,
    { kind: 'secret', secret: new TextEncoder().encode('s3cret-s3cret-s3cret-s3cret-s3cret'), origin: 'test' },
    {},
  );
  const bad = await validateJwt(
    token,
    { kind: 'secret', secret: new TextEncoder().encode('other-other-other-other-other-oth'), origin: 'test' },
    {},
  );
  assert.equal(statusOf(good.checks, 'signature'), 'pass');
  assert.equal(statusOf(bad.checks, 'signature'), 'fail');
});

test('an RS256 token against a shared secret fails the alg check', async () => {
  const v = await validateJwt(
    await mintIdToken(rsa),
    { kind: 'secret', secret: new Uint8Array(32), origin: 'test' },
    {},
  );
  assert.equal(statusOf(v.checks, 'alg'), 'fail');
});

test('an unknown kid fails when the JWKS cannot be fetched again', async () => {
  const v = await validateJwt(await mintIdToken(rsa, { header: { kid: 'nope' } }), jwks, idTokenRules);
  assert.equal(statusOf(v.checks, 'kid'), 'fail');
  assert.equal(statusOf(v.checks, 'signature'), 'skip');
});

test('an unknown kid on a remote JWKS triggers one refetch, and the rotated key verifies', async () => {
  const rotated = await makeKey('RS256', 'rsa-2');
  let refetches = 0;
  const remote: KeySource = {
    kind: 'jwks',
    jwks: { keys: [rsa.publicJwk] },
    origin: 'remote',
    remote: true,
    refetch: async () => {
      refetches++;
      return { keys: [rsa.publicJwk, rotated.publicJwk] };
    },
  };
  const v = await validateJwt(await mintIdToken(rotated), remote, idTokenRules);
  assert.equal(refetches, 1);
  assert.equal(statusOf(v.checks, 'kid'), 'pass');
  assert.match(v.checks.find((c) => c.id === 'kid')!.message, /rotation/);
  assert.equal(statusOf(v.checks, 'signature'), 'pass');
});

test('no kid and exactly one matching key: the key is used', async () => {
  const single: KeySource = { kind: 'jwks', jwks: { keys: [rsa.publicJwk] }, origin: 'test', remote: false };
  const token = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
  const v = await validateJwt(token, single, {});
  assert.equal(statusOf(v.checks, 'kid'), 'pass');
  assert.equal(statusOf(v.checks, 'signature'), 'pass');
});

test('no kid and several matching keys: each is tried, with a warning', async () => {
  const second = await makeKey('RS256', 'rsa-x');
  const several: KeySource = {
    kind: 'jwks',
    jwks: { keys: [second.publicJwk, rsa.publicJwk] },
    origin: 'test',
    remote: false,
  };
  const token = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
  const v = await validateJwt(token, several, {});
  assert.equal(statusOf(v.checks, 'kid'), 'warn');
  assert.equal(statusOf(v.checks, 'signature'), 'pass');
});

test('at_hash is checked against the access token', async () => {
  const at = 'access-token-value';
  const token = await mintIdToken(rsa, { claims: { at_hash: tokenHash('RS256', undefined, at) } });
  assert.equal(
    statusOf((await validateJwt(token, jwks, { ...idTokenRules, accessToken: at })).checks, 'at_hash'),
    'pass',
  );
  assert.equal(
    statusOf((await validateJwt(token, jwks, { ...idTokenRules, accessToken: 'another' })).checks, 'at_hash'),
    'fail',
  );
});

test('a missing c_hash fails when it is required', async () => {
  const v = await validateJwt(await mintIdToken(rsa), jwks, { ...idTokenRules, code: 'the-code', requireCHash: true });
  assert.equal(statusOf(v.checks, 'c_hash'), 'fail');
});

test('a wrong s_hash fails', async () => {
  const token = await mintIdToken(rsa, { claims: { s_hash: tokenHash('RS256', undefined, 'state-a') } });
  assert.equal(
    statusOf((await validateJwt(token, jwks, { ...idTokenRules, state: 'state-b' })).checks, 's_hash'),
    'fail',
  );
});

test('at_hash with ES384 is the left 24 bytes of SHA-384', async () => {
  const k = await makeKey('ES384', 'ec384');
  const at = 'tok';
  const token = await mintIdToken(k, { claims: { at_hash: tokenHash('ES384', undefined, at) } });
  const v = await validateJwt(token, { kind: 'key', jwk: k.publicJwk, origin: 't' }, { accessToken: at });
  assert.equal(statusOf(v.checks, 'at_hash'), 'pass');
});

test('auth_time older than max_age fails; missing auth_time with max_age fails', async () => {
  const old = await mintIdToken(rsa, { claims: { auth_time: nowSeconds() - 7200 } });
  assert.equal(statusOf((await validateJwt(old, jwks, { ...idTokenRules, maxAge: 600 })).checks, 'auth_time'), 'fail');
  assert.equal(
    statusOf((await validateJwt(await mintIdToken(rsa), jwks, { ...idTokenRules, maxAge: 600 })).checks, 'auth_time'),
    'fail',
  );
});

test(
  'an access token typed at+jwt is refused as an ID token; an ID token is refused as an RFC 9068 ' + 'access token',
  async () => {
    const at = await mintIdToken(rsa, { header: { typ: 'at+jwt' } });
    assert.equal(statusOf((await validateJwt(at, jwks, idTokenRules)).checks, 'typ'), 'fail');
    assert.equal(
      statusOf((await validateJwt(await mintIdToken(rsa), jwks, { type: 'access_token' })).checks, 'typ'),
      'fail',
    );
    assert.equal(statusOf((await validateJwt(at, jwks, { type: 'access_token' })).checks, 'typ'), 'pass');
  },
);

test('a JWS whose payload is not JSON still has its signature checked', async () => {
  const { CompactSign } = await import('jose');
  const token = await new CompactSign(new TextEncoder().encode('plain text'))
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
    .sign(rsa.privateKey);
  const { parseJws, validateJws } = await import('../../src/protocol/validate-jwt.js');
  const checks = await validateJws(parseJws(token, { allowNonJsonPayload: true }), jwks, {});
  assert.equal(statusOf(checks, 'format'), 'warn');
  assert.equal(statusOf(checks, 'signature'), 'pass');
});

test('an expected issuer and audience on a token that has neither fail, whatever the type', async () => {
  const token = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey);
  const v = await validateJwt(token, jwks, { issuer: 'https://op.test', audience: ['client-1'] });
  assert.equal(statusOf(v.checks, 'iss'), 'fail');
  assert.equal(statusOf(v.checks, 'aud'), 'fail');
  assert.equal(v.valid, false);
});

test('an ID token for the client and an untrusted audience is valid with a warning naming it', async () => {
  const v = await validateJwt(await mintIdToken(rsa, { claims: { aud: ['client-1', 'api'], azp: 'client-1' } }), jwks, {
    ...idTokenRules,
  });
  assert.equal(statusOf(v.checks, 'aud'), 'warn');
  assert.match(v.checks.find((c) => c.id === 'aud')!.message, /"api"/);
  assert.equal(v.valid, true);
});

test('an ID token with an untrusted audience is invalid under the strict audience rule', async () => {
  const token = await mintIdToken(rsa, { claims: { aud: ['client-1', 'api'], azp: 'client-1' } });
  assert.equal((await validateJwt(token, jwks, { ...idTokenRules, strictAudience: true })).valid, false);
  const trusted = await validateJwt(token, jwks, { ...idTokenRules, strictAudience: true, trustedAudiences: ['api'] });
  assert.equal(statusOf(trusted.checks, 'aud'), 'pass');
});

test('an ID token whose exp is this very second fails with no clock tolerance', async () => {
  const now = nowSeconds();
  const v = await validateJwt(await mintIdToken(rsa, { claims: { exp: now } }), jwks, {
    ...idTokenRules,
    clockTolerance: 0,
    now,
  });
  assert.equal(statusOf(v.checks, 'exp'), 'fail');
});

test('a JWS with b64:false and a JSON payload is checked as claims (RFC 7797)', async () => {
  const { createPrivateKey, sign } = await import('node:crypto');
  const { exportJWK } = await import('jose');
  const header = { alg: 'RS256', kid: 'rsa-1', b64: false, crit: ['b64'] };
  // A compact b64:false payload cannot contain "." (RFC 7797 §5.2): values without dots.
  const payload = JSON.stringify({ iss: 'op-test', sub: 'alice', aud: 'client-1', exp: nowSeconds() + 600 });
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}`;
  const key = createPrivateKey({ key: (await exportJWK(rsa.privateKey)) as never, format: 'jwk' });
  const token = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
  const v = await validateJwt(token, jwks, { issuer: 'op-test', audience: ['client-1'] });
  assert.equal(v.payload.sub, 'alice');
  for (const id of ['format', 'signature', 'iss', 'aud', 'exp']) assert.equal(statusOf(v.checks, id), 'pass', id);
});
