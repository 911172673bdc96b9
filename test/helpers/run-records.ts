// A code-flow run as the HTTP edge and the loopback listener would report it, fed through the real
// builders of src/protocol/run-record.ts: for the tests of the record and of the views that read it.
// Every secret in it is distinctive, so a test can look for each one in whatever a view produced.
import { pass, fail, type Check } from '../../src/protocol/checks.js';
import {
  appendExchange,
  appendFrontChannelRequest,
  appendFrontChannelResponse,
  newRunRecord,
  settleRunRecord,
  type ObservedExchange,
  type RunRecord,
} from '../../src/protocol/run-record.js';
import { makeKey, mintIdToken } from './tokens.js';

export const ISSUER = 'https://op.test';
export const SECRETS = {
  clientSecret: 'client-secret-AAAA1111',
  code: 'authorization-code-BBBB2222',
  codeVerifier: 'code-verifier-CCCC3333-xxxxxxxxxxxxxxxxxxxxxxxx',
  state: 'state-DDDD4444',
  nonce: 'nonce-EEEE5555',
  accessToken: 'access-token-FFFF6666',
  refreshToken: 'refresh-token-GGGG7777',
};
export const BASIC = Buffer.from(`client-1:${SECRETS.clientSecret}`).toString('base64');

const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  userinfo_endpoint: `${ISSUER}/userinfo`,
  jwks_uri: `${ISSUER}/jwks`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
};

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const JSON_HEADERS = { 'content-type': 'application/json' };

export interface FixtureOptions {
  /** The ID token names another issuer, and the iss check fails. */
  badIss?: boolean;
  /** The token endpoint refuses the client (invalid_client), and the run stops there. */
  invalidClient?: boolean;
  showSecrets?: boolean;
  /** Text from a hostile provider: the iss parameter of the authorization response, and a claim. */
  hostile?: string;
}

export async function codeFlowRecord(opts: FixtureOptions = {}): Promise<{ record: RunRecord; idToken: string }> {
  const start = new Date('2026-01-02T03:04:05.000Z');
  const at = (ms: number) => new Date(start.getTime() + ms);
  const record = newRunRecord('login', start, opts.showSecrets ?? false);
  const key = await makeKey('RS256', 'k1');
  const idToken = await mintIdToken(key, {
    issuer: opts.badIss ? 'https://evil.test' : ISSUER,
    claims: { nonce: SECRETS.nonce, ...(opts.hostile ? { name: opts.hostile } : {}) },
  });
  const exchange = (e: Omit<ObservedExchange, 'startedAt'>, ms: number) =>
    appendExchange(record, { ...e, startedAt: at(ms) }, start);

  exchange(
    {
      what: 'discovery document',
      request: { method: 'GET', url: `${ISSUER}/.well-known/openid-configuration`, headers: {}, body: undefined },
      response: { status: 200, headers: JSON_HEADERS, body: json(METADATA), durationMs: 12 },
    },
    5,
  );
  exchange(
    {
      what: 'JWKS',
      request: { method: 'GET', url: `${ISSUER}/jwks`, headers: {}, body: undefined },
      response: { status: 200, headers: JSON_HEADERS, body: json({ keys: [key.publicJwk] }), durationMs: 4 },
    },
    20,
  );
  const authUrl =
    `${ISSUER}/authorize?response_type=code&client_id=client-1` +
    `&redirect_uri=${encodeURIComponent('http://127.0.0.1:4567/callback')}` +
    `&scope=openid&state=${SECRETS.state}&nonce=${SECRETS.nonce}&code_challenge=abc&code_challenge_method=S256`;
  appendFrontChannelRequest(record, authUrl, {
    purpose: 'authorization',
    openBrowser: false,
    at: at(30),
    runStart: start,
  });
  appendFrontChannelResponse(
    record,
    'query',
    { code: SECRETS.code, state: SECRETS.state, iss: opts.hostile ?? ISSUER },
    { at: at(4030), runStart: start },
  );
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: SECRETS.code,
    redirect_uri: 'http://127.0.0.1:4567/callback',
    code_verifier: SECRETS.codeVerifier,
  }).toString();
  const tokenRequest = {
    method: 'POST',
    url: `${ISSUER}/token`,
    headers: {
      accept: 'application/json',
      authorization: `Basic ${BASIC}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form,
  };
  const checks: Check[] = [pass('discovery.issuer', 'the discovery document names the issuer asked for')];
  checks.push(pass('state', 'state matches the one sent'));
  if (opts.invalidClient) {
    exchange(
      {
        what: 'token endpoint',
        request: tokenRequest,
        response: {
          status: 401,
          headers: JSON_HEADERS,
          body: json({ error: 'invalid_client', error_description: 'client authentication failed' }),
          durationMs: 30,
        },
      },
      4040,
    );
    settleRunRecord(record, {
      checks,
      outcome: {
        exit: 4,
        error: {
          code: 'provider_error',
          message: 'the token endpoint (HTTP 401) answered with error "invalid_client"',
        },
      },
      durationMs: 4100,
    });
    return { record, idToken };
  }
  exchange(
    {
      what: 'token endpoint',
      request: tokenRequest,
      response: {
        status: 200,
        headers: JSON_HEADERS,
        body: json({
          access_token: SECRETS.accessToken,
          refresh_token: SECRETS.refreshToken,
          id_token: idToken,
          token_type: 'Bearer',
          expires_in: 3600,
        }),
        durationMs: 30,
      },
    },
    4040,
  );
  exchange(
    {
      what: 'userinfo endpoint',
      request: {
        method: 'GET',
        url: `${ISSUER}/userinfo`,
        headers: { authorization: `Bearer ${SECRETS.accessToken}` },
        body: undefined,
      },
      response: { status: 200, headers: JSON_HEADERS, body: json({ sub: 'alice' }), durationMs: 8 },
    },
    4080,
  );
  checks.push(
    { ...pass('signature', 'RS256 signature verified'), source: 'token_endpoint' },
    opts.badIss
      ? {
          ...fail('iss', 'iss is not the expected issuer', { expected: ISSUER, actual: 'https://evil.test' }),
          source: 'token_endpoint',
        }
      : { ...pass('iss', 'iss is the expected issuer'), source: 'token_endpoint' },
    {
      ...fail('nonce', 'nonce does not match', { expected: SECRETS.nonce, actual: 'other' }),
      source: 'token_endpoint',
    },
    { ...pass('userinfo_sub', 'userinfo sub matches the ID token sub'), source: 'userinfo' },
  );
  if (!opts.badIss)
    checks.splice(
      checks.findIndex((c) => c.id === 'nonce'),
      1,
    );
  settleRunRecord(record, {
    checks,
    outcome: { exit: opts.badIss ? 1 : 0, valid: !opts.badIss },
    durationMs: 4100,
  });
  return { record, idToken };
}

/** Every secret of the fixture, in the forms it could leak in. */
export function fixtureSecrets(idToken: string): string[] {
  return [...Object.values(SECRETS), BASIC, idToken, idToken.split('.')[1]!, idToken.split('.')[2]!];
}
