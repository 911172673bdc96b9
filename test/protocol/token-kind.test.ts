import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { decodeJwt, type DecodedJws } from '../../src/protocol/jwt.js';
import { BACKCHANNEL_LOGOUT_EVENT, classifyToken, normaliseTyp } from '../../src/protocol/token-kind.js';

const keys = generateKeyPair('ES256');
const now = Math.floor(Date.now() / 1000);
const idClaims = { iss: 'https://op.test', sub: 'alice', aud: 'client-1', exp: now + 3600, iat: now };
const atClaims = { ...idClaims, aud: 'https://api.test', client_id: 'client-1', scope: 'openid read', jti: 'at-1' };

/** Mint with jose, then read back the way decode does. */
async function classify(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const jwt = await new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', ...header })
    .sign((await keys).privateKey);
  const decoded = decodeJwt(jwt) as DecodedJws;
  return classifyToken(decoded.header, decoded.payload);
}

test('an ID token with a nonce is most likely an ID token, with the claims as evidence', async () => {
  const kind = await classify({ ...idClaims, nonce: 'n-1' });
  assert.equal(kind.id, 'id_token');
  assert.equal(kind.confidence, 'likely');
  assert.ok(kind.evidence.some((e) => /iss, sub, aud, exp, iat/.test(e)));
  assert.ok(kind.evidence.some((e) => /nonce/.test(e)));
  assert.deepEqual(kind.conflicts, []);
});

test('only the five required claims make an ID token possible, not likely', async () => {
  const kind = await classify(idClaims);
  assert.equal(kind.id, 'id_token');
  assert.equal(kind.confidence, 'possible');
});

test('typ at+jwt declares an RFC 9068 access token, in either spelling', async () => {
  for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT']) {
    const kind = await classify(atClaims, { typ });
    assert.equal(kind.id, 'access_token', typ);
    assert.equal(kind.confidence, 'declared');
    assert.ok(kind.evidence[0]!.includes(typ));
    assert.deepEqual(kind.conflicts, []);
  }
});

test('a declared access token missing RFC 9068 claims lists them as conflicts', async () => {
  const { jti: _jti, client_id: _c, ...rest } = atClaims;
  const kind = await classify(rest, { typ: 'at+jwt' });
  assert.equal(kind.id, 'access_token');
  assert.deepEqual(kind.conflicts, ['missing client_id, jti (required by RFC 9068 §2.2)']);
});

test('client_id and scope without typ read as a likely access token that lacks the at+jwt typ', async () => {
  const kind = await classify(atClaims, { typ: 'JWT' });
  assert.equal(kind.id, 'access_token');
  assert.equal(kind.confidence, 'likely');
  assert.ok(kind.conflicts.some((c) => /at\+jwt/.test(c)));
});

test('a token with client_id but also a nonce is not taken for an access token', async () => {
  const kind = await classify({ ...idClaims, nonce: 'n', client_id: 'client-1' });
  assert.equal(kind.id, 'id_token');
  assert.ok(kind.conflicts.some((c) => /client_id/.test(c)));
});

test('typ logout+jwt declares a logout token; a nonce in it is a conflict', async () => {
  const logout = {
    iss: 'https://op.test',
    aud: 'client-1',
    iat: now,
    jti: 'l-1',
    sid: 's-1',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  const ok = await classify(logout, { typ: 'logout+jwt' });
  assert.equal(ok.id, 'logout_token');
  assert.equal(ok.confidence, 'declared');
  assert.deepEqual(ok.conflicts, []);
  const bad = await classify({ ...logout, nonce: 'n' }, { typ: 'logout+jwt' });
  assert.ok(bad.conflicts.some((c) => /nonce/.test(c)));
});

test('the back-channel logout event without typ reads as a likely logout token', async () => {
  const kind = await classify({
    iss: 'https://op.test',
    aud: 'c',
    iat: now,
    jti: 'j',
    sub: 'alice',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  });
  assert.equal(kind.id, 'logout_token');
  assert.equal(kind.confidence, 'likely');
  assert.ok(kind.evidence.some((e) => e.includes(BACKCHANNEL_LOGOUT_EVENT)));
});

test('other events make a Security Event Token', async () => {
  const kind = await classify({
    iss: 'https://tx.test',
    iat: now,
    jti: 'j',
    events: { 'urn:example:event:account-disabled': {} },
  });
  assert.equal(kind.id, 'security_event_token');
  assert.ok(kind.evidence.some((e) => e.includes('urn:example:event:account-disabled')));
  const declared = await classify({ iss: 'https://tx.test', events: {} }, { typ: 'secevent+jwt' });
  assert.equal(declared.id, 'security_event_token');
  assert.equal(declared.confidence, 'declared');
});

test('typ dpop+jwt declares a DPoP proof', async () => {
  const kind = await classify({ htm: 'POST', htu: 'https://as.test/token', iat: now, jti: 'd-1' }, { typ: 'dpop+jwt' });
  assert.equal(kind.id, 'dpop_proof');
  assert.deepEqual(kind.conflicts, []);
});

test('claims that fit nothing make a JWT of no recognised kind', async () => {
  const kind = await classify({ foo: 'bar' });
  assert.equal(kind.id, 'jwt');
  assert.equal(kind.confidence, 'unknown');
  assert.ok(kind.evidence.includes('no typ header'));
});

test('without readable claims only the typ header can tell', () => {
  assert.equal(classifyToken({ alg: 'RSA-OAEP', enc: 'A256GCM' }, undefined).confidence, 'unknown');
  assert.equal(classifyToken({ alg: 'RSA-OAEP', enc: 'A256GCM', typ: 'at+jwt' }, undefined).id, 'access_token');
});

test('a JWE with cty JWT says the kind is that of the inner token', () => {
  const kind = classifyToken({ alg: 'RSA-OAEP', enc: 'A256GCM', cty: 'JWT' }, undefined);
  assert.equal(kind.id, 'jwt');
  assert.ok(kind.evidence.some((e) => /nested JWT/.test(e)));
});

test('normaliseTyp drops application/ and case', () => {
  assert.equal(normaliseTyp('application/AT+JWT'), 'at+jwt');
  assert.equal(normaliseTyp(42), undefined);
});
