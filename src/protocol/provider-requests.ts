// The provider side of the requests `oidc-probe serve` answers: which authorization requests it
// takes (RFC 6749 §4.1.1, §4.1.2.1; Core 3.1.2.1–3.3.2.6; RFC 7636), which redirect URIs match
// (RFC 6749 §3.1.2; RFC 8252 §7.3), and how a client authenticates at the token endpoint
// (RFC 6749 §2.3.1). Pure: the HTTP edge in src/io/provider hands in parameters and acts on the verdict.
import { sameSecret } from './authorization-request.js';
import {
  isJarmResponseMode,
  jarmChannel,
  JARM_RESPONSE_MODES,
  RESPONSE_MODES,
  type ResponseMode,
} from './response-type.js';

export interface ProviderClient {
  clientId: string;
  /** Absent: a public client (token_endpoint_auth_method none, PKCE required). */
  clientSecret?: string | undefined;
  /** Registered redirect URIs; none registered means any loopback URI (RFC 8252 §7.3). */
  redirectUris: string[];
  /**
   * Besides its secret, the client may also come without one, binding its code with PKCE only.
   * Not RFC 6749 §3.2.1 (a confidential client authenticates); the in-process test provider keeps
   * it so the login tests run the public-client path against the one client they share.
   */
  alsoPublic?: boolean;
}

/**
 * The channel of a response_mode value, undefined for a mode this provider does not know. JARM
 * §2.3.4: "jwt" is the response type's default channel (query for code, fragment with tokens).
 */
export function responseModeChannel(mode: string, rt: ResponseTypeWords | undefined): ResponseMode | undefined {
  if ((RESPONSE_MODES as readonly string[]).includes(mode)) return mode as ResponseMode;
  if (!isJarmResponseMode(mode)) return undefined;
  return jarmChannel(mode, { idToken: rt?.idToken ?? false, accessToken: rt?.token ?? false });
}

export interface ResponseTypeWords {
  value: string;
  code: boolean;
  idToken: boolean;
  token: boolean;
}

/** The six OpenID Connect response types; words in any order (Multiple Response Types §5). */
export function parseResponseTypeParam(value: string | undefined): ResponseTypeWords | undefined {
  const words = (value ?? '').split(' ').filter(Boolean);
  const set = new Set(words);
  if (words.length === 0 || set.size !== words.length) return undefined;
  if (![...set].every((w) => w === 'code' || w === 'id_token' || w === 'token')) return undefined;
  const rt = { value: words.join(' '), code: set.has('code'), idToken: set.has('id_token'), token: set.has('token') };
  // "token" alone is OAuth 2.0 implicit without an ID token: not an OpenID Connect response type.
  if (rt.token && !rt.code && !rt.idToken) return undefined;
  return rt;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * RFC 3986 §2: a URI is printable ASCII. The URL parser would quietly drop a tab or a newline
 * inside one, but the string itself goes into a Location header, so such a URI is refused here.
 */
export function isUriText(uri: string): boolean {
  return /^[\x21-\x7e]+$/.test(uri);
}

export function isLoopbackRedirect(uri: string): boolean {
  if (!isUriText(uri)) return false;
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname) && u.hash === '';
  } catch {
    return false;
  }
}

/**
 * RFC 6749 §3.1.2.3: the redirect_uri must be a registered one, compared as strings, except that
 * a loopback IP literal may come with any port (RFC 8252 §7.3). A client with none registered
 * takes any loopback URI (how `oidc-probe login` and other native apps listen).
 */
export function redirectUriAllowed(client: ProviderClient, uri: string): boolean {
  if (!isUriText(uri)) return false;
  if (client.redirectUris.length === 0) return isLoopbackRedirect(uri);
  return client.redirectUris.some((registered) => {
    if (registered === uri) return true;
    if (!isLoopbackRedirect(registered) || !isLoopbackRedirect(uri)) return false;
    const a = new URL(registered);
    const b = new URL(uri);
    if (a.hostname === 'localhost') return false;
    a.port = '';
    b.port = '';
    return a.href === b.href;
  });
}

