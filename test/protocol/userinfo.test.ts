import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { checkUserinfoSub, validateUserinfo, type UserinfoAnswer } from '../../src/protocol/userinfo.js';
import type { KeySource } from '../../src/protocol/jws-signature.js';
import { makeKey, type TestKey } from '../helpers/tokens.js';

let rsa: TestKey;
let keys: KeySource;
before(async () => {
  rsa = await makeKey('RS256', 'rsa-1');
  keys = { kind: 'jwks', jwks: { keys: [rsa.publicJwk] }, origin: 'test', remote: false };
});

const ISSUER = 'https://op.test';
const signed = async (claims: Record<string, unknown>): Promise<UserinfoAnswer> => ({
  format: 'jwt',
  claims,
  jwt: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey),
});
const rules = { expectedSub: 'alice', issuer: ISSUER, clientId: 'client-1' };
const row = (checks: { id: string; status: string; message: string }[], id: string) => {
  const r = checks.find((c) => c.id === id);
  assert.ok(r, `no ${id} row`);
  return r;
};

test('a sub equal to the ID token sub passes userinfo_sub', () => {
  assert.equal(checkUserinfoSub({ sub: 'alice' }, 'alice').status, 'pass');
});

test('a sub different from the ID token sub fails: the answer must not be used (Core 5.3.2)', () => {
  const r = checkUserinfoSub({ sub: 'mallory' }, 'alice');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /must not be used/);
});

test('an answer without sub fails', () => {
  assert.equal(checkUserinfoSub({ name: 'Alice' }, 'alice').status, 'fail');
});

test('with no ID token sub to compare, userinfo_sub is skipped', () => {
  assert.equal(checkUserinfoSub({ sub: 'alice' }, undefined).status, 'skip');
});

test('a JSON answer yields only the userinfo_sub row', async () => {
  const { checks } = await validateUserinfo({ format: 'json', claims: { sub: 'alice' } }, rules);
  assert.deepEqual(
    checks.map((c) => c.id),
    ['userinfo_sub'],
  );
});

test('a signed answer is verified: signature, iss and aud rows besides userinfo_sub', async () => {
  const answer = await signed({ sub: 'alice', iss: ISSUER, aud: 'client-1' });
  const { checks } = await validateUserinfo(answer, { ...rules, keys });
  assert.deepEqual(
    checks.map((c) => `${c.id}:${c.status}`),
    ['format:pass', 'alg:pass', 'kid:pass', 'signature:pass', 'iss:pass', 'aud:pass', 'userinfo_sub:pass'],
  );
});

test('a signed answer with an altered payload fails the signature row', async () => {
  const answer = await signed({ sub: 'alice', iss: ISSUER, aud: 'client-1' });
  const [h, , s] = answer.jwt!.split('.');
  const claims = Buffer.from(JSON.stringify({ sub: 'alice', iss: ISSUER, aud: 'x' })).toString('base64url');
  const forged = `${h}.${claims}.${s}`;
  const { checks } = await validateUserinfo({ ...answer, jwt: forged }, { ...rules, keys });
  assert.equal(row(checks, 'signature').status, 'fail');
});

test('a signed answer without iss and aud warns: Core 5.3.2 says SHOULD', async () => {
  const { checks } = await validateUserinfo(await signed({ sub: 'alice' }), { ...rules, keys });
  assert.equal(row(checks, 'iss').status, 'warn');
  assert.equal(row(checks, 'aud').status, 'warn');
  assert.match(row(checks, 'aud').message, /Core 5\.3\.2/);
});

test('a signed answer from another issuer fails iss', async () => {
  const answer = await signed({ sub: 'alice', iss: 'https://evil.test', aud: 'client-1' });
  assert.equal(row((await validateUserinfo(answer, { ...rules, keys })).checks, 'iss').status, 'fail');
});

test('a signed answer whose aud adds an untrusted audience fails under the strict audience rule', async () => {
  const answer = await signed({ sub: 'alice', iss: ISSUER, aud: ['client-1', 'api'] });
  const { checks } = await validateUserinfo(answer, { ...rules, keys, strictAudience: true });
  assert.equal(row(checks, 'aud').status, 'fail');
});
