// The DPoP client against a real HTTP server on 127.0.0.1 that checks each proof the way RFC 9449
// §4.3 has a server do it, and hands out nonces (§8 as an authorization server, §9 as a resource server).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { createDpopSession, withDpop } from '../../src/io/dpop-client.js';
import { createHttpClient } from '../../src/io/http.js';
import { ProviderError } from '../../src/errors.js';
import { accessTokenHash, generateDpopKey } from '../../src/protocol/dpop.js';

interface Seen {
  path: string;
  proof: Record<string, unknown>;
  jkt: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** Nonces the server accepts; a proof without one of them is challenged. */
const currentNonce = 'nonce-1';

async function verifyProof(req: IncomingMessage): Promise<Seen> {
  const proof = req.headers.dpop;
  assert.equal(typeof proof, 'string', 'every request carries a DPoP header');
  const { payload, protectedHeader } = await jwtVerify(proof as string, EmbeddedJWK, { typ: 'dpop+jwt' });
  return {
    path: new URL(req.url ?? '/', base).pathname,
    proof: payload,
    jkt: await calculateJwkThumbprint(protectedHeader.jwk!),
  };
}

before(async () => {
  server = createServer(async (req, res) => {
    const s = await verifyProof(req);
    seen.push(s);
    const path = s.path;
    if (path === '/token') {
      if (s.proof.nonce !== currentNonce) {
        res.writeHead(400, { 'content-type': 'application/json', 'dpop-nonce': currentNonce });
        res.end(JSON.stringify({ error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'at-1', token_type: 'DPoP', expires_in: 60 }));
      return;
    }
    if (path === '/userinfo') {
      if (s.proof.nonce !== 'rs-nonce') {
        res.writeHead(401, {
          'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"',
          'dpop-nonce': 'rs-nonce',
        });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sub: 'alice' }));
      return;
    }
    if (path === '/always-challenges') {
      res.writeHead(400, { 'content-type': 'application/json', 'dpop-nonce': `n-${seen.length}` });
      res.end(JSON.stringify({ error: 'use_dpop_nonce' }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a token request answers the use_dpop_nonce challenge once and then succeeds', async () => {
  seen.length = 0;
  const key = await generateDpopKey();
  const session = createDpopSession(key);
  const http = withDpop(createHttpClient(), session);
  const { json } = await http.json({
    url: `${base}/token?ignored=1`,
    what: 'token endpoint',
    form: { grant_type: 'client_credentials' },
  });
  assert.equal(json.token_type, 'DPoP');
  assert.equal(seen.length, 2, 'one challenge, one retry');
  assert.equal(seen[0]!.proof.nonce, undefined);
  assert.equal(seen[1]!.proof.nonce, 'nonce-1');
  assert.notEqual(seen[0]!.proof.jti, seen[1]!.proof.jti, 'the retry is a new proof');
  for (const s of seen) {
    assert.equal(s.proof.htm, 'POST');
    assert.equal(s.proof.htu, `${base}/token`, 'htu without the query');
    assert.equal(s.proof.ath, undefined, 'no access token presented at the token endpoint');
    assert.equal(s.jkt, key.thumbprint);
  }
  assert.equal(session.retries, 1);
  assert.equal(session.nonces.get(base), 'nonce-1');
});

test('the nonce a server gave is used on the next request without a new challenge', async () => {
  seen.length = 0;
  const session = createDpopSession(await generateDpopKey());
  const http = withDpop(createHttpClient(), session);
  const req = { url: `${base}/token`, what: 'token endpoint', form: { grant_type: 'client_credentials' } };
  await http.json(req);
  await http.json(req);
  assert.equal(seen.length, 3, 'the second call needs no challenge');
  assert.equal(session.retries, 1);
});

test('a resource request carries ath and answers a resource server challenge (401 + WWW-Authenticate)', async () => {
  seen.length = 0;
  const session = createDpopSession(await generateDpopKey());
  const http = withDpop(createHttpClient(), session);
  const res = await http.request({
    url: `${base}/userinfo`,
    what: 'userinfo endpoint',
    headers: { authorization: 'DPoP at-1' },
  });
  assert.equal(res.status, 200);
  assert.equal(seen.length, 2);
  for (const s of seen) {
    assert.equal(s.proof.htm, 'GET');
    assert.equal(s.proof.ath, accessTokenHash('at-1'));
  }
  assert.equal(seen[1]!.proof.nonce, 'rs-nonce');
});

test('nonces are kept per server: the token endpoint nonce is not sent to another origin', async () => {
  seen.length = 0;
  const session = createDpopSession(await generateDpopKey());
  session.nonces.set('http://127.0.0.2:1', 'other-server-nonce');
  const http = withDpop(createHttpClient(), session);
  await http.json({ url: `${base}/token`, what: 'token endpoint', form: { grant_type: 'client_credentials' } });
  assert.equal(seen[0]!.proof.nonce, undefined);
});

test('a server challenging again after the retry gets no third request; its error is the provider’s', async () => {
  seen.length = 0;
  const session = createDpopSession(await generateDpopKey());
  const http = withDpop(createHttpClient(), session);
  await assert.rejects(
    http.json({ url: `${base}/always-challenges`, what: 'token endpoint', form: { grant_type: 'x' } }),
    (err: unknown) => err instanceof ProviderError && err.error === 'use_dpop_nonce' && err.exit === 4,
  );
  assert.equal(seen.length, 2);
});