export interface AuthorizationRequest {
  client: ProviderClient;
  redirectUri: string;
  responseType: ResponseTypeWords;
  /** The channel of the answer. */
  responseMode: ResponseMode;
  /** JARM: the answer is a signed JWT in a `response` parameter (JARM §2.3). */
  jarm: boolean;
  /** The request named its response_mode (rather than leaving the response type's default). */
  responseModeSent: boolean;
  scope: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  prompt: string[];
  maxAge: number | undefined;
  loginHint: string | undefined;
  /** RFC 9449 §10: the code may be redeemed only with a DPoP proof from the key of this thumbprint. */
  dpopJkt: string | undefined;
}

export type AuthorizationVerdict =
  | { kind: 'ok'; request: AuthorizationRequest }
  /** RFC 6749 §4.1.2.1: no trustworthy redirect URI, so tell the person, never redirect. */
  | { kind: 'page'; status: number; message: string }
  /** An error sent back to the client on its redirect URI. */
  | {
      kind: 'redirect_error';
      client: ProviderClient;
      redirectUri: string;
      responseMode: ResponseMode;
      /** JARM: errors too travel as a response JWT when a JARM mode was asked for (JARM §2.4). */
      jarm: boolean;
      state: string | undefined;
      error: string;
      description: string;
    };

/** Multiple Response Types §2.1: query for "code", fragment for every type that returns a token. */
export function defaultResponseMode(rt: ResponseTypeWords): ResponseMode {
  return rt.idToken || rt.token ? 'fragment' : 'query';
}

