import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  audienceList,
  checkAcr,
  checkAudience,
  checkAuthTime,
  checkAuthorizedParty,
  checkExpiry,
  checkIssuedAt,
  checkIssuer,
  checkNonce,
  checkNotBefore,
  checkSubject,
  checkTokenHash,
  type ClaimExpectations,
} from '../../src/protocol/claim-checks.js';
import { tokenHash } from '../../src/protocol/token-hashes.js';

const NOW = 1_800_000_000;
const rules = (extra: Partial<ClaimExpectations> = {}): ClaimExpectations => ({
  clockTolerance: 0,
  now: NOW,
  ...extra,
});

// iss (Core 3.1.3.7 item 2)

test('iss equal to the expected issuer passes', () => {
  assert.equal(checkIssuer({ iss: 'https://op' }, rules({ issuer: 'https://op' })).status, 'pass');
});

test('iss differing only by a trailing slash fails and says so', () => {
  const r = checkIssuer({ iss: 'https://op/' }, rules({ issuer: 'https://op' }));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /trailing slash/);
});

test('a missing iss fails when an issuer was expected', () => {
  const r = checkIssuer({}, rules({ issuer: 'https://op' }));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /no iss claim, but the issuer "https:\/\/op" was expected/);
});

test('a missing iss is skipped when nothing was expected and the type does not require it', () => {
  assert.equal(checkIssuer({}, rules()).status, 'skip');
});

test('a missing iss fails for an ID token even without an expected issuer (Core 2)', () => {
  assert.equal(checkIssuer({}, rules({ type: 'id_token' })).status, 'fail');
});

test('iss that is not a string fails', () => {
  assert.equal(checkIssuer({ iss: 42 }, rules()).status, 'fail');
});

// aud (Core 3.1.3.7 item 3)

test('audienceList reads a string, an array of strings, and nothing else', () => {
  assert.deepEqual(audienceList({ aud: 'a' }), ['a']);
  assert.deepEqual(audienceList({ aud: ['a', 'b'] }), ['a', 'b']);
  assert.equal(audienceList({ aud: ['a', 1] }), undefined);
});

test('aud equal to the expected audience passes', () => {
  assert.equal(checkAudience({ aud: 'client-1' }, rules({ audience: ['client-1'] })).status, 'pass');
});

test('a missing aud fails when an audience was expected', () => {
  const r = checkAudience({}, rules({ audience: ['client-1'] }));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /no aud claim, but the audience "client-1" was expected/);
});

test('a missing aud is skipped when nothing was expected', () => {
  assert.equal(checkAudience({}, rules()).status, 'skip');
});

test('aud without the expected audience fails', () => {
  assert.equal(checkAudience({ aud: ['api'] }, rules({ audience: ['client-1'] })).status, 'fail');
});

test('an additional untrusted audience is a warning that names it', () => {
  const r = checkAudience({ aud: ['client-1', 'api', 'other'] }, rules({ audience: ['client-1'], type: 'id_token' }));
  assert.equal(r.status, 'warn');
  assert.match(r.message, /"api", "other", audiences not trusted/);
  assert.match(r.message, /Core 3\.1\.3\.7 item 3/);
});

test('an additional untrusted audience fails under the strict audience rule', () => {
  const r = checkAudience({ aud: ['client-1', 'api'] }, rules({ audience: ['client-1'], strictAudience: true }));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /"api", an audience not trusted/);
});

test('an additional audience that is trusted passes, strict or not', () => {
  const exp = rules({ audience: ['client-1'], trustedAudiences: ['api'], strictAudience: true });
  assert.equal(checkAudience({ aud: ['client-1', 'api'] }, exp).status, 'pass');
});

test('only the audiences not trusted are named', () => {
  const r = checkAudience(
    { aud: ['client-1', 'api', 'other'] },
    rules({ audience: ['client-1'], trustedAudiences: ['api'] }),
  );
  assert.match(r.message, /but also "other", an audience not trusted/);
});

test('an access token naming other audiences passes: RFC 9068 allows several', () => {
  const r = checkAudience({ aud: ['rs-1', 'rs-2'] }, rules({ audience: ['rs-1'], type: 'access_token' }));
  assert.equal(r.status, 'pass');
});

