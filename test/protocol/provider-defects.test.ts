// The defect rules alone: what each does to the claims, the signing plan, the JWKS, the
// authorization response and the resilience faults, and which ones say they applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessTokenConfirmation,
  alter,
  applyClaimDefects,
  applyDiscoveryDefects,
  applyJarmDefects,
  applyResponseDefects,
  applyTokenResponseDefects,
  DEFECT_CATALOGUE,
  DEFECTS,
  type Defect,
  ENTRA_TENANT,
  OTHER_CERTIFICATE_THUMBPRINT,
  parseDefectNames,
  publishedKeys,
  refusedAsNotLocalhost,
  resilienceFaults,
  signingPlan,
} from '../../src/protocol/provider-defects.js';

const ISSUER = 'http://127.0.0.1:9000';
const CLAIMS = {
  iss: ISSUER,
  sub: 'alice',
  aud: 'app',
  iat: 1_700_000_000,
  exp: 1_700_000_600,
  auth_time: 1_700_000_000,
  nonce: 'n-1',
  at_hash: 'AAAAAAAAAAAAAAAAAAAAAA',
  c_hash: 'cccccccccccccccccccccc',
  s_hash: 'ssssssssssssssssssssss',
};
const front = { issuer: ISSUER, channel: 'authorization_endpoint' as const, hybrid: false };
const on = (...d: Defect[]) => new Set(d);

test('without defects the claims come back unchanged and nothing is applied', () => {
  assert.deepEqual(applyClaimDefects(CLAIMS, on(), front), { claims: CLAIMS, applied: [] });
});

test('each claim defect changes only its claim', () => {
  const cases: [Defect, Record<string, unknown>][] = [
    ['iss', { iss: `${ISSUER}/not-the-issuer` }],
    ['aud', { aud: 'someone-else' }],
    ['aud_untrusted', { aud: ['app', 'untrusted-api'], azp: 'app' }],
    ['iat_future', { iat: CLAIMS.iat + 3600 }],
    ['expired', { iat: CLAIMS.iat - 7200, exp: CLAIMS.iat - 3600 }],
    ['nonce', { nonce: 'not-the-nonce' }],
    ['at_hash', { at_hash: alter(CLAIMS.at_hash) }],
    ['c_hash', { c_hash: alter(CLAIMS.c_hash) }],
    ['s_hash', { s_hash: alter(CLAIMS.s_hash) }],
  ];
  for (const [d, change] of cases) {
    const r = applyClaimDefects(CLAIMS, on(d), front);
    assert.deepEqual(r.claims, { ...CLAIMS, ...change }, d);
    assert.deepEqual(r.applied, [d]);
  }
  for (const [d, claim] of [
    ['aud_missing', 'aud'],
    ['sub_missing', 'sub'],
    ['iat_missing', 'iat'],
    ['exp_missing', 'exp'],
    ['nonce_missing', 'nonce'],
    ['at_hash_missing', 'at_hash'],
    ['c_hash_missing', 'c_hash'],
  ] as const) {
    const r = applyClaimDefects(CLAIMS, on(d), front);
    const { [claim]: _gone, ...rest } = CLAIMS;
    assert.deepEqual(r.claims, rest, d);
    assert.deepEqual(r.applied, [d]);
  }
});

test('a changed hash is still a hash-shaped value, and a different one', () => {
  assert.notEqual(alter(CLAIMS.at_hash), CLAIMS.at_hash);
  assert.match(alter(CLAIMS.at_hash), /^[A-Za-z0-9_-]{22}$/);
});

test('a defect with nothing to change says it did not apply (no nonce sent, no hash present)', () => {
  const { nonce: _n, at_hash: _a, ...bare } = CLAIMS;
  const r = applyClaimDefects(bare, on('nonce', 'nonce_missing', 'at_hash', 'at_hash_missing'), front);
  assert.deepEqual(r.claims, bare);
  assert.deepEqual(r.applied, []);
});

test('hybrid_sub changes only the token endpoint ID token of a flow whose front channel had one', () => {
  const d = on('hybrid_sub');
  assert.equal(applyClaimDefects(CLAIMS, d, front).claims.sub, 'alice');
  assert.equal(applyClaimDefects(CLAIMS, d, { ...front, channel: 'token_endpoint' }).claims.sub, 'alice');
  const back = applyClaimDefects(CLAIMS, d, { issuer: ISSUER, channel: 'token_endpoint', hybrid: true });
  assert.equal(back.claims.sub, 'mallory');
  assert.deepEqual(back.applied, ['hybrid_sub']);
});

