// The provider's request rules alone: redirect URI matching, authorization request checks and
// token endpoint client authentication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authenticateClient,
  checkAuthorizationRequest,
  checkPushedAuthorizationRequest,
  parseResponseTypeParam,
  type ProviderClient,
  redirectUriAllowed,
  resolvePushedRequest,
} from '../../src/protocol/provider-requests.js';

const web: ProviderClient = { clientId: 'web', clientSecret: 's3cret', redirectUris: ['http://127.0.0.1:3000/cb'] };
const native: ProviderClient = { clientId: 'native', redirectUris: [] };
const CLIENTS = [web, native];
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

test('redirect URIs: exact match, any port on a loopback IP literal (RFC 8252 §7.3), not on localhost', () => {
  assert.ok(redirectUriAllowed(web, 'http://127.0.0.1:3000/cb'));
  assert.ok(redirectUriAllowed(web, 'http://127.0.0.1:51234/cb'));
  assert.ok(!redirectUriAllowed(web, 'http://127.0.0.1:3000/cb/more'));
  assert.ok(!redirectUriAllowed(web, 'http://127.0.0.1:3000/cb?x=1'));
  const localhost: ProviderClient = { clientId: 'l', redirectUris: ['http://localhost:3000/cb'] };
  assert.ok(redirectUriAllowed(localhost, 'http://localhost:3000/cb'));
  assert.ok(!redirectUriAllowed(localhost, 'http://localhost:4000/cb'));
  // None registered: any loopback URI, nothing else.
  for (const ok of ['http://127.0.0.1:1/x', 'http://[::1]:2/y', 'http://localhost:3/z'])
    assert.ok(redirectUriAllowed(native, ok), ok);
  for (const bad of ['https://127.0.0.1/x', 'http://127.0.0.2/x', 'http://app.example/x', 'http://127.0.0.1/x#f'])
    assert.ok(!redirectUriAllowed(native, bad), bad);
});

test('response types: the six of OpenID Connect in any word order; "token" alone and repeats are not', () => {
  assert.deepEqual(parseResponseTypeParam('token id_token code'), {
    value: 'token id_token code',
    code: true,
    idToken: true,
    token: true,
  });
  for (const bad of [undefined, '', 'token', 'code code', 'code none', 'id_token  token x'])
    assert.equal(parseResponseTypeParam(bad), undefined, String(bad));
});

test('an accepted request: defaults filled in (the response mode of the type)', () => {
  const v = checkAuthorizationRequest(
    {
      client_id: 'web',
      redirect_uri: 'http://127.0.0.1:3000/cb',
      response_type: 'code id_token',
      scope: 'openid email',
      nonce: 'n',
      state: 's',
    },
    CLIENTS,
    { autoApprove: false },
  );
  assert.equal(v.kind, 'ok');
  if (v.kind !== 'ok') return;
  assert.equal(v.request.responseMode, 'fragment');
  assert.deepEqual(v.request.scope, ['openid', 'email']);
  assert.equal(v.request.client, web);
});