test('an access token naming other audiences fails under the strict audience rule', () => {
  const exp = rules({ audience: ['rs-1'], type: 'access_token', strictAudience: true });
  assert.equal(checkAudience({ aud: ['rs-1', 'rs-2'] }, exp).status, 'fail');
});

// azp (Core 3.1.3.7 items 4-5)

test('several audiences without azp is a warning', () => {
  assert.equal(checkAuthorizedParty({ aud: ['a', 'b'] }, rules({ audience: ['a'] })).status, 'warn');
});

test('azp equal to the client_id passes', () => {
  assert.equal(checkAuthorizedParty({ aud: ['a', 'b'], azp: 'a' }, rules({ clientId: 'a' })).status, 'pass');
});

test('azp naming another client fails', () => {
  assert.equal(checkAuthorizedParty({ aud: 'a', azp: 'b' }, rules({ audience: ['a'] })).status, 'fail');
});

// exp (RFC 7519 §4.1.4)

test('exp one second ahead passes', () => {
  assert.equal(checkExpiry({ exp: NOW + 1 }, rules()).status, 'pass');
});

test('exp equal to now fails with no clock tolerance: expired on and after exp', () => {
  const r = checkExpiry({ exp: NOW }, rules());
  assert.equal(r.status, 'fail');
  assert.match(r.message, /RFC 7519 §4\.1\.4/);
});

test('exp equal to now is a warning within a clock tolerance', () => {
  assert.equal(checkExpiry({ exp: NOW }, rules({ clockTolerance: 60 })).status, 'warn');
});

test('exp exactly the clock tolerance ago fails', () => {
  assert.equal(checkExpiry({ exp: NOW - 60 }, rules({ clockTolerance: 60 })).status, 'fail');
});

test('exp just inside the clock tolerance is a warning', () => {
  assert.equal(checkExpiry({ exp: NOW - 59 }, rules({ clockTolerance: 60 })).status, 'warn');
});

test('an exp that is not a number fails', () => {
  assert.equal(checkExpiry({ exp: '2030-01-01' }, rules()).status, 'fail');
});

test('the expiry message words the duration: 90 minutes read "1 h 30 min"', () => {
  assert.match(checkExpiry({ exp: NOW + 5400 }, rules()).message, /expires in 1 h 30 min/);
});

// nbf (RFC 7519 §4.1.5), iat

test('nbf equal to now passes: not accepted only before nbf', () => {
  assert.equal(checkNotBefore({ nbf: NOW }, rules()).status, 'pass');
});

test('nbf one second ahead fails with no clock tolerance', () => {
  assert.equal(checkNotBefore({ nbf: NOW + 1 }, rules()).status, 'fail');
});

test('nbf ahead within the clock tolerance is a warning', () => {
  assert.equal(checkNotBefore({ nbf: NOW + 30 }, rules({ clockTolerance: 60 })).status, 'warn');
});

test('iat in the future beyond the tolerance fails', () => {
  assert.equal(checkIssuedAt({ iat: NOW + 120 }, rules({ clockTolerance: 60 })).status, 'fail');
});

test('a missing iat fails for an ID token', () => {
  assert.equal(checkIssuedAt({}, rules({ type: 'id_token' })).status, 'fail');
});

// sub (Core 2)

test('sub over 255 characters is a warning', () => {
  assert.equal(checkSubject({ sub: 'x'.repeat(256) }, rules()).status, 'warn');
});

test('an empty sub fails', () => {
  assert.equal(checkSubject({ sub: '' }, rules()).status, 'fail');
});

// nonce (Core 3.1.3.7 item 11)

test('a missing nonce fails when one was sent', () => {
  assert.equal(checkNonce({}, rules({ nonce: 'n-1' })).status, 'fail');
});

test('a different nonce fails', () => {
  assert.equal(checkNonce({ nonce: 'n-2' }, rules({ nonce: 'n-1' })).status, 'fail');
});

test('a logout token with a nonce fails (Back-Channel Logout §2.4)', () => {
  assert.equal(checkNonce({ nonce: 'n' }, rules({ type: 'logout_token' })).status, 'fail');
});

