import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { checkBackChannelIdToken, evaluateAuthorizationResponse } from '../../../src/commands/login/front-channel.js';
import { fail, pass } from '../../../src/protocol/checks.js';
import type { KeySource } from '../../../src/protocol/jws-signature.js';
import { parseResponseType } from '../../../src/protocol/response-type.js';
import { renderAuthorizationResponse } from '../../../src/commands/login/render-front-channel.js';
import { makeStyle } from '../../../src/render/style.js';
import { makeKey, mintIdToken, type TestKey } from '../../helpers/tokens.js';

const half = (v: string) => createHash('sha256').update(v).digest().subarray(0, 16).toString('base64url');
const ISSUER = 'https://op.test';
let key: TestKey;
let keys: KeySource;
const expectations = { issuer: ISSUER, audience: ['client-1'], clientId: 'client-1', nonce: 'nonce-1' };

before(async () => {
  key = await makeKey('ES256', 'e1');
  keys = { kind: 'jwks', jwks: { keys: [key.publicJwk] }, origin: 'test JWKS', remote: false };
});

test('a good hybrid response may be redeemed, and lists each parameter with its channel', async () => {
  const idToken = await mintIdToken(key, { issuer: ISSUER, claims: { c_hash: half('CODE') } });
  const e = await evaluateAuthorizationResponse({
    responseType: parseResponseType('code id_token'),
    responseMode: 'form_post',
    channel: 'form_post',
    params: { code: 'CODE', id_token: idToken, state: 'st' },
    keys,
    expectations,
    flowChecks: [pass('state', 'ok')],
  });
  assert.deepEqual(e.decision, { redeem: true });
  assert.deepEqual(
    e.parameters.map((p) => [p.name, p.channel]),
    [
      ['code', 'form_post'],
      ['id_token', 'form_post'],
      ['state', 'form_post'],
    ],
  );
  assert.ok(e.checks.every((c) => c.source === 'authorization_endpoint'));
});

test('a failed state from login holds the code back even when the ID token is fine', async () => {
  const idToken = await mintIdToken(key, { issuer: ISSUER, claims: { c_hash: half('CODE') } });
  const e = await evaluateAuthorizationResponse({
    responseType: parseResponseType('code id_token'),
    responseMode: 'fragment',
    channel: 'fragment',
    params: { code: 'CODE', id_token: idToken },
    keys,
    expectations,
    flowChecks: [fail('state', 'mismatch')],
  });
  assert.equal(e.decision.redeem, false);
  assert.match(e.decision.reason!, /failed state/);
});

test('a missing id_token for "code id_token" fails response_type and holds the code back', async () => {
  const e = await evaluateAuthorizationResponse({
    responseType: parseResponseType('code id_token'),
    responseMode: 'fragment',
    channel: 'fragment',
    params: { code: 'CODE' },
    keys,
    expectations,
  });
  assert.equal(e.checks.find((c) => c.id === 'response_type')?.status, 'fail');
  assert.equal(e.decision.redeem, false);
  assert.equal(e.idToken, undefined);
});

test('the token endpoint ID token is compared with the front one only when both exist', async () => {
  const idToken = await mintIdToken(key, { issuer: ISSUER, claims: { c_hash: half('CODE') } });
  const e = await evaluateAuthorizationResponse({
    responseType: parseResponseType('code id_token'),
    responseMode: 'fragment',
    channel: 'fragment',
    params: { code: 'CODE', id_token: idToken },
    keys,
    expectations,
  });
  assert.deepEqual(
    checkBackChannelIdToken(e, { iss: ISSUER, sub: 'bob' }).map((c) => [c.id, c.status, c.source]),
    [
      ['hybrid_iss', 'pass', 'token_endpoint'],
      ['hybrid_sub', 'fail', 'token_endpoint'],
    ],
  );
  assert.deepEqual(checkBackChannelIdToken(undefined, { iss: ISSUER, sub: 'bob' }), []);
});

test('the response table redacts codes and tokens but shows state', () => {
  const text = renderAuthorizationResponse(
    {
      channel: 'fragment',
      parameters: [
        { name: 'code', channel: 'fragment', value: 'SECRET-CODE-VALUE-123456' },
        { name: 'state', channel: 'fragment', value: 'visible-state' },
      ],
    },
    makeStyle(0),
    { showSecrets: false },
  );
  assert.ok(!text.includes('SECRET-CODE-VALUE-123456'));
  assert.match(text, /visible-state/);
  assert.match(text, /URL fragment/);
});
