import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactBody, redactForm, redactHeaders, redactUrl } from '../../src/protocol/redact.js';

test('Authorization keeps its scheme and loses its credential; cookies go entirely', () => {
  const h = redactHeaders({ authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', accept: 'application/json' }, false);
  assert.equal(h.authorization, 'Bearer [redacted 11 chars]');
  assert.equal(h.cookie, '[redacted 5 chars]');
  assert.equal(h.accept, 'application/json');
});

test('form secrets are redacted, other parameters kept', () => {
  const out = redactForm(
    'grant_type=authorization_code&code=SECRETCODE&client_secret=s3cr3t&redirect_uri=http%3A%2F%2F127.0.0.1',
    false,
  );
  assert.doesNotMatch(out, /SECRETCODE|s3cr3t/);
  assert.match(out, /grant_type=authorization_code/);
  assert.match(out, /redirect_uri=http/);
});

test('JSON bodies are redacted member by member, nested too', () => {
  const out = redactBody(
    JSON.stringify({ access_token: 'AT-123', token_type: 'Bearer', nested: { refresh_token: 'RT-9' } }),
    'application/json; charset=utf-8',
    false,
  );
  assert.doesNotMatch(out, /AT-123|RT-9/);
  assert.match(out, /Bearer/);
});

test('query strings lose their secrets', () => {
  assert.doesNotMatch(redactUrl('http://127.0.0.1/cb?code=XYZ&iss=a', false), /XYZ/);
});

test('--show-secrets shows everything', () => {
  assert.equal(redactForm('code=XYZ', true), 'code=XYZ');
});

test('a JARM response (it carries the code) is redacted in a query, a fragment and a form', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJjb2RlIjoiQ09ERSJ9.c2ln';
  assert.doesNotMatch(redactUrl(`http://127.0.0.1/cb?response=${jwt}`, false), /eyJ/);
  assert.doesNotMatch(redactUrl(`http://127.0.0.1/cb#response=${jwt}`, false), /eyJ/);
  assert.doesNotMatch(redactForm(`response=${jwt}`, false), /eyJ/);
  assert.match(redactUrl(`http://127.0.0.1/cb?response=${jwt}`, true), /eyJ/);
});

test('a DPoP proof header is withheld; a DPoP Authorization keeps its scheme', () => {
  const h = redactHeaders({ DPoP: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.c2ln', authorization: 'DPoP AT-123' }, false);
  assert.equal(h.DPoP, '[redacted 33 chars]');
  assert.equal(h.authorization, 'DPoP [redacted 6 chars]');
});
