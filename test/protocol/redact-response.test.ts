import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redacted } from '../../src/protocol/redact.js';
import { redactResponseBody } from '../../src/protocol/redact-response.js';

const tokenJson = JSON.stringify({ access_token: 'AT-SECRET-1', token_type: 'Bearer', refresh_token: 'RT-SECRET-2' });
const secret = { carriesSecrets: true };

test('a token response served as text/plain is redacted as the JSON it is', () => {
  const out = redactResponseBody(tokenJson, { ...secret, contentType: 'text/plain' }, false);
  assert.doesNotMatch(out, /AT-SECRET-1|RT-SECRET-2/);
  assert.equal(JSON.parse(out).token_type, 'Bearer');
});

test('a byte-order mark and surrounding whitespace do not hide the JSON', () => {
  const out = redactResponseBody(`\uFEFF\n ${tokenJson}\n`, { ...secret, contentType: 'application/json' }, false);
  assert.doesNotMatch(out, /AT-SECRET-1|RT-SECRET-2/);
  assert.equal(JSON.parse(out).access_token, redacted('AT-SECRET-1'));
});

test('a form-encoded token response is redacted whatever its content type', () => {
  const out = redactResponseBody('access_token=AT-SECRET-1&token_type=bearer&scope=repo', { ...secret }, false);
  assert.doesNotMatch(out, /AT-SECRET-1/);
  assert.match(out, /token_type=bearer/);
});

test('a bare JWT is redacted whole', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
  assert.equal(redactResponseBody(jwt, { carriesSecrets: false, contentType: 'text/plain' }, false), redacted(jwt));
});

test('what cannot be parsed, from an endpoint that returns secrets, is withheld', () => {
  const out = redactResponseBody(
    '<html>token AT-SECRET-1 issued</html>',
    { ...secret, contentType: 'text/html' },
    false,
  );
  assert.doesNotMatch(out, /AT-SECRET-1/);
  assert.match(out, /^\[withheld: 37 chars that could not be parsed.*--show-secrets/);
});

test('what cannot be parsed from other endpoints (discovery, JWKS) is shown as it is', () => {
  const page = '<html>not found</html>';
  assert.equal(redactResponseBody(page, { carriesSecrets: false, contentType: 'text/html' }, false), page);
});

test('JSON nested thousands deep is withheld, not walked', () => {
  const deep = `{"access_token":"AT-SECRET-1","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  const out = redactResponseBody(deep, { carriesSecrets: false }, false);
  assert.match(out, /^\[withheld: \d+ chars of JSON nested more than 256 levels deep/);
});

test('--show-secrets shows the body as it came', () => {
  assert.equal(redactResponseBody(`\uFEFF${tokenJson}`, secret, true), `\uFEFF${tokenJson}`);
});