test('a required nonce with no value to compare fails', () => {
  assert.equal(checkNonce({ nonce: 'n' }, rules({ requireNonce: true })).status, 'fail');
});

// auth_time (Core 3.1.2.1), acr

test('a missing auth_time fails when max_age was requested', () => {
  assert.equal(checkAuthTime({}, rules({ maxAge: 600 })).status, 'fail');
});

test('auth_time older than max_age fails', () => {
  assert.equal(checkAuthTime({ auth_time: NOW - 601 }, rules({ maxAge: 600 })).status, 'fail');
});

test('auth_time within max_age passes', () => {
  assert.equal(checkAuthTime({ auth_time: NOW - 600 }, rules({ maxAge: 600 })).status, 'pass');
});

test('acr outside the requested values is a warning: acr_values is a voluntary request', () => {
  assert.equal(checkAcr({ acr: 'low' }, rules({ acrValues: ['high'] })).status, 'warn');
});

test('acr among the requested values passes', () => {
  assert.equal(checkAcr({ acr: 'high' }, rules({ acrValues: ['high'] })).status, 'pass');
});

// at_hash, c_hash, s_hash (Core 3.1.3.6, 3.3.2.11)

const hashInput = (value: string | undefined, required = false) => ({
  id: 'at_hash' as const,
  value,
  required,
  what: 'access token',
  option: '--access-token',
});

test('a matching at_hash passes', () => {
  const claims = { at_hash: tokenHash('RS256', undefined, 'at') };
  assert.equal(checkTokenHash(claims, 'RS256', undefined, hashInput('at')).status, 'pass');
});

test('an at_hash for another access token fails', () => {
  const claims = { at_hash: tokenHash('RS256', undefined, 'at') };
  assert.equal(checkTokenHash(claims, 'RS256', undefined, hashInput('other')).status, 'fail');
});

test('a missing at_hash fails only when required', () => {
  assert.equal(checkTokenHash({}, 'RS256', undefined, hashInput('at', true)).status, 'fail');
  assert.equal(checkTokenHash({}, 'RS256', undefined, hashInput('at', false)).status, 'skip');
});

test('an at_hash with no access token to compare is skipped', () => {
  assert.equal(checkTokenHash({ at_hash: 'x' }, 'RS256', undefined, hashInput(undefined)).status, 'skip');
});

// auth_time 0 (Core 2): the provider does not know when the user authenticated

test('auth_time 0 is a warning without max_age and a failure with it, both with the value', () => {
  const w = checkAuthTime({ auth_time: 0 }, rules());
  assert.equal(w.status, 'warn');
  assert.equal(w.actual, 0);
  assert.match(w.message, /1970/);
  const f = checkAuthTime({ auth_time: 0 }, rules({ maxAge: 300 }));
  assert.equal(f.status, 'fail');
  assert.equal(f.actual, 0);
});

// An issuer template (Entra {tenantid}), accepted on request

const TEMPLATE = 'https://login.example/{tenantid}/v2.0';

test("with an issuer template, iss must be the template filled with the token's tid", () => {
  const ok = checkIssuer({ iss: 'https://login.example/t1/v2.0', tid: 't1' }, rules({ issuerTemplate: TEMPLATE }));
  assert.equal(ok.status, 'pass');
  assert.equal(ok.expected, 'https://login.example/t1/v2.0');
});

test('with an issuer template, a token naming another tenant than its tid fails', () => {
  const r = checkIssuer({ iss: 'https://login.example/t2/v2.0', tid: 't1' }, rules({ issuerTemplate: TEMPLATE }));
  assert.equal(r.status, 'fail');
  assert.equal(r.expected, 'https://login.example/t1/v2.0');
});

test('with an issuer template, a token without tid (or a tid with a slash) fails', () => {
  assert.equal(
    checkIssuer({ iss: 'https://login.example/t1/v2.0' }, rules({ issuerTemplate: TEMPLATE })).status,
    'fail',
  );
  const slash = checkIssuer({ iss: 'https://login.example/a/b/v2.0', tid: 'a/b' }, rules({ issuerTemplate: TEMPLATE }));
  assert.equal(slash.status, 'fail');
});