test('the signing plan: the configured key by default, each signature defect its own way', () => {
  const ctx = { alg: 'ES256' as const, clientHasSecret: true };
  assert.deepEqual(signingPlan(on(), ctx).plan, { kind: 'key', key: 'ES256', kid: true, broken: false });
  assert.deepEqual(signingPlan(on('alg_none'), ctx).plan, { kind: 'none' });
  assert.deepEqual(signingPlan(on('sig_rs256'), ctx).plan, { kind: 'key', key: 'RS256', kid: true, broken: true });
  assert.deepEqual(signingPlan(on('sig_es256'), ctx).plan, { kind: 'key', key: 'ES256', kid: true, broken: true });
  assert.deepEqual(signingPlan(on('sig_hs256'), ctx).plan, { kind: 'client_secret', broken: true });
  assert.deepEqual(signingPlan(on('hs256'), ctx).plan, { kind: 'client_secret', broken: false });
  assert.deepEqual(signingPlan(on('key_confusion'), ctx).plan, { kind: 'rsa_public_key_as_secret' });
  assert.deepEqual(signingPlan(on('kid_absent_multi'), ctx).plan, {
    kind: 'key',
    key: 'RS256',
    kid: false,
    broken: false,
  });
  assert.deepEqual(signingPlan(on('rotation'), ctx).plan, { kind: 'key', key: 'rotation', kid: true, broken: false });
});

test('HS256 defects cannot apply to a public client: the token is signed normally and the log says why', () => {
  const r = signingPlan(on('hs256'), { alg: 'RS256', clientHasSecret: false });
  assert.deepEqual(r.plan, { kind: 'key', key: 'RS256', kid: true, broken: false });
  assert.deepEqual(r.applied, []);
  assert.deepEqual(r.notApplicable, ['hs256']);
});

test('the JWKS: rotation publishes its key from the second fetch since the defects changed', () => {
  assert.deepEqual(publishedKeys(on(), 1).keys, ['current', 'previous']);
  assert.deepEqual(publishedKeys(on('rotation'), 1), { keys: ['current', 'previous'], applied: [] });
  assert.deepEqual(publishedKeys(on('rotation'), 2), {
    keys: ['current', 'previous', 'rotation'],
    applied: ['rotation'],
  });
  assert.deepEqual(publishedKeys(on('kid_absent_single'), 1).keys, ['current_rsa']);
  assert.deepEqual(publishedKeys(on('kid_absent_multi'), 1).keys, ['current', 'spare_rsa', 'previous']);
});

test('response defects: state, the RFC 9207 iss parameter, and the query channel', () => {
  const params = { code: 'c', state: 's', iss: ISSUER };
  assert.deepEqual(applyResponseDefects(params, 'fragment', on(), { issuer: ISSUER, responseModeSent: true }), {
    params,
    mode: 'fragment',
    applied: [],
  });
  const r = applyResponseDefects(params, 'form_post', on('state', 'iss_param', 'query_channel'), {
    issuer: ISSUER,
    responseModeSent: true,
  });
  assert.deepEqual(r.params, { code: 'c', state: 's-not-the-state', iss: `${ISSUER}/not-the-issuer` });
  assert.equal(r.mode, 'query');
  assert.deepEqual(r.applied, ['state', 'iss_param', 'query_channel']);
  // Already in the query: the query_channel defect changes nothing and says so.
  assert.deepEqual(
    applyResponseDefects(params, 'query', on('query_channel'), { issuer: ISSUER, responseModeSent: true }).applied,
    [],
  );
});

test('query_unless_asked: the query string only when the request left response_mode to the default', () => {
  const params = { id_token: 'x', state: 's' };
  const d = on('query_unless_asked');
  const defaulted = applyResponseDefects(params, 'fragment', d, { issuer: ISSUER, responseModeSent: false });
  assert.deepEqual([defaulted.mode, defaulted.applied], ['query', ['query_unless_asked']]);
  const asked = applyResponseDefects(params, 'fragment', d, { issuer: ISSUER, responseModeSent: true });
  assert.deepEqual([asked.mode, asked.applied], ['fragment', []]);
});

