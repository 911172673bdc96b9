// Interim: the provider-quirk reproductions and the device grant the login tests of issue 15 use
// live on this copy of the test provider until they move into serve's provider.
// rogue-op: a small OpenID provider of our own on 127.0.0.1 that can be told to misbehave in each
// of the ways the OpenID Foundation's relying-party certification tests for. Its authorization
// endpoint answers at once (no login page) in the requested channel — query or fragment (302) or
// form_post (an auto-submitting form) — with code / id_token / access token per response_type.
// It counts every call, so tests can assert "code not redeemed" and "userinfo not called".
// Tokens are minted with jose; the hashes (at_hash, c_hash, s_hash) are computed here with
// node:crypto, independently of the code under test.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { unsecuredToken } from '../helpers/tokens.js';

export const DEFECTS = [
  'iss',
  'aud',
  'aud_missing',
  'aud_untrusted',
  'sub_missing',
  'iat_missing',
  'exp_missing',
  'expired',
  'iat_future',
  'nonce',
  'nonce_missing',
  'sig_rs256',
  'sig_es256',
  'sig_hs256',
  'alg_none',
  'kid_absent_single',
  'kid_absent_multi',
  'at_hash',
  'at_hash_missing',
  'c_hash',
  'c_hash_missing',
  's_hash',
  'userinfo_sub',
  'discovery_issuer',
  'rotation',
  'state',
  'iss_param',
  'hybrid_sub',
  'query_channel',
  'query_unless_asked',
  'access_denied',
  'hs256',
  // Provider quirks (src/protocol/provider-quirks.ts), one each:
  'issuer_template',
  'entra_v1',
  'iss_no_scheme',
  'localhost_only',
  'apple_user',
  'token_error_200',
  'no_id_token',
  'no_id_token_refresh',
  'auth_time_zero',
  'workload_identity',
  'discovery_redirect',
] as const;
/**
 * iss/aud/…: that claim wrong or missing in every ID token. aud_untrusted: aud lists the client and
 * "untrusted-api" (azp the client). sig_*: a broken signature of that alg
 * (sig_hs256: HS256 keyed with the client secret, signature broken). alg_none: unsecured front-channel
 * ID token. kid_absent_*: no kid, the JWKS holding one / several RSA keys. rotation: signed with a
 * key that appears in the JWKS only from its second fetch on. state / iss_param: wrong response
 * parameters. hybrid_sub: the token endpoint ID token names another sub. query_channel: answers in
 * the query string whatever was asked. query_unless_asked: answers in the query string unless a
 * response_mode is sent (it ignores the response type's default). access_denied: an OAuth error response instead of a grant.
 * hs256 (not a defect): valid HS256 ID tokens keyed with the client secret.
 * Quirks: issuer_template: discovery (also at /common/v2.0) names ISSUER/{tenantid}/v2.0, ID tokens
 * ISSUER/<tid>/v2.0 with tid (Entra multi-tenant). entra_v1: expires_in as a string, ID token iss
 * https://sts.windows.net/<tid>/. iss_no_scheme: iss without "http://" (Google's older tokens).
 * localhost_only: a redirect URI not on localhost gets the provider's own error page with
 * redirect_mismatch (Cognito). apple_user: form_post adds a user JSON field. token_error_200: token
 * errors with HTTP 200. no_id_token: no id_token from the token endpoint. no_id_token_refresh: none on
 * refresh. auth_time_zero: auth_time 0. workload_identity: discovery without endpoints, response type
 * id_token only. discovery_redirect: the well-known URL answers 301 to /meta/openid-configuration.
 * Always on: refresh tokens (grant refresh_token) and the device grant (approved by a GET of
 * verification_uri_complete).
 */
