import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLogoutUrl } from '../../src/protocol/logout-request.js';

const request = {
  endSessionEndpoint: 'https://op.test/logout',
  idTokenHint: 'eyJ.id.token',
  clientId: 'client-1',
  postLogoutRedirectUri: 'http://127.0.0.1:8765/logged-out',
  state: 'state-1',
};

test('the end-session URL carries id_token_hint, client_id, post_logout_redirect_uri and state (§2)', () => {
  const url = buildLogoutUrl(request);
  assert.equal(url.origin + url.pathname, 'https://op.test/logout');
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    id_token_hint: 'eyJ.id.token',
    client_id: 'client-1',
    post_logout_redirect_uri: 'http://127.0.0.1:8765/logged-out',
    state: 'state-1',
  });
});

test('without an ID token there is no id_token_hint', () => {
  assert.equal(buildLogoutUrl({ ...request, idTokenHint: undefined }).searchParams.has('id_token_hint'), false);
});

test('a query the endpoint already has is kept', () => {
  const url = buildLogoutUrl({ ...request, endSessionEndpoint: 'https://op.test/logout?tenant=a' });
  assert.equal(url.searchParams.get('tenant'), 'a');
  assert.equal(url.searchParams.get('state'), 'state-1');
});
