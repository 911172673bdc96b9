// rogue-op end to end at the protocol level (no CLI): its answers, delivered by the test's user
// agent to a real front-channel receiver, validated by the front-channel rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFrontChannel, type FrontChannel } from '../../src/io/front-channel.js';
import { createHttpClient } from '../../src/io/http.js';
import { remoteJwksSource } from '../../src/io/keys.js';
import {
  checkResponseChannel,
  checkResponseParameters,
  validateFrontChannelIdToken,
} from '../../src/protocol/front-channel-checks.js';
import { RESPONSE_TYPES, parseResponseType, type ResponseMode } from '../../src/protocol/response-type.js';
import type { Check } from '../../src/protocol/checks.js';
import { startRogueOp, type Defect, type RogueOp } from './rogue-op.js';
import { deliverAuthorizationResponse } from '../helpers/user-agent.js';

let server: Server;
let redirectUri: string;
let channel: FrontChannel;
let received: { channel: string; params: Record<string, string> } | undefined;

before(async () => {
  server = createServer((req, res) => {
    void channel.classify(req).then((o) => {
      if (o.kind === 'response') {
        received = { channel: o.channel, params: o.params };
        res.writeHead(200).end('ok');
      } else if (o.kind === 'page') res.writeHead(o.status, o.headers).end(o.body);
      else if (o.kind === 'refused') res.writeHead(o.status).end(o.warning);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
});
after(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

async function runFlow(
  op: RogueOp,
  responseType: string,
  mode: ResponseMode,
): Promise<{ channel: string; checks: Check[] }> {
  channel = createFrontChannel('/callback');
  received = undefined;
  const rt = parseResponseType(responseType);
  const url = new URL(`${op.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: responseType,
    client_id: op.clientId,
    redirect_uri: redirectUri,
    state: 'state-123',
    nonce: 'nonce-456',
    response_mode: mode,
    scope: 'openid',
  }).toString();
  await deliverAuthorizationResponse(url.href);
  const got = received as { channel: string; params: Record<string, string> } | undefined;
  assert.ok(got, 'the front channel received a response');
  const params = got.params;
  const checks = [checkResponseChannel(mode, got.channel as ResponseMode, params), checkResponseParameters(rt, params)];
  if (params.id_token) {
    const keys = await remoteJwksSource(createHttpClient(), `${op.issuer}/jwks`);
    const v = await validateFrontChannelIdToken(params.id_token, rt, params, {
      keys,
      clientSecret: op.clientSecret,
      expectations: { issuer: op.issuer, audience: [op.clientId], clientId: op.clientId, nonce: 'nonce-456' },
    });
    checks.push(...v.checks);
  }
  return { channel: got.channel, checks };
}

const failed = (checks: Check[]) => checks.filter((c) => c.status === 'fail').map((c) => c.id);

for (const responseType of RESPONSE_TYPES) {
  const modes: ResponseMode[] =
    responseType === 'code' ? ['query', 'fragment', 'form_post'] : ['fragment', 'form_post'];
  for (const mode of modes) {
    test(`rogue-op without defects: ${responseType} by ${mode} passes every front-channel check`, async () => {
      const op = await startRogueOp();
      try {
        const r = await runFlow(op, responseType, mode);
        assert.equal(r.channel, mode);
        assert.deepEqual(failed(r.checks), []);
        assert.equal(op.calls.token, 0);
      } finally {
        await op.close();
      }
    });
  }
}

const DEFECT_CASES: [Defect, string, string][] = [
  ['c_hash', 'code id_token', 'c_hash'],
  ['at_hash_missing', 'id_token token', 'at_hash'],
  ['s_hash', 'id_token', 's_hash'],
  ['alg_none', 'code id_token token', 'alg'],
  ['sig_es256', 'id_token', 'signature'],
  ['sig_hs256', 'id_token', 'signature'],
  ['query_channel', 'id_token token', 'response_mode'],
];
for (const [defect, responseType, id] of DEFECT_CASES) {
  test(`rogue-op defect ${defect}: ${responseType} fails ${id}`, async () => {
    const op = await startRogueOp({ defects: [defect] });
    try {
      const r = await runFlow(op, responseType, 'fragment');
      // alg none also leaves the hashes uncomputable; every other defect fails exactly one row.
      if (defect === 'alg_none') assert.equal(failed(r.checks)[0], id);
      else assert.deepEqual(failed(r.checks), [id]);
    } finally {
      await op.close();
    }
  });
}

test('rogue-op rotation: the signing key appears in the JWKS only after the first fetch', async () => {
  const op = await startRogueOp({ defects: ['rotation'] });
  try {
    const r = await runFlow(op, 'id_token', 'fragment');
    assert.deepEqual(failed(r.checks), []);
    assert.match(r.checks.find((c) => c.id === 'kid')!.message, /key rotation/);
    assert.equal(op.calls.jwks, 2);
  } finally {
    await op.close();
  }
});