export type Defect = (typeof DEFECTS)[number];

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface SigningKey {
  alg: string;
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

let keysOnce: Promise<{ rsa1: SigningKey; rsa2: SigningKey; rsa3: SigningKey; ec1: SigningKey }> | undefined;

/** Keys are shared by every rogue-op in a test process (RSA generation is slow on a loaded machine). */
function keys() {
  keysOnce ??= (async () => {
    const make = async (alg: string, kid: string): Promise<SigningKey> => {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    };
    const [rsa1, rsa2, rsa3, ec1] = await Promise.all([
      make('RS256', 'rsa-1'),
      make('RS256', 'rsa-2'),
      make('RS256', 'rsa-3'),
      make('ES256', 'ec-1'),
    ]);
    return { rsa1, rsa2, rsa3, ec1 };
  })();
  return keysOnce;
}

export interface RogueOpCalls {
  discovery: number;
  jwks: number;
  authorize: number;
  token: number;
  userinfo: number;
}

export interface RogueOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The subject the tokens name. */
  sub: string;
  calls: RogueOpCalls;
  /** Every code, access token and ID token handed out, so tests can look for leaks. */
  issued: string[];
  defects: Set<Defect>;
  close(): Promise<void>;
}

export interface RogueOpOptions {
  clientId?: string;
  clientSecret?: string;
  defects?: readonly Defect[];
}

interface Grant {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  scope: string;
  used: boolean;
  /** When the user authenticated (Core 12.2: a refreshed ID token keeps it). */
  authTime?: number;
}

const hashHalf = (value: string) =>
  createHash('sha256').update(value, 'ascii').digest().subarray(0, 16).toString('base64url');
const random = () => randomBytes(24).toString('base64url');

/** Change one character in the middle of the signature, so it no longer verifies. */
function breakSignature(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const i = Math.floor(s.length / 2);
  return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
}

const htmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startRogueOp(opts: RogueOpOptions = {}): Promise<RogueOp> {
  const k = await keys();
  const clientId = opts.clientId ?? 'rogue-client';
  const clientSecret = opts.clientSecret ?? 'rogue-client-secret-0123456789abcdef';
  const sub = 'alice';
  const defects = new Set<Defect>(opts.defects ?? []);
  const calls: RogueOpCalls = { discovery: 0, jwks: 0, authorize: 0, token: 0, userinfo: 0 };
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, string>();
  const issued: string[] = [];
  const refreshTokens = new Map<string, Grant>();
  const devices = new Map<string, { userCode: string; approved: boolean; scope: string }>();
  let issuer = '';
  const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
  const issIn = () => {
    if (defects.has('iss')) return `${issuer}/not-the-issuer`;
    if (defects.has('issuer_template')) return `${issuer}/${TENANT}/v2.0`;
    if (defects.has('entra_v1')) return `https://sts.windows.net/${TENANT}/`;
    if (defects.has('iss_no_scheme')) return issuer.replace(/^http:\/\//, '');
    return issuer;
  };

  const jwks = (): JWK[] => {
    if (defects.has('kid_absent_single')) return [k.rsa1.publicJwk];
    if (defects.has('kid_absent_multi')) return [k.rsa1.publicJwk, k.rsa3.publicJwk, k.ec1.publicJwk];
    // Rotation: the key that signs appears only after the first fetch.
    if (defects.has('rotation') && calls.jwks > 1) return [k.rsa1.publicJwk, k.ec1.publicJwk, k.rsa2.publicJwk];
    return [k.rsa1.publicJwk, k.ec1.publicJwk];
  };

  async function idToken(
    where: 'front' | 'back',
    input: {
      nonce: string | undefined;
      accessToken?: string | undefined;
      code?: string | undefined;
      state?: string | undefined;
      authTime?: number | undefined;
    },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: issIn(),
      sub: where === 'back' && defects.has('hybrid_sub') ? 'mallory' : sub,
      aud: defects.has('aud') ? 'someone-else' : clientId,
      iat: defects.has('iat_future') ? now + 3600 : defects.has('expired') ? now - 7200 : now,
      exp: defects.has('expired') ? now - 3600 : now + 600,
      auth_time: defects.has('auth_time_zero') ? 0 : (input.authTime ?? now),
      ...(defects.has('issuer_template') || defects.has('entra_v1') ? { tid: TENANT } : {}),
    };
    if (defects.has('aud_untrusted')) Object.assign(claims, { aud: [clientId, 'untrusted-api'], azp: clientId });
    if (input.nonce !== undefined) claims.nonce = defects.has('nonce') ? 'not-the-nonce' : input.nonce;
    if (input.accessToken !== undefined)
      claims.at_hash = defects.has('at_hash') ? hashHalf('another access token') : hashHalf(input.accessToken);
    if (input.code !== undefined)
      claims.c_hash = defects.has('c_hash') ? hashHalf('another code') : hashHalf(input.code);
    if (where === 'front' && input.state !== undefined)
      claims.s_hash = defects.has('s_hash') ? hashHalf('another state') : hashHalf(input.state);
    const drop: [Defect, string][] = [
      ['aud_missing', 'aud'],
      ['sub_missing', 'sub'],
      ['iat_missing', 'iat'],
      ['exp_missing', 'exp'],
      ['nonce_missing', 'nonce'],
      ['at_hash_missing', 'at_hash'],
      ['c_hash_missing', 'c_hash'],
    ];
    for (const [d, claim] of drop) if (defects.has(d)) delete claims[claim];

    if (where === 'front' && defects.has('alg_none')) return unsecuredToken(claims);
    const sign = (key: SigningKey | { alg: 'HS256'; secret: Uint8Array }, kid: boolean) =>
      new SignJWT(claims as JWTPayload)
        .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid && 'kid' in key ? { kid: key.kid } : {}) })
        .sign('secret' in key ? key.secret : key.privateKey);
    if (defects.has('sig_rs256')) return breakSignature(await sign(k.rsa1, true));
    if (defects.has('sig_es256')) return breakSignature(await sign(k.ec1, true));
    // Core 10.1: HS256 keyed with the client secret, then the signature broken.
    if (defects.has('sig_hs256'))
      return breakSignature(await sign({ alg: 'HS256', secret: new TextEncoder().encode(clientSecret) }, false));
    if (defects.has('hs256')) return sign({ alg: 'HS256', secret: new TextEncoder().encode(clientSecret) }, false);
    if (defects.has('hs256')) return sign({ alg: 'HS256', secret: new TextEncoder().encode(clientSecret) }, false);
    if (defects.has('kid_absent_single') || defects.has('kid_absent_multi')) return sign(k.rsa1, false);
    if (defects.has('rotation')) return sign(k.rsa2, true);
    return sign(k.rsa1, true);
  }

  async function authorize(url: URL, res: ServerResponse): Promise<void> {
    const q = url.searchParams;
    const responseType = (q.get('response_type') ?? '').split(' ').filter(Boolean);
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== clientId || !/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(redirectUri)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown client or redirect_uri');
      return;
    }
    if (defects.has('localhost_only') && !redirectUri.startsWith('http://localhost:')) {
      res.writeHead(302, { location: `${issuer}/error?error=redirect_mismatch&client_id=${clientId}` }).end();
      return;
    }
    const state = q.get('state') ?? undefined;
    const nonce = q.get('nonce') ?? undefined;
    const params: Record<string, string> = {};
    let code: string | undefined;
    let accessToken: string | undefined;
    if (defects.has('access_denied')) {
      params.error = 'access_denied';
      params.error_description = 'the user said no';
    } else if (responseType.includes('code')) {
      code = random();
      grants.set(code, {
        clientId,
        redirectUri,
        nonce,
        codeChallenge: q.get('code_challenge') ?? undefined,
        scope: q.get('scope') ?? 'openid',
        used: false,
        authTime: Math.floor(Date.now() / 1000),
      });
      params.code = code;
      issued.push(code);
    }
    if (responseType.includes('token') && !params.error) {
      accessToken = random();
      accessTokens.set(accessToken, sub);
      params.access_token = accessToken;
      issued.push(accessToken);
      params.token_type = 'Bearer';
      params.expires_in = '600';
    }
    if (responseType.includes('id_token') && !params.error) {
      params.id_token = await idToken('front', { nonce, accessToken, code, state });
      issued.push(params.id_token);
    }
    if (state !== undefined) params.state = defects.has('state') ? `${state}-not-the-state` : state;
    // RFC 9207 §2: the iss parameter with every authorization response.
    if (!defects.has('issuer_template')) params.iss = defects.has('iss_param') ? `${issuer}/not-the-issuer` : issuer;

    const fragmentDefault = responseType.some((t) => t !== 'code');
    const mode = defects.has('query_channel')
      ? 'query'
      : (q.get('response_mode') ?? (fragmentDefault && !defects.has('query_unless_asked') ? 'fragment' : 'query'));
    if (mode === 'form_post' && defects.has('apple_user'))
      params.user = JSON.stringify({ name: { firstName: 'Alice', lastName: 'Rogue' }, email: 'alice@rogue.test' });
    const encoded = new URLSearchParams(params).toString();
    if (mode === 'form_post') {
      const inputs = Object.entries(params)
        .map(([n, v]) => `<input type="hidden" name="${htmlEscape(n)}" value="${htmlEscape(v)}">`)
        .join('\n');
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(`<!doctype html>
<html><head><title>Submit This Form</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${htmlEscape(redirectUri)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>`);
      return;
    }
    const target =
      mode === 'fragment'
        ? `${redirectUri}#${encoded}`
        : `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`;
    res.writeHead(302, { location: target, 'cache-control': 'no-store' }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const oauthError = (status: number, error: string, description: string) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ error, error_description: description }));
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [u, p] = Buffer.from(basic[1]!, 'base64')
        .toString('utf8')
        .split(':')
        .map((s) => decodeURIComponent(s)) as [string, string | undefined];
      id = u;
      secret = p;
    }
    if (id !== clientId || (secret !== undefined && secret !== clientSecret))
      return void oauthError(401, 'invalid_client', 'client authentication failed');
    if (defects.has('token_error_200'))
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'bad_verification_code', error_description: 'The code passed is incorrect.' }));
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token' || grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
      const refresh = grantType === 'refresh_token';
      const device = devices.get(form.get('device_code') ?? '');
      const old = refresh ? refreshTokens.get(form.get('refresh_token') ?? '') : undefined;
      if (refresh && !old) return void oauthError(400, 'invalid_grant', 'unknown refresh token');
      if (!refresh && !device) return void oauthError(400, 'invalid_grant', 'unknown device code');
      if (device && !device.approved) return void oauthError(400, 'authorization_pending', 'not yet');
      const at = random();
      accessTokens.set(at, sub);
      issued.push(at);
      const out: Record<string, unknown> = { access_token: at, token_type: 'Bearer', expires_in: 600 };
      if (!(refresh && defects.has('no_id_token_refresh')))
        out.id_token = await idToken('back', { nonce: undefined, accessToken: at, authTime: old?.authTime });
      if (device) devices.delete(form.get('device_code')!);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    }
    if (grantType !== 'authorization_code')
      return void oauthError(400, 'unsupported_grant_type', 'only authorization_code');
    const code = form.get('code') ?? '';
    const grant = grants.get(code);
    if (!grant || grant.used) return void oauthError(400, 'invalid_grant', 'unknown or used code');
    if (form.get('redirect_uri') !== grant.redirectUri)
      return void oauthError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    if (grant.codeChallenge !== undefined) {
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge)
        return void oauthError(400, 'invalid_grant', 'PKCE verification failed');
    }
    if (secret === undefined && grant.codeChallenge === undefined)
      return void oauthError(401, 'invalid_client', 'a public client must use PKCE');
    grant.used = true;
    const accessToken = random();
    accessTokens.set(accessToken, sub);
    issued.push(accessToken);
    const refreshToken = random();
    refreshTokens.set(refreshToken, grant);
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: defects.has('entra_v1') ? '600' : 600,
      scope: grant.scope,
      refresh_token: refreshToken,
      id_token: await idToken('back', { nonce: grant.nonce, accessToken, authTime: grant.authTime }),
    };
    if (defects.has('no_id_token')) delete body.id_token;
    else issued.push(body.id_token as string);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }

  function userinfo(req: IncomingMessage, res: ServerResponse): void {
    const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    const owner = m ? accessTokens.get(m[1]!) : undefined;
    if (!owner) {
      res
        .writeHead(401, {
          'www-authenticate': 'Bearer error="invalid_token", error_description="unknown access token"',
        })
        .end();
      return;
    }
    const claims = {
      sub: defects.has('userinfo_sub') ? 'mallory' : owner,
      name: 'Alice Rogue',
      email: 'alice@rogue.test',
      email_verified: true,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(claims));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    void (async () => {
      const discovery = url.pathname === '/.well-known/openid-configuration';
      if (discovery && defects.has('discovery_redirect'))
        return void res.writeHead(301, { location: `${issuer}/meta/openid-configuration` }).end();
      if (defects.has('workload_identity') && discovery) {
        calls.discovery++;
        return json({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      switch (
        url.pathname === '/meta/openid-configuration' ||
        (defects.has('issuer_template') && url.pathname === '/common/v2.0/.well-known/openid-configuration')
          ? '/.well-known/openid-configuration'
          : url.pathname
      ) {
        case '/.well-known/openid-configuration':
          calls.discovery++;
          return json({
            issuer: defects.has('discovery_issuer')
              ? `${issuer}/not-the-issuer`
              : defects.has('issuer_template')
                ? `${issuer}/{tenantid}/v2.0`
                : issuer,
            device_authorization_endpoint: `${issuer}/device_authorization`,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            userinfo_endpoint: `${issuer}/userinfo`,
            jwks_uri: `${issuer}/jwks`,
            scopes_supported: ['openid', 'profile', 'email'],
            response_types_supported: [
              'code',
              'id_token',
              'id_token token',
              'code id_token',
              'code token',
              'code id_token token',
            ],
            response_modes_supported: ['query', 'fragment', 'form_post'],
            grant_types_supported: ['authorization_code', 'implicit'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256', 'ES256', 'HS256'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
            code_challenge_methods_supported: ['S256'],
            claims_supported: [
              'sub',
              'iss',
              'aud',
              'exp',
              'iat',
              'auth_time',
              'nonce',
              'name',
              'email',
              'email_verified',
            ],
            authorization_response_iss_parameter_supported: !defects.has('issuer_template'),
          });
        case '/device_authorization': {
          const device = random();
          const userCode = randomBytes(4).toString('hex').toUpperCase();
          devices.set(device, {
            userCode,
            approved: false,
            scope: new URLSearchParams(await readBody(req)).get('scope') ?? '',
          });
          return json({
            device_code: device,
            user_code: userCode,
            verification_uri: `${issuer}/device`,
            verification_uri_complete: `${issuer}/device?user_code=${userCode}`,
            expires_in: 60,
            interval: 1,
          });
        }
        case '/device': {
          const entry = [...devices.values()].find((d) => d.userCode === url.searchParams.get('user_code'));
          if (entry) entry.approved = true;
          return void res.writeHead(entry ? 200 : 404, { 'content-type': 'text/plain' }).end(entry ? 'approved' : 'no');
        }
        case '/jwks':
          calls.jwks++;
          return json({ keys: jwks() });
        case '/authorize':
          calls.authorize++;
          return authorize(url, res);
        case '/token':
          calls.token++;
          return token(req, res);
        case '/userinfo':
          calls.userinfo++;
          return userinfo(req, res);
        default:
          res.writeHead(404).end();
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`rogue-op failed: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    clientId,
    clientSecret,
    sub,
    calls,
    issued,
    defects,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