export function checkAuthorizationRequest(
  params: Readonly<Record<string, string>>,
  clients: readonly ProviderClient[],
  opts: { autoApprove: boolean },
): AuthorizationVerdict {
  const clientId = params.client_id;
  if (clientId === undefined)
    return { kind: 'page', status: 400, message: 'the request has no client_id (RFC 6749 §4.1.1)' };
  const client = clients.find((c) => c.clientId === clientId);
  if (!client) return { kind: 'page', status: 400, message: `no client is registered as client_id "${clientId}"` };
  let redirectUri = params.redirect_uri;
  if (redirectUri === undefined) {
    // Core 3.1.2.1 makes redirect_uri REQUIRED; OAuth 2.0 lets a single registered one stand in.
    if (client.redirectUris.length !== 1)
      return { kind: 'page', status: 400, message: 'the request has no redirect_uri (Core 3.1.2.1)' };
    redirectUri = client.redirectUris[0]!;
  }
  if (!redirectUriAllowed(client, redirectUri)) {
    const registered = client.redirectUris.length
      ? `registered: ${client.redirectUris.join(', ')}`
      : 'this client takes loopback URIs only: http://127.0.0.1:PORT/…, http://[::1]:PORT/… ' +
        'or http://localhost:PORT/…';
    return {
      kind: 'page',
      status: 400,
      message: `redirect_uri "${redirectUri}" is not registered for client "${clientId}" (${registered})`,
    };
  }
  const responseType = parseResponseTypeParam(params.response_type);
  const modeParam = params.response_mode;
  const fallbackMode: ResponseMode = responseType ? defaultResponseMode(responseType) : 'query';
  const channel = modeParam === undefined ? undefined : responseModeChannel(modeParam, responseType);
  const jarm = channel !== undefined && isJarmResponseMode(modeParam);
  const error = (code: string, description: string): AuthorizationVerdict => ({
    kind: 'redirect_error',
    client,
    redirectUri,
    responseMode: channel && !(channel === 'query' && fallbackMode === 'fragment') ? channel : fallbackMode,
    jarm,
    state: params.state,
    error: code,
    description,
  });
  if (!responseType)
    return error(
      'unsupported_response_type',
      `response_type "${params.response_type ?? ''}" is not one of code, id_token, "id_token token", ` +
        '"code id_token", "code token", "code id_token token"',
    );
  if (modeParam !== undefined && !channel)
    return error(
      'invalid_request',
      `response_mode "${modeParam}" is not one of ${[...RESPONSE_MODES, ...JARM_RESPONSE_MODES].join(', ')}`,
    );
  // Multiple Response Types §2.1: parameters whose default is the fragment never go in a query;
  // JARM §2.3.1 allows it for query.jwt only when the response is encrypted, which it never is here.
  if (channel === 'query' && defaultResponseMode(responseType) === 'fragment')
    return error(
      'invalid_request',
      `response_mode ${modeParam} cannot carry the tokens of "${responseType.value}"` +
        (jarm ? ' (JARM §2.3.1: only encrypted, and this provider does not encrypt)' : ''),
    );
  const scope = (params.scope ?? '').split(' ').filter(Boolean);
  if (responseType.idToken && !scope.includes('openid'))
    return error('invalid_scope', 'an ID token is asked for, but scope has no "openid" (Core 3.1.2.1)');
  if (params.request !== undefined)
    return error('request_not_supported', 'request objects are not supported by this provider');
  if (params.request_uri !== undefined)
    return error('request_uri_not_supported', 'request_uri is not supported by this provider');
  // Core 3.2.2.1 / 3.3.2.11: nonce REQUIRED whenever the authorization endpoint returns an ID token.
  if (responseType.idToken && !params.nonce)
    return error('invalid_request', `nonce is required with response_type "${responseType.value}" (Core 3.2.2.1)`);
  const challenge = params.code_challenge;
  const method = params.code_challenge_method ?? (challenge !== undefined ? 'plain' : undefined);
  if (challenge !== undefined && method !== 'S256')
    return error('invalid_request', `code_challenge_method "${method}" is not supported; use S256 (RFC 7636 §4.2)`);
  if (challenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return error('invalid_request', 'code_challenge is not the base64url of a SHA-256 hash (RFC 7636 §4.2)');
  // RFC 9700 §2.1.1: a public client binds its code with PKCE.
  if (responseType.code && client.clientSecret === undefined && challenge === undefined)
    return error('invalid_request', `client "${client.clientId}" is public: send a PKCE code_challenge (S256)`);
  const prompt = (params.prompt ?? '').split(' ').filter(Boolean);
  if (prompt.includes('none') && prompt.length > 1)
    return error('invalid_request', 'prompt "none" cannot be combined with other values (Core 3.1.2.1)');
  // No session is kept between requests: without --auto-approve someone has to click.
  if (prompt.includes('none') && !opts.autoApprove)
    return error('login_required', 'prompt=none, and this provider signs in only through its page');
  // RFC 9449 §10: dpop_jkt is the RFC 7638 SHA-256 thumbprint of the key, base64url.
  if (params.dpop_jkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(params.dpop_jkt))
    return error('invalid_request', 'dpop_jkt is not the base64url of a SHA-256 JWK thumbprint (RFC 9449 §10)');
  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(params.max_age))
      return error('invalid_request', `max_age "${params.max_age}" is not a number of seconds`);
    maxAge = Number(params.max_age);
  }
  return {
    kind: 'ok',
    request: {
      client,
      redirectUri,
      responseType,
      responseMode: channel ?? defaultResponseMode(responseType),
      jarm,
      responseModeSent: modeParam !== undefined,
      scope,
      state: params.state,
      nonce: params.nonce,
      codeChallenge: challenge,
      prompt,
      maxAge,
      loginHint: params.login_hint,
      dpopJkt: params.dpop_jkt,
    },
  };
}

/** RFC 9126 §2.2: the request_uri of a pushed request is a URN of this form. */
export const PUSHED_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** Parameters of client authentication (RFC 6749 §2.3.1, RFC 7523 §2.2): not part of the pushed request. */
const CLIENT_AUTH_PARAMS = ['client_secret', 'client_assertion', 'client_assertion_type'];

export type PushVerdict =
  | { kind: 'ok'; params: Record<string, string> }
  | { kind: 'error'; error: string; description: string };

/**
 * RFC 9126 §2.1: a pushed authorization request is checked as the authorization endpoint would
 * check it, for the client that authenticated. Whether someone must still click (prompt=none) is
 * decided when the request_uri comes back, so it is not judged here.
 */
export function checkPushedAuthorizationRequest(
  form: Readonly<Record<string, string>>,
  client: ProviderClient,
  clients: readonly ProviderClient[],
): PushVerdict {
  if (form.request_uri !== undefined)
    return { kind: 'error', error: 'invalid_request', description: 'request_uri cannot be pushed (RFC 9126 §2.1)' };
  if (form.client_id !== undefined && form.client_id !== client.clientId)
    return {
      kind: 'error',
      error: 'invalid_request',
      description: 'client_id differs from the client that authenticated (RFC 9126 §2.1)',
    };
  const params: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(form)) if (!CLIENT_AUTH_PARAMS.includes(k)) params[k] = v;
  params.client_id = client.clientId;
  const verdict = checkAuthorizationRequest(params, clients, { autoApprove: true });
  if (verdict.kind === 'page') return { kind: 'error', error: 'invalid_request', description: verdict.message };
  if (verdict.kind === 'redirect_error')
    return { kind: 'error', error: verdict.error, description: verdict.description };
  return { kind: 'ok', params };
}

