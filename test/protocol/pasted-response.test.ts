// The pasted address, judged: where it is, what it carries, and whose response it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgePastedAddress, MAX_PASTED_LENGTH, type PastedExpectations } from '../../src/protocol/pasted-response.js';

const EXPECT: PastedExpectations = {
  redirectUri: 'http://127.0.0.1:8765/callback',
  state: 'S',
  authorizationEndpoint: 'https://op.example/authorize',
};
const judge = (text: string, extra: Partial<PastedExpectations> = {}) =>
  judgePastedAddress(text, { ...EXPECT, ...extra });
const reason = (text: string, extra: Partial<PastedExpectations> = {}) => {
  const v = judge(text, extra);
  assert.equal(v.kind, 'refused');
  return v.kind === 'refused' ? v : assert.fail();
};

test('a query response on the redirect URI is a response by the query channel', () => {
  assert.deepEqual(judge('http://127.0.0.1:8765/callback?code=C&state=S'), {
    kind: 'response',
    channel: 'query',
    params: { code: 'C', state: 'S' },
  });
});

test('a fragment response is a response by the fragment channel; a "#_=_" marker after a query is not', () => {
  const fragment = judge('http://127.0.0.1:8765/callback#id_token=T&state=S');
  assert.equal(fragment.kind === 'response' && fragment.channel, 'fragment');
  const marked = judge('http://127.0.0.1:8765/callback?code=C&state=S#_=_');
  assert.equal(marked.kind === 'response' && marked.channel, 'query');
});

test('bracketed-paste markers, surrounding quotes and angle brackets are taken off', () => {
  for (const text of [
    '\u001b[200~http://127.0.0.1:8765/callback?code=C&state=S\u001b[201~',
    '"http://127.0.0.1:8765/callback?code=C&state=S"',
    '  <http://127.0.0.1:8765/callback?code=C&state=S>  ',
  ])
    assert.equal(judge(text).kind, 'response', text);
});

test('control characters, emptiness and a text longer than any address bar are refused', () => {
  assert.match(reason('http://127.0.0.1:8765/callback?code=C\u0007&state=S').reason, /control characters/);
  assert.match(reason('   ').reason, /nothing was pasted/);
  assert.match(reason(`http://127.0.0.1:8765/callback?x=${'a'.repeat(MAX_PASTED_LENGTH)}`).reason, /characters long/);
});

test('another state is refused (RFC 6749 §10.12); no state goes on, for the state check to fail', () => {
  assert.match(reason('http://127.0.0.1:8765/callback?code=C&state=OTHER').reason, /another state/);
  assert.equal(judge('http://127.0.0.1:8765/callback?code=C').kind, 'response');
});

test('an error answer is refused with its code and description, the description escaped', () => {
  const r = reason('http://127.0.0.1:8765/callback?error=access_denied&error_description=no%1B%5B31m&state=S');
  assert.equal(r.error, 'access_denied');
  assert.match(r.reason, /error "access_denied": no\\u001b\[31m/);
  assert.equal(r.elsewhere, undefined);
});

test('a page of the provider with an error is said to be elsewhere, with the error code', () => {
  const r = reason('https://op.example/error?error=redirect_mismatch&client_id=c');
  assert.equal(r.elsewhere, true);
  assert.equal(r.error, 'redirect_mismatch');
  assert.match(r.reason, /a page of the provider/);
});

test('another origin, another path and the authorization URL itself are each named', () => {
  assert.match(reason('http://localhost:8765/callback?code=C&state=S').reason, /is on "http:\/\/localhost:8765"/);
  assert.match(reason('http://127.0.0.1:8765/other?code=C&state=S').reason, /has the path "\/other"/);
  assert.match(reason('https://op.example/authorize?client_id=c').reason, /that is the authorization URL/);
});

test('no parameters: form_post never reaches the address bar, so query or fragment is suggested', () => {
  assert.match(
    reason('http://127.0.0.1:8765/callback', { responseMode: 'form_post' }).reason,
    /form_post .* never reaches the address bar.*--response-mode query or --response-mode fragment/,
  );
});
