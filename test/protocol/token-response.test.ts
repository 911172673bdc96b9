import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTokenType, parseTokenResponse } from '../../src/protocol/token-response.js';

test('parseTokenResponse keeps the string members and the raw answer', () => {
  const raw = { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt', id_token: 'it', scope: 'openid' };
  assert.deepEqual(parseTokenResponse(raw), { ...raw, raw });
});

test('a member of the wrong type is left out', () => {
  assert.equal(parseTokenResponse({ access_token: 42 }).access_token, undefined);
});

test('expires_in as a number is taken', () => {
  assert.equal(parseTokenResponse({ expires_in: 3600 }).expires_in, 3600);
});

test('expires_in as a numeric string is accepted', () => {
  assert.equal(parseTokenResponse({ expires_in: ' 3600 ' }).expires_in, 3600);
});

test('expires_in that is not a number is left out', () => {
  assert.equal(parseTokenResponse({ expires_in: 'soon' }).expires_in, undefined);
});

test('no access_token fails token_type (RFC 6749 §5.1)', () => {
  assert.match(checkTokenType(parseTokenResponse({ token_type: 'Bearer' })).message, /no access_token/);
});

test('no token_type fails', () => {
  assert.match(checkTokenType(parseTokenResponse({ access_token: 'at' })).message, /no token_type/);
});

test('Bearer passes', () => {
  assert.equal(checkTokenType(parseTokenResponse({ access_token: 'at', token_type: 'Bearer' })).status, 'pass');
});

test('token_type matches case-insensitively and says so (RFC 6749 §5.1)', () => {
  const r = checkTokenType(parseTokenResponse({ access_token: 'at', token_type: 'bearer' }));
  assert.equal(r.status, 'pass');
  assert.match(r.message, /case-insensitive/);
});

test('a token_type outside the expected ones fails', () => {
  assert.equal(checkTokenType(parseTokenResponse({ access_token: 'at', token_type: 'mac' })).status, 'fail');
});

test('DPoP passes when the caller expects it', () => {
  const tokens = parseTokenResponse({ access_token: 'at', token_type: 'DPoP' });
  assert.equal(checkTokenType(tokens, ['Bearer', 'DPoP']).status, 'pass');
});
