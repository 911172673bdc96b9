// Interim: the advanced-request defects (PAR, JARM, DPoP, mTLS cnf) live on this copy of the test provider
// until they move into serve's provider (src/protocol/provider-defects.ts); only login-advanced-rogue uses it.
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
  'dpop_ignored',
  'dpop_cnf',
  'jarm_unsigned',
  'jarm_aud',
  'jarm_iss',
  'jarm_expired',
  'par_bad',
  'par_error',
  'cnf_x5t',
] as const;
/**
 * iss/aud/…: that claim wrong or missing in every ID token. aud_untrusted: aud lists the client and
 * "untrusted-api" (azp the client). sig_*: a broken signature of that alg
 * (sig_hs256: HS256 keyed with the client secret, signature broken). alg_none: unsecured front-channel
 * ID token. kid_absent_*: no kid, the JWKS holding one / several RSA keys. rotation: signed with a
 * key that appears in the JWKS only from its second fetch on. state / iss_param: wrong response
 * parameters. hybrid_sub: the token endpoint ID token names another sub. query_channel: answers in
 * the query string whatever was asked. query_unless_asked: answers in the query string unless a
 * response_mode is sent (it ignores the response type's default). access_denied: an OAuth error response
 * instead of a grant.
 * hs256 (not a defect): valid HS256 ID tokens keyed with the client secret.
 * Issue 14 (a token request with a DPoP header otherwise gets token_type DPoP; response_mode *.jwt gets
 * a JARM response signed like the ID tokens; /par stores pushed requests for /authorize):
 * dpop_ignored: token_type Bearer even with a DPoP proof. dpop_cnf: a JWT access token whose cnf.jkt
 * names another key. jarm_unsigned / jarm_aud / jarm_iss / jarm_expired: the JARM response unsigned
 * (alg none), for another audience, from another issuer, or expired. par_bad: the push answers 200
 * with a request_uri that is no URI and no expires_in. par_error: the push answers 400
 * invalid_request. cnf_x5t: a JWT access token bound (cnf["x5t#S256"]) to another certificate.
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
  par: number;
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
  const calls: RogueOpCalls = { discovery: 0, jwks: 0, authorize: 0, token: 0, userinfo: 0, par: 0 };
  /** RFC 9126: pushed authorization requests, by request_uri. */
  const pushed = new Map<string, URLSearchParams>();
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, string>();
  const issued: string[] = [];
  let issuer = '';

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
    },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: defects.has('iss') ? `${issuer}/not-the-issuer` : issuer,
      sub: where === 'back' && defects.has('hybrid_sub') ? 'mallory' : sub,
      aud: defects.has('aud') ? 'someone-else' : clientId,
      iat: defects.has('iat_future') ? now + 3600 : defects.has('expired') ? now - 7200 : now,
      exp: defects.has('expired') ? now - 3600 : now + 600,
      auth_time: now,
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
    const q = pushed.get(url.searchParams.get('request_uri') ?? '') ?? url.searchParams;
    const responseType = (q.get('response_type') ?? '').split(' ').filter(Boolean);
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== clientId || !/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(redirectUri)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown client or redirect_uri');
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
    params.iss = defects.has('iss_param') ? `${issuer}/not-the-issuer` : issuer;

    const fragmentDefault = responseType.some((t) => t !== 'code');
    let mode = defects.has('query_channel')
      ? 'query'
      : (q.get('response_mode') ?? (fragmentDefault && !defects.has('query_unless_asked') ? 'fragment' : 'query'));
    if (mode.endsWith('jwt')) {
      // JARM §2.3: the parameters become the claims of one JWT in `response`, on the mode's channel.
      const response = await jarmResponse(params);
      for (const name of Object.keys(params)) delete params[name];
      params.response = response;
      mode = mode === 'jwt' ? (fragmentDefault ? 'fragment' : 'query') : mode.slice(0, -'.jwt'.length);
    }
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
    if (form.get('grant_type') !== 'authorization_code')
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
    const withProof = typeof req.headers.dpop === 'string' && !defects.has('dpop_ignored');
    const accessToken = await boundAccessToken();
    accessTokens.set(accessToken, sub);
    issued.push(accessToken);
    const body = {
      access_token: accessToken,
      token_type: withProof ? 'DPoP' : 'Bearer',
      expires_in: 600,
      scope: grant.scope,
      id_token: await idToken('back', { nonce: grant.nonce, accessToken }),
    };
    issued.push(body.id_token);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }

  function userinfo(req: IncomingMessage, res: ServerResponse): void {
    const m = /^(?:Bearer|DPoP) (.+)$/i.exec(req.headers.authorization ?? '');
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

  /** JARM §2.1: the response parameters with iss, aud and exp, signed like the ID tokens (or not, or wrong). */
  async function jarmResponse(params: Record<string, string>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      ...params,
      iss: defects.has('jarm_iss') ? `${issuer}/not-the-issuer` : issuer,
      aud: defects.has('jarm_aud') ? 'someone-else' : clientId,
      exp: defects.has('jarm_expired') ? now - 3600 : now + 600,
      iat: defects.has('jarm_expired') ? now - 4200 : now,
    };
    if (defects.has('jarm_unsigned')) return unsecuredToken(claims);
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: 'RS256', kid: k.rsa1.kid })
      .sign(k.rsa1.privateKey);
  }

  /** An opaque access token; for dpop_cnf / cnf_x5t an RFC 9068 JWT bound to a key or certificate not the client's. */
  async function boundAccessToken(): Promise<string> {
    const cnf = defects.has('dpop_cnf')
      ? { jkt: randomBytes(32).toString('base64url') }
      : defects.has('cnf_x5t')
        ? { 'x5t#S256': randomBytes(32).toString('base64url') }
        : undefined;
    if (!cnf) return random();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, sub, aud: 'https://api.rogue.test/', client_id: clientId, jti: random(), cnf })
      .setProtectedHeader({ alg: 'RS256', kid: k.rsa1.kid, typ: 'at+jwt' })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(k.rsa1.privateKey);
  }

  /** RFC 9126 §2: the pushed request is kept under a request_uri the authorization endpoint resolves. */
  async function par(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const answer = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    const [id, secret] = basic
      ? Buffer.from(basic[1]!, 'base64')
          .toString('utf8')
          .split(':')
          .map((v) => decodeURIComponent(v))
      : [form.get('client_id') ?? undefined, form.get('client_secret') ?? undefined];
    if (id !== clientId || (secret !== undefined && secret !== clientSecret))
      return void answer(401, { error: 'invalid_client', error_description: 'client authentication failed' });
    if (defects.has('par_error'))
      return void answer(400, { error: 'invalid_request', error_description: 'the pushed request is refused' });
    if (defects.has('par_bad')) return void answer(200, { request_uri: 'not a uri' });
    const requestUri = `urn:ietf:params:oauth:request_uri:${random()}`;
    form.delete('client_secret');
    form.set('client_id', clientId);
    pushed.set(requestUri, form);
    answer(201, { request_uri: requestUri, expires_in: 60 });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    void (async () => {
      switch (url.pathname) {
        case '/.well-known/openid-configuration':
          calls.discovery++;
          return json({
            issuer: defects.has('discovery_issuer') ? `${issuer}/not-the-issuer` : issuer,
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
            response_modes_supported: [
              'query',
              'fragment',
              'form_post',
              'jwt',
              'query.jwt',
              'fragment.jwt',
              'form_post.jwt',
            ],
            pushed_authorization_request_endpoint: `${issuer}/par`,
            dpop_signing_alg_values_supported: ['ES256', 'RS256'],
            authorization_signing_alg_values_supported: ['RS256'],
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
            authorization_response_iss_parameter_supported: true,
          });
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
        case '/par':
          calls.par++;
          return par(req, res);
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
