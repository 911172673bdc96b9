import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendExchange,
  curlFor,
  newRunRecord,
  participantFor,
  sequenceOf,
  type RunStep,
} from '../../src/protocol/run-record.js';
import { BASIC, codeFlowRecord, fixtureSecrets, ISSUER, SECRETS } from '../helpers/run-records.js';

const describeStep = (s: RunStep) =>
  s.kind === 'http'
    ? `http ${s.participant}`
    : s.kind === 'front_channel'
      ? `hop ${s.from}>${s.to} ${s.channel}`
      : `check ${s.check.id}`;

test('the steps of a code flow, in order, each check right after the step that brought its value', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  assert.deepEqual(record.steps.map(describeStep), [
    'http discovery',
    'check discovery.issuer',
    'http jwks',
    'hop oidc_probe>user_agent printed',
    'hop user_agent>authorization_endpoint navigation',
    'hop authorization_endpoint>user_agent redirect',
    'hop user_agent>oidc_probe query',
    'check state',
    'http token_endpoint',
    'check signature',
    'check iss',
    'check nonce',
    'http userinfo',
    'check userinfo_sub',
  ]);
  for (const s of record.steps) if (s.kind === 'check') assert.equal(record.steps[s.about!]!.kind !== 'check', true);
  assert.equal(record.outcome?.exit, 1);
  assert.equal(record.tokens.length, 1, 'the ID token is decoded; the opaque tokens are not');
  assert.equal(record.tokens[0]!.name, 'id_token');
  assert.equal(record.steps[record.tokens[0]!.step]!.kind, 'http');
  assert.equal(record.discovery?.metadata.issuer, ISSUER);
});

test('timings: offsets from the start of the run, durations of answers and of the time in the browser', async () => {
  const { record } = await codeFlowRecord();
  const token = record.steps.find((s) => s.kind === 'http' && s.participant === 'token_endpoint');
  assert.equal(token?.kind === 'http' && token.startMs, 4040);
  assert.equal(token?.kind === 'http' && token.durationMs, 30);
  const callback = record.steps.find((s) => s.kind === 'front_channel' && s.to === 'oidc_probe');
  assert.equal(callback?.kind === 'front_channel' && callback.durationMs, 4000);
});

test('no secret of the run is anywhere in the record; their names and lengths are', async () => {
  const { record, idToken } = await codeFlowRecord({ badIss: true });
  const text = JSON.stringify(record);
  for (const secret of fixtureSecrets(idToken)) assert.ok(!text.includes(secret), `leaked: ${secret}`);
  assert.match(text, /Basic \[redacted \d+ chars\]/);
  assert.match(text, /code=%5Bredacted\+\d+\+chars%5D/);
  // The decoded ID token keeps its claims but not its nonce; the nonce check keeps its verdict.
  assert.equal(record.tokens[0]!.payload?.sub, 'alice');
  assert.match(String(record.tokens[0]!.payload?.nonce), /^\[redacted \d+ chars\]$/);
  const nonce = record.steps.find((s) => s.kind === 'check' && s.check.id === 'nonce');
  assert.equal(nonce?.kind === 'check' && nonce.check.status, 'fail');
});

test('--show-secrets: the record keeps every value', async () => {
  const { record } = await codeFlowRecord({ showSecrets: true });
  const text = JSON.stringify(record);
  for (const secret of [SECRETS.code, SECRETS.accessToken, SECRETS.state, BASIC])
    assert.ok(text.includes(secret), secret);
  assert.equal(record.tokens[0]!.payload?.nonce, SECRETS.nonce);
});

test('a token response is redacted whatever content type it claims, as in HAR files and traces', () => {
  const record = newRunRecord('token', new Date(0), false);
  const token = 'eyJ0eXAiOiJKV1QifQ.secret-access-token-0123456789';
  const body = JSON.stringify({ access_token: token, token_type: 'Bearer', refresh_token: 'rt-0123456789abcdef' });
  for (const type of ['text/plain', 'text/html; charset=utf-8', undefined]) {
    const step = appendExchange(
      record,
      {
        what: 'token endpoint',
        request: { method: 'POST', url: 'https://op.test/token', headers: {}, body: 'grant_type=client_credentials' },
        response: {
          status: 200,
          headers: type ? { 'content-type': type } : {},
          body: new TextEncoder().encode(body),
          durationMs: 1,
        },
        startedAt: new Date(0),
      },
      new Date(0),
    );
    const shown = step.response!.body;
    assert.ok(!shown.includes(token), `${type}: ${shown}`);
    assert.ok(!shown.includes('rt-0123456789abcdef'), `${type}: ${shown}`);
    assert.match(shown, /"token_type":"Bearer"/);
  }
});

