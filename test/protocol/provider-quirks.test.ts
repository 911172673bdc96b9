// The provider quirks table: each quirk matches its symptom (a row or an event), nothing else, and
// becomes one sentence naming the provider, the clause and the workaround.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fail, pass, skip, warn, type Check } from '../../src/protocol/checks.js';
import {
  findQuirk,
  hintForEvent,
  isWorkloadIdentityMetadata,
  PROVIDER_QUIRKS,
  quirkHint,
  withQuirkHints,
  type QuirkContext,
} from '../../src/protocol/provider-quirks.js';
import { checkExtraParameters } from '../../src/protocol/front-channel-checks.js';
import { refreshWithoutIdToken } from '../../src/protocol/refresh-checks.js';
import { checkExpiresIn } from '../../src/protocol/token-response.js';

const quirkOf = (check: Check, context: QuirkContext = {}) => findQuirk({ check }, context)?.id;

test('every quirk names the provider, its behaviour, the clause it departs from and a workaround', () => {
  const ids = new Set<string>();
  for (const q of PROVIDER_QUIRKS) {
    assert.ok(!ids.has(q.id), `duplicate ${q.id}`);
    ids.add(q.id);
    for (const field of [q.provider, q.behaviour, q.departsFrom, q.workaround]) assert.ok(field.length > 5, q.id);
    const hint = quirkHint(q);
    assert.ok(hint.startsWith(q.provider) && hint.includes(`(${q.departsFrom})`) && hint.endsWith(q.workaround));
  }
});

test('an Entra template issuer in discovery is explained, with --issuer-template as the way out', () => {
  const row = fail('discovery.issuer', 'issuer mismatch', {
    expected: 'https://login.microsoftonline.com/common/v2.0',
    actual: 'https://login.microsoftonline.com/{tenantid}/v2.0',
  });
  assert.equal(quirkOf(row), 'entra-issuer-template');
  assert.match(withQuirkHints([row])[0]!.hint!, /Entra.*--issuer-template/);
  // The same row for an ordinary mismatch is not a quirk.
  assert.equal(quirkOf({ ...row, actual: 'https://other.example' }), undefined);
});

test('an Entra v1.0 issuer in an ID token is explained', () => {
  const row = fail('iss', 'not the issuer', {
    expected: 'https://login.microsoftonline.com/t/v2.0',
    actual: 'https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/',
  });
  assert.equal(quirkOf(row), 'entra-v1-issuer');
});

test('expires_in as a numeric string is a warning the Entra v1 / AD FS quirk explains; a number passes', () => {
  const row = checkExpiresIn({ expires_in: '3599' });
  assert.equal(row.status, 'warn');
  assert.equal(quirkOf(row), 'expires-in-string');
  assert.equal(checkExpiresIn({ expires_in: 3599 }).status, 'pass');
  assert.equal(checkExpiresIn({}).status, 'skip');
  const junk = checkExpiresIn({ expires_in: 'soon' });
  assert.equal(junk.status, 'warn');
  assert.equal(quirkOf(junk), undefined);
});

test("Google's issuer without the scheme is explained only when the scheme is all that differs", () => {
  const row = fail('iss', 'x', { expected: 'https://accounts.google.com', actual: 'accounts.google.com' });
  assert.equal(quirkOf(row), 'google-issuer-without-scheme');
  assert.equal(quirkOf({ ...row, actual: 'evil.example' }), undefined);
  assert.equal(quirkOf({ ...row, status: 'pass' }), undefined);
});

test('Cognito: a redirect_mismatch error page for a loopback IP literal, and a timeout at a Cognito issuer', () => {
  const literal = { redirectUri: 'http://127.0.0.1:8765/callback' };
  assert.match(
    hintForEvent('provider_error_page', { ...literal, error: 'redirect_mismatch' }) ?? '',
    /Cognito.*--redirect-uri http:\/\/localhost/,
  );
  assert.equal(
    hintForEvent('provider_error_page', { redirectUri: 'http://localhost:8765/cb', error: 'redirect_mismatch' }),
    undefined,
  );
  const cognito = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf';
  assert.ok(hintForEvent('callback_timeout', { ...literal, issuer: cognito }));
  assert.ok(hintForEvent('authorization_request', { ...literal, issuer: cognito }));
  // A timeout elsewhere has too many causes to blame Cognito.
  assert.equal(hintForEvent('callback_timeout', { ...literal, issuer: 'https://op.example' }), undefined);
  assert.equal(
    hintForEvent('authorization_request', { redirectUri: 'http://localhost:1/cb', issuer: cognito }),
    undefined,
  );
});