test("in a JARM response the iss parameter is the JWT's iss claim: iss_param leaves it to jarm_iss", () => {
  const params = { code: 'c', state: 's', iss: ISSUER };
  const r = applyResponseDefects(params, 'query', on('iss_param'), {
    issuer: ISSUER,
    responseModeSent: true,
    jarm: true,
  });
  assert.deepEqual(r, { params, mode: 'query', applied: [] });
});

test('JARM defects: each changes its claim of the response JWT, jarm_unsigned drops the signature', () => {
  const claims = { code: 'c', state: 's', iss: ISSUER, aud: 'app', iat: 1_700_000_000, exp: 1_700_000_600 };
  assert.deepEqual(applyJarmDefects(claims, on(), { issuer: ISSUER }), { claims, signed: true, applied: [] });
  const cases: [Defect, Record<string, unknown>][] = [
    ['jarm_iss', { iss: `${ISSUER}/not-the-issuer` }],
    ['jarm_aud', { aud: 'someone-else' }],
    ['jarm_expired', { iat: claims.iat - 4200, exp: claims.iat - 3600 }],
  ];
  for (const [d, change] of cases)
    assert.deepEqual(applyJarmDefects(claims, on(d), { issuer: ISSUER }), {
      claims: { ...claims, ...change },
      signed: true,
      applied: [d],
    });
  assert.deepEqual(applyJarmDefects(claims, on('jarm_unsigned'), { issuer: ISSUER }), {
    claims,
    signed: false,
    applied: ['jarm_unsigned'],
  });
});

