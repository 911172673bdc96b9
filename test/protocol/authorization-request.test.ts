import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAuthorizationUrl,
  checkIssParameter,
  checkState,
  pkceChallenge,
  randomValue,
  strayErrorResponse,
} from '../../src/protocol/authorization-request.js';
import { parseResponseType } from '../../src/protocol/response-type.js';

test('PKCE S256 matches RFC 7636 Appendix B', () => {
  assert.equal(
    pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
});

test('state and nonce values carry at least 128 random bits and differ every time', () => {
  const a = randomValue();
  const b = randomValue();
  assert.notEqual(a, b);
  assert.ok(Buffer.from(a, 'base64url').length * 8 >= 128);
});

test('the request carries response_mode only when asked, and a challenge only with a verifier', () => {
  const base = {
    authorizationEndpoint: 'https://op.test/authorize?tenant=x',
    clientId: 'c',
    redirectUri: 'http://127.0.0.1:1/cb',
    scope: 'openid',
    state: 's',
    nonce: 'n',
  };
  const implicit = buildAuthorizationUrl({ ...base, responseType: parseResponseType('id_token token') });
  assert.equal(implicit.searchParams.get('response_type'), 'id_token token');
  assert.equal(implicit.searchParams.get('tenant'), 'x', 'endpoint query parameters are kept');
  assert.equal(implicit.searchParams.has('response_mode'), false);
  assert.equal(implicit.searchParams.has('code_challenge'), false);
  const hybrid = buildAuthorizationUrl({
    ...base,
    responseType: parseResponseType('code id_token'),
    responseMode: 'form_post',
    codeVerifier: 'v'.repeat(43),
    maxAge: 0,
    extra: { ui_locales: 'de' },
  });
  assert.equal(hybrid.searchParams.get('response_mode'), 'form_post');
  assert.equal(hybrid.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(hybrid.searchParams.get('max_age'), '0');
  assert.equal(hybrid.searchParams.get('ui_locales'), 'de');
});

test('state must come back unchanged', () => {
  assert.equal(checkState({ state: 'abc' }, 'abc').status, 'pass');
  assert.equal(checkState({ state: 'abd' }, 'abc').status, 'fail');
  assert.equal(checkState({}, 'abc').status, 'fail');
});

test('RFC 9207 iss: equal passes, different fails, absent fails only when advertised', () => {
  assert.equal(checkIssParameter({ iss: 'https://op.test' }, 'https://op.test', true).status, 'pass');
  assert.equal(checkIssParameter({ iss: 'https://evil.test' }, 'https://op.test', false).status, 'fail');
  assert.equal(checkIssParameter({}, 'https://op.test', true).status, 'fail');
  assert.equal(checkIssParameter({}, 'https://op.test', false).status, 'skip');
});

test('RFC 6749 §4.1.2.1: an error response belongs to this run only with its state; else why it is a stray', () => {
  assert.equal(strayErrorResponse({ code: 'c', state: 'other' }, 's'), undefined, 'not an error response');
  assert.equal(strayErrorResponse({ error: 'access_denied', state: 's' }, 's'), undefined);
  assert.match(
    strayErrorResponse({ error: 'access_denied' }, 's')!,
    /^an error response \(error "access_denied"\) without a state/,
  );
  assert.match(strayErrorResponse({ error: 'access_denied', state: 'S' }, 's')!, /with a state this run did not send/);
  assert.match(strayErrorResponse({ error: 'access_denied', state: '' }, 's')!, /with a state this run did not send/);
  // Not an RFC 6749 error code (a quote, a control character): not repeated.
  assert.doesNotMatch(strayErrorResponse({ error: 'a"b' }, 's')!, /a"b/);
  assert.doesNotMatch(strayErrorResponse({ error: '\u001b[2J' }, 's')!, /\u001b/);
});
