import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkParExpiresIn,
  checkParRequestUri,
  checkParStatus,
  parAuthorizationUrl,
  parEndpoint,
  parRequired,
  readParResponse,
} from '../../src/protocol/par.js';

const URN = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c';

test('a 201 answer with a URN and a positive expires_in passes every row', () => {
  const r = readParResponse(201, { request_uri: URN, expires_in: 60 });
  assert.deepEqual(
    r.checks.map((c) => [c.id, c.status]),
    [
      ['par.status', 'pass'],
      ['par.request_uri', 'pass'],
      ['par.expires_in', 'pass'],
    ],
  );
  assert.equal(r.requestUri, URN);
  assert.equal(r.expiresIn, 60);
});

const requestUriCases: Array<[string, unknown, string]> = [
  ['a missing request_uri fails', undefined, 'fail'],
  ['an empty request_uri fails', '', 'fail'],
  ['a number fails', 42, 'fail'],
  ['a value that is no URI fails', 'just-an-opaque-handle', 'fail'],
  ['an https URI is a warning (not the registered URN form)', 'https://op.test/r/1', 'warn'],
  ['a URN passes', URN, 'pass'],
];
for (const [name, value, status] of requestUriCases) {
  test(`par.request_uri: ${name}`, () => {
    const row = checkParRequestUri(value === undefined ? {} : { request_uri: value });
    assert.equal(row.id, 'par.request_uri');
    assert.equal(row.status, status);
  });
}

const expiresCases: Array<[string, unknown, string]> = [
  ['missing', undefined, 'fail'],
  ['zero', 0, 'fail'],
  ['negative', -5, 'fail'],
  ['a string', '60', 'fail'],
  ['a fraction', 1.5, 'fail'],
  ['positive', 90, 'pass'],
];
for (const [name, value, status] of expiresCases) {
  test(`par.expires_in ${name} → ${status}`, () => {
    const row = checkParExpiresIn(value === undefined ? {} : { expires_in: value });
    assert.equal(row.id, 'par.expires_in');
    assert.equal(row.status, status);
  });
}

test('a 200 instead of 201 is a warning, and an unusable request_uri is not handed on', () => {
  assert.equal(checkParStatus(200).status, 'warn');
  const r = readParResponse(201, { request_uri: 7, expires_in: 60 });
  assert.equal(r.requestUri, undefined);
});

test('the browser gets only client_id and request_uri (RFC 9126 §4)', () => {
  const url = parAuthorizationUrl('https://op.test/authorize?tenant=a', 'client-1', URN);
  assert.equal(url.searchParams.get('client_id'), 'client-1');
  assert.equal(url.searchParams.get('request_uri'), URN);
  assert.equal(url.searchParams.get('tenant'), 'a', 'the endpoint’s own query is kept');
  assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri', 'tenant']);
});

test('the endpoint and the requirement come from discovery', () => {
  assert.equal(parEndpoint({ pushed_authorization_request_endpoint: 'https://op.test/par' }), 'https://op.test/par');
  assert.equal(parEndpoint({}), undefined);
  assert.equal(parRequired({ require_pushed_authorization_requests: true }), true);
  assert.equal(parRequired({ require_pushed_authorization_requests: 'true' }), false);
});