test("Apple's user field: a parameter nobody defines, holding unsigned JSON, is a warning with Apple's hint", () => {
  const row = checkExtraParameters({ code: 'c', state: 's', user: '{"name":{"firstName":"A"}}' });
  assert.equal(row?.status, 'warn');
  assert.deepEqual(row?.actual, ['user']);
  assert.equal(quirkOf(row!), 'apple-form-post-user');
  assert.equal(checkExtraParameters({ code: 'c', state: 's', iss: 'i', session_state: 'x' }), undefined);
  const plain = checkExtraParameters({ code: 'c', authuser: '0' });
  assert.equal(plain?.status, 'pass');
  assert.equal(quirkOf(plain!), undefined);
});

test('GitHub-style answers: an error with HTTP 200, and a token response without id_token', () => {
  assert.match(hintForEvent('token_error_http_200') ?? '', /HTTP 200.*RFC 6749 §5\.2/);
  const row = {
    ...fail('format', 'the token endpoint returned no id_token (Core 3.1.3.3 requires one)'),
    source: 'token_endpoint',
  };
  assert.equal(quirkOf(row), 'oauth-only-no-id-token');
});

test('a hybrid response in the query is explained only when response_mode was not sent', () => {
  const row = fail('response_mode', 'x', { expected: 'fragment', actual: 'query' });
  assert.equal(quirkOf(row, { responseModeSent: false }), 'hybrid-in-query-unless-asked');
  assert.equal(quirkOf(row, { responseModeSent: true }), undefined);
});

test('no ID token on refresh is a skip (Core 12.2), explained', () => {
  const row = refreshWithoutIdToken();
  assert.equal(row.status, 'skip');
  assert.equal(quirkOf(row), 'no-id-token-on-refresh');
  assert.equal(quirkOf(skip('refresh_id_token', 'no earlier ID token to compare the refreshed one with')), undefined);
});

test('auth_time 0 is explained on its warning or failure, not on a pass', () => {
  assert.equal(quirkOf(warn('auth_time', 'x', { actual: 0 })), 'auth-time-zero');
  assert.equal(quirkOf(pass('auth_time', 'x', { actual: 0 })), undefined);
});

test('a workload-identity issuer is recognised by its shape, and a normal provider is not', () => {
  const workload = {
    issuer: 'https://token.actions.githubusercontent.com',
    jwks_uri: 'https://token.actions.githubusercontent.com/.well-known/jwks',
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
  assert.equal(isWorkloadIdentityMetadata(workload), true);
  assert.equal(isWorkloadIdentityMetadata({ ...workload, authorization_endpoint: 'https://x/authorize' }), false);
  assert.equal(isWorkloadIdentityMetadata({ ...workload, response_types_supported: ['code'] }), false);
  assert.match(hintForEvent('endpoint_not_advertised', { metadata: workload }) ?? '', /oidc-probe verify/);
  assert.equal(hintForEvent('endpoint_not_advertised', { metadata: { ...workload, jwks_uri: undefined } }), undefined);
});

test('a redirecting well-known URL is explained with discover --follow-redirect', () => {
  assert.match(hintForEvent('discovery_redirect') ?? '', /--follow-redirect/);
});

test("withQuirkHints keeps a row's own hint and leaves unexplained rows alone", () => {
  const own = { ...warn('auth_time', 'x', { actual: 0 }), hint: 'mine' };
  const plain = fail('nonce', 'x');
  const [a, b] = withQuirkHints([own, plain]);
  assert.equal(a!.hint, 'mine');
  assert.equal(b!.hint, undefined);
  assert.equal('hint' in b!, false);
});
