import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displaySecret,
  redactBody,
  redactForm,
  redactHeaders,
  redactUrl,
  secretKind,
} from '../../src/protocol/redact.js';

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

test('a token or code shows at most a quarter of itself, and at most 10 characters, at every length', () => {
  for (let length = 1; length <= 200; length++) {
    // Every character different, so what is shown can be traced to where it came from.
    const value = Array.from({ length }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    const out = displaySecret(value, 'credential', false);
    const m = /^(.*)…(.*) \[(\d+) chars\]$/su.exec(out);
    if (!m) {
      assert.equal(out, `[redacted ${length} chars]`, `length ${length}`);
      continue;
    }
    const [, prefix, suffix, count] = m;
    assert.equal(Number(count), length);
    assert.ok(value.startsWith(prefix!) && value.endsWith(suffix!), `length ${length}: ${out}`);
    const shown = prefix!.length + suffix!.length;
    assert.ok(shown <= length / 4 && shown <= 10, `length ${length} shows ${shown}: ${out}`);
    assert.ok(shown >= 4, 'a prefix and suffix worth showing, or nothing');
  }
  // The case that was wrong: a 13-character code showed 10 of its characters.
  assert.equal(displaySecret('ABCDEFGHIJKLM', 'credential', false), '[redacted 13 chars]');
  assert.equal(displaySecret('x'.repeat(43), 'credential', false), 'xxxxx…xxxxx [43 chars]');
});

test('secrets (client secret, password, verifier) never show a character, at any length', () => {
  for (let length = 1; length <= 200; length++) {
    const value = 's'.repeat(length);
    assert.equal(displaySecret(value, 'secret', false), `[redacted ${length} chars]`);
  }
  for (const name of ['client_secret', 'password', 'code_verifier']) assert.equal(secretKind(name), 'secret');
});

test('which names are secrets, credentials, or shown as they are', () => {
  for (const name of ['code', 'access_token', 'id_token', 'refresh_token', 'device_code', 'session_token'])
    assert.equal(secretKind(name), 'credential', name);
  for (const name of ['state', 'nonce', 'iss', 'token_type', 'expires_in', 'scope', 'error_description'])
    assert.equal(secretKind(name), undefined, name);
});

test('--show-secrets shows secrets and tokens whole', () => {
  assert.equal(displaySecret('s3cr3t', 'secret', true), 's3cr3t');
  assert.equal(displaySecret('ABCDEFGHIJKLM', 'credential', true), 'ABCDEFGHIJKLM');
});
