// openid-client (v6, on oauth4webapi), an independent relying party, against serve: it completes
// the code, hybrid and implicit flows, refresh and userinfo; and it rejects the defects its
// validation covers (oauth4webapi's ID token, authorization response, JWKS key selection and
// discovery checks). In the code flow openid-client verifies the ID token's signature only with
// enableNonRepudiationChecks (Core 3.1.3.7 step 6 lets a client rely on TLS instead), so the key
// and signature defects run with it on. What it does not check (at_hash in the code flow, iat in
// the future) is not asserted here; serve's conformance suite covers those with oidc-probe login.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { run, type ServeHandle } from '../../../src/commands/serve/run.js';
import type { Defect } from '../../../src/protocol/provider-defects.js';
import { sharedKeyMaterial } from '../../providers/rogue-op.js';

const CLIENT_ID = 'rp';
const SECRET = 'rp-secret-0123456789abcdef0123456789';
// Never listened on: the test reads the Location header the provider answers with.
const REDIRECT = 'http://127.0.0.1:9/callback';

let serve: ServeHandle;
before(async () => {
  serve = await run(
    {
      port: 0,
      issuerPath: '/',
      client: [`${CLIENT_ID}:${SECRET}@${REDIRECT}`],
      user: 'alice',
      autoApprove: true,
      signingAlg: 'RS256',
      slowDelay: 1,
    },
    { log: () => {}, keys: await sharedKeyMaterial(), hosts: ['127.0.0.1'] },
  );
});
after(() => serve.close());

async function switchDefects(defects: Defect[]): Promise<void> {
  const res = await fetch(`${serve.issuer}/_oidc-probe/defects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(defects),
  });
  assert.equal(res.status, 200);
}

/** A fresh configuration per flow: openid-client caches the JWKS per configuration. */
async function configuration(
  flow: 'code' | 'hybrid' | 'implicit' = 'code',
  nonRepudiation = false,
): Promise<client.Configuration> {
  const execute = [client.allowInsecureRequests];
  if (nonRepudiation) execute.push(client.enableNonRepudiationChecks);
  if (flow === 'hybrid') execute.push(client.useCodeIdTokenResponseType);
  if (flow === 'implicit') execute.push(client.useIdTokenResponseType);
  return client.discovery(new URL(serve.issuer), CLIENT_ID, SECRET, undefined, { execute });
}

/** The provider's answer to the authorization request: the URL the browser would land on. */
async function authorizationResponse(url: URL): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get('location')!);
}

async function codeLogin(flow: 'code' | 'hybrid' = 'code', nonRepudiation = false) {
  const config = await configuration(flow, nonRepudiation);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const tokens = await client.authorizationCodeGrant(config, await authorizationResponse(url), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims()!;
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  return { config, tokens, claims, userinfo };
}

async function implicitLogin() {
  const config = await configuration('implicit');
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state, nonce });
  return client.implicitAuthentication(config, await authorizationResponse(url), nonce, { expectedState: state });
}

describe('without defects openid-client completes every flow', () => {
  before(() => switchDefects([]));

  test('code flow with PKCE, userinfo with the ID token sub, then a refresh', async () => {
    const { config, tokens, claims, userinfo } = await codeLogin();
    assert.equal(claims.iss, serve.issuer);
    assert.equal(claims.sub, 'alice');
    assert.equal(userinfo.email, 'alice@example.com');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(refreshed.claims()!.sub, 'alice');
    assert.notEqual(refreshed.access_token, tokens.access_token);
  });

  test('code flow with the token endpoint ID token signature verified (enableNonRepudiationChecks)', async () => {
    assert.equal((await codeLogin('code', true)).claims.sub, 'alice');
  });

  test('hybrid flow (code id_token by fragment): c_hash and s_hash verified', async () => {
    const { claims } = await codeLogin('hybrid');
    assert.equal(claims.sub, 'alice');
  });

  test('implicit flow (id_token)', async () => {
    const claims = await implicitLogin();
    assert.equal(claims.sub, 'alice');
  });

  test('kid left out with a single key in the JWKS is accepted (Core 10.1)', async () => {
    await switchDefects(['kid_absent_single']);
    try {
      assert.equal((await codeLogin()).claims.sub, 'alice');
    } finally {
      await switchDefects([]);
    }
  });

  test('client_credentials and introspection', async () => {
    const config = await configuration();
    const t = await client.clientCredentialsGrant(config, { scope: 'api' });
    const info = await client.tokenIntrospection(config, t.access_token);
    assert.equal(info.active, true);
    assert.equal(info.client_id, CLIENT_ID);
    await client.tokenRevocation(config, t.access_token);
    assert.equal((await client.tokenIntrospection(config, t.access_token)).active, false);
  });
});

// Each defect, the flow it shows in, and what openid-client's error says (its message names the
// failed rule). The pattern keeps the test honest: a rejection for another reason fails it.
type Flow = 'code' | 'hybrid' | 'implicit' | 'code, signatures checked';
const REJECTED: [Defect, Flow, RegExp][] = [
  ['iss', 'code', /"iss"/],
  ['aud', 'code', /"aud"/],
  ['aud_missing', 'code', /"aud"/],
  ['sub_missing', 'code', /"sub"/],
  ['iat_missing', 'code', /"iat"/],
  ['exp_missing', 'code', /"exp"/],
  ['expired', 'code', /"exp"/],
  ['nonce', 'code', /"nonce"/],
  ['nonce_missing', 'code', /"nonce"/],
  ['sig_rs256', 'code, signatures checked', /signature/i],
  ['sig_es256', 'code, signatures checked', /signature/i],
  ['sig_hs256', 'code, signatures checked', /alg/],
  ['alg_none', 'code', /alg/],
  ['key_confusion', 'code, signatures checked', /alg/],
  ['kid_absent_multi', 'code, signatures checked', /multiple applicable keys/],
  ['state', 'code', /state/],
  ['iss_param', 'code', /"iss"/],
  ['userinfo_sub', 'code', /"sub"/],
  ['discovery_issuer', 'code', /issuer/],
  ['access_denied', 'code', /access_denied/],
  ['c_hash', 'hybrid', /c_hash/],
  ['c_hash_missing', 'hybrid', /c_hash/],
  ['s_hash', 'hybrid', /s_hash/],
  ['query_channel', 'hybrid', /id_token|fragment|parameter/i],
  ['nonce', 'implicit', /"nonce"/],
  ['sig_rs256', 'implicit', /signature/i],
  ['http_500_token', 'code', /status code/],
  ['malformed_json_token', 'code', /JSON/i],
  ['http_500_jwks', 'code, signatures checked', /status code/],
];

describe('openid-client rejects the defects its validation covers', () => {
  for (const [defect, flow, why] of REJECTED) {
    test(`${defect} (${flow} flow) is rejected: ${why}`, async () => {
      await switchDefects([defect]);
      try {
        await assert.rejects(
          () =>
            flow === 'implicit'
              ? implicitLogin()
              : flow === 'code, signatures checked'
                ? codeLogin('code', true)
                : codeLogin(flow),
          (err: Error) => {
            const text = `${err.message} ${String((err as { cause?: unknown }).cause ?? '')} ${String(
              (err as { error?: unknown }).error ?? '',
            )}`;
            assert.match(text, why, `rejected, but for another reason: ${text}`);
            return true;
          },
        );
      } finally {
        await switchDefects([]);
      }
    });
  }
});