export interface PushedRequest {
  clientId: string;
  params: Record<string, string>;
}

/**
 * RFC 9126 §4: an authorization request that names a pushed request_uri is that pushed request
 * (its own other parameters are not used, as for a request object, RFC 9101 §6.3), from the same
 * client. Without a usable pushed request there is no redirect URI to trust, so a page says why.
 */
export function resolvePushedRequest(
  front: Readonly<Record<string, string>>,
  pushed: PushedRequest | undefined,
): { kind: 'ok'; params: Record<string, string> } | { kind: 'page'; status: number; message: string } {
  if (!pushed)
    return {
      kind: 'page',
      status: 400,
      message: 'the request_uri is unknown, already used or expired; push the request again (RFC 9126 §4)',
    };
  if (front.client_id !== pushed.clientId)
    return {
      kind: 'page',
      status: 400,
      message:
        front.client_id === undefined
          ? 'the request has no client_id; it must come with the request_uri (RFC 9126 §4)'
          : `client_id "${front.client_id}" is not the client that pushed this request (RFC 9126 §4)`,
    };
  return { kind: 'ok', params: Object.assign(Object.create(null) as Record<string, string>, pushed.params) };
}

export type ClientAuthentication =
  | { kind: 'ok'; client: ProviderClient; method: 'client_secret_basic' | 'client_secret_post' | 'none' }
  | { kind: 'error'; status: 400 | 401; error: string; description: string; basic: boolean };

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function formDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * RFC 6749 §2.3: one method per request; a confidential client proves its secret, a public one
 * names itself. `authorization` is the request's Authorization header.
 */
export function authenticateClient(
  authorization: string | undefined,
  form: URLSearchParams,
  clients: readonly ProviderClient[],
): ClientAuthentication {
  const basicMatch = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  const fail = (description: string, basic: boolean): ClientAuthentication => ({
    kind: 'error',
    status: 401,
    error: 'invalid_client',
    description,
    basic,
  });
  let id: string | undefined;
  let secret: string | undefined;
  let method: 'client_secret_basic' | 'client_secret_post' | 'none';
  if (basicMatch) {
    if (form.has('client_secret'))
      return {
        kind: 'error',
        status: 400,
        error: 'invalid_request',
        description: 'the client authenticated twice (Basic and client_secret); use one method (RFC 6749 §2.3)',
        basic: true,
      };
    const decoded = Buffer.from(basicMatch[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return fail('the Basic credentials are not client_id:client_secret', true);
    id = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
    if (id === undefined || secret === undefined) return fail('the Basic credentials are not form-urlencoded', true);
    if (form.has('client_id') && form.get('client_id') !== id)
      return fail('client_id in the body differs from the Basic credentials', true);
    method = 'client_secret_basic';
  } else if (authorization !== undefined && authorization !== '') {
    return fail('the Authorization header is not Basic client authentication', false);
  } else {
    id = form.get('client_id') ?? undefined;
    secret = form.get('client_secret') ?? undefined;
    method = secret === undefined ? 'none' : 'client_secret_post';
  }
  if (id === undefined) return fail('no client authentication and no client_id', false);
  const client = clients.find((c) => c.clientId === id);
  if (!client) return fail(`no client is registered as "${id}"`, method === 'client_secret_basic');
  if (client.clientSecret === undefined) {
    if (method !== 'none') return fail(`client "${id}" is public and has no secret to send`, false);
    return { kind: 'ok', client, method };
  }
  if (method === 'none') {
    if (client.alsoPublic) return { kind: 'ok', client, method };
    return fail(`client "${id}" is confidential: authenticate with its secret`, false);
  }
  if (!sameSecret(secret!, client.clientSecret))
    return fail(`wrong client secret for "${id}"`, method === 'client_secret_basic');
  return { kind: 'ok', client, method };
}
