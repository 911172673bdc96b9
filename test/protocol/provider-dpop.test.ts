// The provider's DPoP proof rules alone (RFC 9449 §4.3): header, claims, ath and the thumbprint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTokenHash, generateDpopKey, jwkThumbprint } from '../../src/protocol/dpop.js';
import { checkDpopProofClaims, checkDpopProofHeader, singleProof } from '../../src/protocol/provider-dpop.js';

const NOW = 1_700_000_000;
const HTU = 'http://127.0.0.1:9000/token';

test('one DPoP header holding one JWT; two (joined by Node with a comma) are refused', () => {
  assert.equal(singleProof(undefined), undefined);
  assert.equal(singleProof('a.b.c'), 'a.b.c');
  assert.ok(typeof singleProof('a.b.c, d.e.f') === 'object');
  assert.ok(typeof singleProof(['a.b.c', 'd.e.f']) === 'object');
});

test('the header: typ dpop+jwt, an asymmetric alg, a public key', async () => {
  const key = await generateDpopKey();
  const good = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk };
  assert.equal(checkDpopProofHeader(good).kind, 'ok');
  for (const [bad, says] of [
    [{ ...good, typ: 'JWT' }, /typ/],
    [{ ...good, alg: 'none' }, /alg "none"/],
    [{ ...good, alg: 'HS256' }, /alg "HS256"/],
    [{ ...good, jwk: undefined }, /no public key/],
    [{ ...good, jwk: key.privateJwk }, /private/],
    [{ ...good, jwk: { kty: 'oct', k: 'c2VjcmV0' } }, /private or symmetric/],
  ] as const) {
    const v = checkDpopProofHeader(bad as Record<string, unknown>);
    assert.equal(v.kind, 'invalid', JSON.stringify(bad));
    if (v.kind === 'invalid') assert.match(v.description, says);
  }
});

test('the claims: htm, htu (normalised, without query), iat window, ath; the thumbprint of the key', async () => {
  const key = await generateDpopKey();
  const claims = { jti: 'j-1', htm: 'POST', htu: HTU, iat: NOW };
  const exp = { htm: 'POST', htu: HTU, now: NOW };
  assert.deepEqual(checkDpopProofClaims(claims, key.publicJwk, exp), {
    kind: 'ok',
    jkt: jwkThumbprint(key.publicJwk),
    jti: 'j-1',
    iat: NOW,
  });
  assert.equal(
    checkDpopProofClaims({ ...claims, htu: 'HTTP://127.0.0.1:9000/token?x=1' }, key.publicJwk, exp).kind,
    'ok',
    'scheme case and the query do not matter',
  );
  for (const [change, says] of [
    [{ jti: undefined }, /jti/],
    [{ htm: 'GET' }, /htm/],
    [{ htu: 'http://127.0.0.1:9000/userinfo' }, /htu/],
    [{ htu: 'not a uri' }, /htu/],
    [{ iat: NOW - 301 }, /301 s ago/],
    [{ iat: NOW + 61 }, /in the future/],
    [{ iat: String(NOW) }, /no iat/],
  ] as const) {
    const v = checkDpopProofClaims({ ...claims, ...change }, key.publicJwk, exp);
    assert.equal(v.kind, 'invalid', JSON.stringify(change));
    if (v.kind === 'invalid') assert.match(v.description, says);
  }
  const withToken = { ...exp, htm: 'GET', accessToken: 'at-1' };
  const get = { ...claims, htm: 'GET' };
  assert.equal(checkDpopProofClaims({ ...get, ath: accessTokenHash('at-1') }, key.publicJwk, withToken).kind, 'ok');
  const noAth = checkDpopProofClaims(get, key.publicJwk, withToken);
  assert.ok(noAth.kind === 'invalid' && /no ath/.test(noAth.description));
  const otherAth = checkDpopProofClaims({ ...get, ath: accessTokenHash('at-2') }, key.publicJwk, withToken);
  assert.ok(otherAth.kind === 'invalid' && /not the hash/.test(otherAth.description));
});