test('access token binding: cnf.jkt of the proof key; dpop_cnf another key, cnf_x5t another certificate', () => {
  const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
  assert.deepEqual(accessTokenConfirmation(undefined, on()), { applied: [] }, 'no binding: an opaque token');
  assert.deepEqual(accessTokenConfirmation(jkt, on()), { cnf: { jkt }, applied: [] });
  const other = accessTokenConfirmation(jkt, on('dpop_cnf'));
  assert.notEqual(other.cnf?.jkt, jkt);
  assert.match(other.cnf?.jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(other.applied, ['dpop_cnf']);
  // dpop_cnf needs a DPoP-bound token to change.
  assert.deepEqual(accessTokenConfirmation(undefined, on('dpop_cnf')), { applied: [] });
  assert.deepEqual(accessTokenConfirmation(undefined, on('cnf_x5t')), {
    cnf: { 'x5t#S256': OTHER_CERTIFICATE_THUMBPRINT },
    applied: ['cnf_x5t'],
  });
  assert.match(OTHER_CERTIFICATE_THUMBPRINT, /^[A-Za-z0-9_-]{43}$/);
});

test('resilience faults hit only their endpoint; a 500 wins over malformed JSON', () => {
  const d = on('slow_token', 'http_500_jwks', 'malformed_json_jwks', 'malformed_json_userinfo');
  assert.deepEqual(resilienceFaults(d, 'token'), {
    slow: true,
    status500: false,
    malformed: false,
    applied: ['slow_token'],
  });
  const jwks = resilienceFaults(d, 'jwks');
  assert.equal(jwks.status500, true);
  assert.equal(jwks.malformed, false);
  assert.equal(resilienceFaults(d, 'userinfo').malformed, true);
  assert.deepEqual(resilienceFaults(d, 'authorize').applied, []);
});

test('defect names: known ones kept once in order, unknown ones returned for the message', () => {
  assert.deepEqual(parseDefectNames(['iss', 'bogus', 'iss', 'state', '']), {
    defects: ['iss', 'state'],
    unknown: ['bogus', ''],
  });
});

test('the catalogue describes every defect exactly once, each with a rule', () => {
  assert.deepEqual(DEFECT_CATALOGUE.map((d) => d.name).sort(), [...DEFECTS].sort());
  assert.equal(new Set(DEFECTS).size, DEFECTS.length);
  for (const d of DEFECT_CATALOGUE) assert.ok(d.rule && d.does, d.name);
});

test('the issuer forms of known providers: Entra puts the tenant in iss and tid; Google drops the scheme', () => {
  const v2 = applyClaimDefects(CLAIMS, on('issuer_template'), front);
  assert.equal(v2.claims.iss, `${ISSUER}/${ENTRA_TENANT}/v2.0`);
  assert.equal(v2.claims.tid, ENTRA_TENANT);
  assert.deepEqual(v2.applied, ['issuer_template']);
  const v1 = applyClaimDefects(CLAIMS, on('entra_v1'), front);
  assert.equal(v1.claims.iss, `https://sts.windows.net/${ENTRA_TENANT}/`);
  assert.equal(v1.claims.tid, ENTRA_TENANT);
  assert.equal(applyClaimDefects(CLAIMS, on('iss_no_scheme'), front).claims.iss, '127.0.0.1:9000');
  assert.equal(applyClaimDefects(CLAIMS, on('iss', 'iss_no_scheme'), front).claims.iss, `${ISSUER}/not-the-issuer`);
  const zero = applyClaimDefects(CLAIMS, on('auth_time_zero'), front);
  assert.equal(zero.claims.auth_time, 0);
  assert.deepEqual(zero.applied, ['auth_time_zero']);
});

test('issuer_template leaves out the RFC 9207 iss; apple_user adds user to a form_post answer only', () => {
  const params = { code: 'c', state: 's', iss: ISSUER };
  const ctx = { issuer: ISSUER, responseModeSent: true, user: { name: 'Alice Rogue', email: 'a@x.test' } };
  const entra = applyResponseDefects(params, 'query', on('issuer_template'), ctx);
  assert.equal(entra.params.iss, undefined);
  assert.deepEqual(entra.applied, ['issuer_template']);
  const apple = applyResponseDefects(params, 'form_post', on('apple_user'), ctx);
  assert.deepEqual(JSON.parse(apple.params.user!), {
    name: { firstName: 'Alice', lastName: 'Rogue' },
    email: 'a@x.test',
  });
  assert.deepEqual(applyResponseDefects(params, 'query', on('apple_user'), ctx).applied, []);
  assert.deepEqual(applyResponseDefects(params, 'form_post', on('apple_user'), { ...ctx, jarm: true }).applied, []);
});

test('discovery defects: the {tenantid} template; a workload-identity document with nothing to log in with', () => {
  const metadata = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
    authorization_response_iss_parameter_supported: true,
  };
  const entra = applyDiscoveryDefects(metadata, on('issuer_template'), { issuer: ISSUER });
  assert.equal(entra.metadata.issuer, `${ISSUER}/{tenantid}/v2.0`);
  assert.equal('authorization_response_iss_parameter_supported' in entra.metadata, false);
  const workload = applyDiscoveryDefects(metadata, on('workload_identity'), { issuer: ISSUER });
  assert.deepEqual(workload.metadata, {
    issuer: ISSUER,
    jwks_uri: `${ISSUER}/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
  assert.deepEqual(applyDiscoveryDefects(metadata, on(), { issuer: ISSUER }), { metadata, applied: [] });
});

test('token response defects: expires_in as a string; no ID token at all, or none on refresh only', () => {
  const body = { access_token: 'a', token_type: 'Bearer', expires_in: 600, id_token: 'x.y.z' };
  assert.equal(
    applyTokenResponseDefects(body, on('entra_v1'), { grantType: 'authorization_code' }).body.expires_in,
    '600',
  );
  assert.equal(
    'id_token' in applyTokenResponseDefects(body, on('no_id_token'), { grantType: 'authorization_code' }).body,
    false,
  );
  const code = applyTokenResponseDefects(body, on('no_id_token_refresh'), { grantType: 'authorization_code' });
  assert.deepEqual(code, { body, applied: [] });
  const refresh = applyTokenResponseDefects(body, on('no_id_token_refresh'), { grantType: 'refresh_token' });
  assert.equal('id_token' in refresh.body, false);
  assert.deepEqual(refresh.applied, ['no_id_token_refresh']);
});

test('localhost_only refuses http redirect URIs on any name but localhost', () => {
  const d = on('localhost_only');
  assert.equal(refusedAsNotLocalhost('http://127.0.0.1:8080/cb', d), true);
  assert.equal(refusedAsNotLocalhost('http://[::1]:8080/cb', d), true);
  assert.equal(refusedAsNotLocalhost('http://localhost:8080/cb', d), false);
  assert.equal(refusedAsNotLocalhost('https://app.example/cb', d), false);
  assert.equal(refusedAsNotLocalhost('http://127.0.0.1:8080/cb', on()), false);
});

test('each provider quirk names the provider it imitates', () => {
  const quirks = DEFECT_CATALOGUE.filter((d) => d.imitates);
  assert.equal(quirks.length, 11);
  assert.match(DEFECT_CATALOGUE.find((d) => d.name === 'localhost_only')!.imitates!, /Amazon Cognito/);
});