test('curl: the request as sent, each secret a shell variable', () => {
  const curl = curlFor({
    method: 'POST',
    url: `${ISSUER}/token?x=1`,
    headers: {
      authorization: 'Basic Y2xpZW50OnNlY3JldA==',
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'oidc-probe',
    },
    body: "grant_type=authorization_code&code=c0de&code_verifier=v3r&redirect_uri=http%3A%2F%2Fx%2Fit's",
  });
  assert.doesNotMatch(curl, /Y2xpZW50OnNlY3JldA|c0de|v3r/);
  assert.match(curl, /-H "authorization: Basic \$BASIC_CREDENTIALS"/);
  assert.match(curl, /--data-urlencode "code=\$CODE"/);
  assert.match(curl, /--data-urlencode "code_verifier=\$CODE_VERIFIER"/);
  assert.match(curl, /--data-urlencode 'grant_type=authorization_code'/);
  assert.match(curl, /'redirect_uri=http:\/\/x\/it'\\''s'/, 'a quote inside a value is closed, escaped, reopened');
  assert.doesNotMatch(curl, /user-agent/);
  const get = curlFor({
    method: 'GET',
    url: `${ISSUER}/userinfo?access_token=AT5`,
    headers: { authorization: 'Bearer AT5' },
    body: undefined,
  });
  assert.doesNotMatch(get, /AT5/);
  assert.match(get, /access_token='"\$ACCESS_TOKEN"'/);
  assert.match(get, /authorization: Bearer \$ACCESS_TOKEN/);
});

test('participants: by what was fetched, else by the discovered endpoints, else "provider"', () => {
  const md = {
    token_endpoint: 'https://op.test/oauth/token',
    mtls_endpoint_aliases: { userinfo_endpoint: 'https://mtls.op.test/me' },
  };
  assert.equal(participantFor('JWKS', 'https://op.test/keys', md), 'jwks');
  assert.equal(participantFor(undefined, 'https://op.test/oauth/token?x=1', md), 'token_endpoint');
  assert.equal(participantFor(undefined, 'https://mtls.op.test/me', md), 'userinfo');
  assert.equal(participantFor(undefined, 'https://op.test/.well-known/openid-configuration', undefined), 'discovery');
  assert.equal(participantFor('something new', 'https://op.test/x', md), 'provider');
});

test('the sequence: one message per arrow, answers dashed, a failing check on the answer that brought it', async () => {
  const { record } = await codeFlowRecord({ badIss: true });
  const seq = sequenceOf(record);
  assert.deepEqual(
    seq.messages.map((m) => `${m.from}>${m.to}`),
    [
      'oidc_probe>discovery',
      'discovery>oidc_probe',
      'oidc_probe>jwks',
      'jwks>oidc_probe',
      'oidc_probe>user_agent',
      'user_agent>authorization_endpoint',
      'authorization_endpoint>user_agent',
      'user_agent>oidc_probe',
      'oidc_probe>token_endpoint',
      'token_endpoint>oidc_probe',
      'oidc_probe>userinfo',
      'userinfo>oidc_probe',
    ],
  );
  assert.deepEqual(
    seq.messages.filter((m) => m.reply).map((m) => m.number),
    [2, 4, 7, 10, 12],
  );
  const flagged = seq.messages.filter((m) => m.flagged.length);
  assert.deepEqual(
    flagged.map((m) => [m.number, m.flagged.map((c) => c.id)]),
    [[10, ['iss', 'nonce']]],
  );
  const token = seq.messages[9]!;
  assert.equal(token.status, 200);
  assert.equal(token.durationMs, 30);
  assert.deepEqual(token.params.slice(0, 3), ['access_token…', 'refresh_token…', 'id_token…']);
  const request = seq.messages[8]!;
  assert.deepEqual(request.params, [
    'grant_type=authorization_code',
    'code…',
    'code_verifier…',
    'redirect_uri',
    'Basic auth',
  ]);
  assert.deepEqual(
    seq.participants.map((p) => p.id),
    ['user_agent', 'oidc_probe', 'authorization_endpoint', 'token_endpoint', 'userinfo', 'jwks', 'discovery'],
  );
});

test('a run that stopped half way: the error answer is marked, and nothing after it is invented', async () => {
  const { record } = await codeFlowRecord({ invalidClient: true });
  const seq = sequenceOf(record);
  const last = seq.messages.at(-1)!;
  assert.equal(last.from, 'token_endpoint');
  assert.equal(last.error, 'HTTP 401');
  assert.deepEqual(last.params, ['error=invalid_client']);
  assert.equal(seq.rows.filter((r) => 'note' in r).length, 0, 'the marked arrow says it; no second note');
});

test('a run that stopped with no message to blame ends with a note (a timeout waiting for the browser)', () => {
  const start = new Date();
  const record = newRunRecord('login', start, false);
  appendExchange(
    record,
    {
      what: 'discovery document',
      request: { method: 'GET', url: 'https://op.test/.well-known/openid-configuration', headers: {}, body: undefined },
      error: { code: 'connection_refused', message: 'could not fetch the discovery document: connection refused' },
      startedAt: start,
    },
    start,
  );
  const seq = sequenceOf(record);
  assert.equal(seq.messages.length, 1, 'a request that got no answer is one arrow');
  assert.equal(seq.messages[0]!.error, 'could not fetch the discovery document: connection refused');
  record.outcome = { exit: 5, error: { code: 'timeout', message: 'no authorization response within 1 s' } };
  record.steps.length = 0;
  const alone = sequenceOf(record);
  assert.deepEqual(alone.rows, [{ note: { status: 'fail', text: 'no authorization response within 1 s (exit 5)' } }]);
});

test('a run that talked to no server says so rather than drawing nothing', () => {
  const seq = sequenceOf(newRunRecord('decode', new Date(), false));
  assert.deepEqual(seq.messages, []);
  assert.deepEqual(seq.rows, [{ note: { status: 'skip', text: 'no message: this run talked to no server' } }]);
  assert.deepEqual(
    seq.participants.map((p) => p.id),
    ['oidc_probe'],
  );
});