test('a single registered redirect URI stands in for a missing redirect_uri; none registered does not', () => {
  const one = checkAuthorizationRequest({ client_id: 'web', response_type: 'code', scope: 'openid' }, CLIENTS, {
    autoApprove: true,
  });
  assert.equal(one.kind, 'ok');
  const none = checkAuthorizationRequest(
    { client_id: 'native', response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' },
    CLIENTS,
    { autoApprove: true },
  );
  assert.equal(none.kind, 'page');
});

test('errors go back on the redirect URI, in the response mode the type allows', () => {
  const base = { client_id: 'web', redirect_uri: 'http://127.0.0.1:3000/cb', state: 'st', scope: 'openid' };
  const cases: [Record<string, string>, string, string][] = [
    [{ response_type: 'id_token token' }, 'invalid_request', 'fragment'],
    [{ response_type: 'code', response_mode: 'jwt.query' }, 'invalid_request', 'query'],
    [{ response_type: 'id_token', nonce: 'n', response_mode: 'query' }, 'invalid_request', 'fragment'],
    [{ response_type: 'id_token', nonce: 'n', scope: 'email' }, 'invalid_scope', 'fragment'],
    [
      { response_type: 'code', response_mode: 'form_post', request_uri: 'urn:x' },
      'request_uri_not_supported',
      'form_post',
    ],
    [{ response_type: 'code', code_challenge: CHALLENGE }, 'invalid_request', 'query'],
    [{ response_type: 'code', code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request', 'query'],
    [{ response_type: 'code', prompt: 'none login' }, 'invalid_request', 'query'],
    [{ response_type: 'code', max_age: '-1' }, 'invalid_request', 'query'],
  ];
  for (const [params, error, mode] of cases) {
    const v = checkAuthorizationRequest({ ...base, ...params }, CLIENTS, { autoApprove: true });
    assert.equal(v.kind, 'redirect_error', JSON.stringify(params));
    if (v.kind !== 'redirect_error') continue;
    assert.equal(v.error, error, JSON.stringify(params));
    assert.equal(v.responseMode, mode, JSON.stringify(params));
    assert.equal(v.state, 'st');
  }
});

test('JARM response modes: the channel each names, "jwt" the response type\'s default (JARM §2.3)', () => {
  const base = { client_id: 'web', redirect_uri: 'http://127.0.0.1:3000/cb', scope: 'openid', nonce: 'n' };
  for (const [responseType, mode, channel] of [
    ['code', 'jwt', 'query'],
    ['code id_token', 'jwt', 'fragment'],
    ['code', 'query.jwt', 'query'],
    ['code', 'fragment.jwt', 'fragment'],
    ['id_token token', 'form_post.jwt', 'form_post'],
    ['code', 'form_post', 'form_post'],
  ] as const) {
    const v = checkAuthorizationRequest({ ...base, response_type: responseType, response_mode: mode }, CLIENTS, {
      autoApprove: true,
    });
    assert.equal(v.kind, 'ok', `${responseType} ${mode}`);
    if (v.kind !== 'ok') continue;
    assert.equal(v.request.responseMode, channel, `${responseType} ${mode}`);
    assert.equal(v.request.jarm, mode.endsWith('jwt'), `${responseType} ${mode}`);
  }
});

test('query.jwt cannot carry tokens unencrypted (JARM §2.3.1): the error goes back by fragment, as JARM', () => {
  const v = checkAuthorizationRequest(
    {
      client_id: 'web',
      redirect_uri: 'http://127.0.0.1:3000/cb',
      response_type: 'code id_token',
      response_mode: 'query.jwt',
      scope: 'openid',
      nonce: 'n',
      state: 'st',
    },
    CLIENTS,
    { autoApprove: true },
  );
  assert.equal(v.kind, 'redirect_error');
  if (v.kind !== 'redirect_error') return;
  assert.equal(v.error, 'invalid_request');
  assert.match(v.description, /JARM §2\.3\.1/);
  assert.equal(v.responseMode, 'fragment');
  assert.equal(v.jarm, true);
});

test('dpop_jkt is kept for the token endpoint; one that is no SHA-256 thumbprint is refused (RFC 9449 §10)', () => {
  const base = { client_id: 'web', redirect_uri: 'http://127.0.0.1:3000/cb', response_type: 'code', scope: 'openid' };
  const ok = checkAuthorizationRequest({ ...base, dpop_jkt: CHALLENGE }, CLIENTS, { autoApprove: true });
  assert.equal(ok.kind === 'ok' && ok.request.dpopJkt, CHALLENGE);
  const bad = checkAuthorizationRequest({ ...base, dpop_jkt: 'short' }, CLIENTS, { autoApprove: true });
  assert.equal(bad.kind === 'redirect_error' && bad.error, 'invalid_request');
});

test('a pushed request is checked as at the authorization endpoint, for the client that authenticated', () => {
  const pushed = {
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:3000/cb',
    scope: 'openid',
    prompt: 'none',
    client_secret: 's3cret',
  };
  const ok = checkPushedAuthorizationRequest(pushed, web, CLIENTS);
  assert.equal(ok.kind, 'ok');
  if (ok.kind !== 'ok') return;
  assert.equal(ok.params.client_id, 'web', 'the authenticated client names the request');
  assert.equal(ok.params.client_secret, undefined, 'client authentication is not part of the request');
  assert.equal(ok.params.prompt, 'none', 'prompt=none is judged when the request_uri comes back');
  const refused: [Record<string, string>, string, RegExp][] = [
    [{ ...pushed, request_uri: 'urn:x' }, 'invalid_request', /RFC 9126 §2\.1/],
    [{ ...pushed, client_id: 'native' }, 'invalid_request', /authenticated/],
    [{ ...pushed, response_type: 'token' }, 'unsupported_response_type', /response_type/],
    [{ ...pushed, redirect_uri: 'https://evil.example/cb' }, 'invalid_request', /not registered/],
  ];
  for (const [form, error, says] of refused) {
    const v = checkPushedAuthorizationRequest(form, web, CLIENTS);
    assert.equal(v.kind, 'error', JSON.stringify(form));
    if (v.kind !== 'error') continue;
    assert.equal(v.error, error, JSON.stringify(form));
    assert.match(v.description, says);
  }
});

test('a request_uri stands for its pushed request, from the same client only (RFC 9126 §4)', () => {
  const pushed = { clientId: 'web', params: { client_id: 'web', response_type: 'code', state: 'pushed' } };
  const front = { client_id: 'web', request_uri: 'urn:x', state: 'front' };
  const ok = resolvePushedRequest(front, pushed);
  assert.equal(ok.kind, 'ok');
  if (ok.kind === 'ok') assert.deepEqual({ ...ok.params }, pushed.params, 'the front channel adds nothing');
  assert.equal(resolvePushedRequest(front, undefined).kind, 'page');
  const other = resolvePushedRequest({ ...front, client_id: 'native' }, pushed);
  assert.ok(other.kind === 'page' && /not the client that pushed/.test(other.message));
  assert.equal(resolvePushedRequest({ request_uri: 'urn:x' }, pushed).kind, 'page');
});

test('prompt=none: fine with --auto-approve, login_required without it (no sessions kept)', () => {
  const params = {
    client_id: 'web',
    redirect_uri: 'http://127.0.0.1:3000/cb',
    response_type: 'code',
    scope: 'openid',
    prompt: 'none',
  };
  assert.equal(checkAuthorizationRequest(params, CLIENTS, { autoApprove: true }).kind, 'ok');
  const v = checkAuthorizationRequest(params, CLIENTS, { autoApprove: false });
  assert.equal(v.kind === 'redirect_error' && v.error, 'login_required');
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

test('client authentication: Basic (form-urlencoded), client_secret_post, none for a public client', () => {
  const empty = new URLSearchParams();
  assert.deepEqual(authenticateClient(basic('web', 's3cret'), empty, CLIENTS), {
    kind: 'ok',
    client: web,
    method: 'client_secret_basic',
  });
  const odd: ProviderClient = { clientId: 'a:b', clientSecret: 'p+q %', redirectUris: [] };
  assert.equal(authenticateClient(basic('a:b', 'p+q %'), empty, [odd]).kind, 'ok');
  assert.equal(
    authenticateClient(undefined, new URLSearchParams({ client_id: 'web', client_secret: 's3cret' }), CLIENTS).kind,
    'ok',
  );
  const pub = authenticateClient(undefined, new URLSearchParams({ client_id: 'native' }), CLIENTS);
  assert.deepEqual(pub, { kind: 'ok', client: native, method: 'none' });
});

test('client authentication failures: wrong secret, two methods, a secret for a public client, none for others', () => {
  const fail = (auth: string | undefined, form: Record<string, string>) => {
    const r = authenticateClient(auth, new URLSearchParams(form), CLIENTS);
    assert.equal(r.kind, 'error');
    return r.kind === 'error' ? r : undefined;
  };
  assert.equal(fail(basic('web', 'wrong'), {})!.status, 401);
  assert.equal(fail(basic('web', 's3cret'), { client_secret: 's3cret' })!.error, 'invalid_request');
  assert.equal(fail(undefined, { client_id: 'native', client_secret: 'x' })!.error, 'invalid_client');
  assert.match(fail(undefined, { client_id: 'web' })!.description, /confidential/);
  assert.equal(fail(undefined, { client_id: 'nobody' })!.error, 'invalid_client');
  assert.equal(fail('Bearer abc', {})!.error, 'invalid_client');
  assert.equal(fail(basic('web', 's3cret'), { client_id: 'native' })!.error, 'invalid_client');
  // The test provider's shared client may also come without its secret (PKCE binds the code).
  const both: ProviderClient = { ...web, alsoPublic: true };
  assert.equal(authenticateClient(undefined, new URLSearchParams({ client_id: 'web' }), [both]).kind, 'ok');
});
