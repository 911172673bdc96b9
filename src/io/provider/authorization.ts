// The authorization endpoint (Core 3.1.2, 3.2.2, 3.3.2): checks the request, shows the sign-in page
// (or approves at once with --auto-approve), then answers on the redirect URI with code, access
// token and ID token as the response_type asks, by query, fragment or form_post.
import { applyResponseDefects, refusedAsNotLocalhost, type Defect } from '../../protocol/provider-defects.js';
import {
  checkAuthorizationRequest,
  PUSHED_REQUEST_URI_PREFIX,
  resolvePushedRequest,
  type AuthorizationRequest,
  type ProviderClient,
} from '../../protocol/provider-requests.js';
import type { ResponseMode } from '../../protocol/response-type.js';
import { ACCESS_TOKEN_SECONDS, nowSeconds, type ProviderCore, type ProviderUser } from './core.js';
import { formPostPage, messagePage, signInPage } from './pages.js';
import { html, redirect, type Reply } from './reply.js';
import { singleParams, type ProviderRequest } from './request.js';

export const AUTHORIZATION_PATH = '/authorize';
export const DECISION_PATH = '/authorize/decision';
/** The provider's own error page (where the localhost_only defect sends the browser). */
export const ERROR_PAGE_PATH = '/error';

export async function authorizationEndpoint(core: ProviderCore, req: ProviderRequest): Promise<Reply> {
  // Core 3.1.2.1: GET and POST (form-encoded) both carry the request.
  const source = req.method === 'POST' ? new URLSearchParams(req.body) : req.url.searchParams;
  const single = singleParams(source);
  const repeated = single.repeated;
  let params = single.params;
  if (repeated)
    return html(
      400,
      messagePage('Bad request', `the parameter ${repeated} appears more than once (RFC 6749 §3.1)`),
      `refused: ${repeated} repeated`,
    );
  // RFC 9126 §4: a request_uri from the pushed authorization request endpoint stands for that request.
  if (params.request_uri?.startsWith(PUSHED_REQUEST_URI_PREFIX)) {
    const resolved = resolvePushedRequest(params, core.takePushedRequest(params.request_uri));
    if (resolved.kind === 'page')
      return html(
        resolved.status,
        messagePage('This request cannot be answered', resolved.message),
        `refused: ${resolved.message}`,
        { ...(params.client_id !== undefined ? { client: params.client_id } : {}) },
      );
    params = resolved.params;
  }
  const verdict = checkAuthorizationRequest(params, core.settings.clients, { autoApprove: core.settings.autoApprove });
  if (verdict.kind === 'page')
    return html(
      verdict.status,
      messagePage('This request cannot be answered', verdict.message),
      `refused: ${verdict.message}`,
      {
        ...(params.client_id !== undefined ? { client: params.client_id } : {}),
      },
    );
  // Cognito's way with a redirect URI it does not take: its own error page, not the client's URI.
  const redirectUri = verdict.kind === 'redirect_error' ? verdict.redirectUri : verdict.request.redirectUri;
  if (refusedAsNotLocalhost(redirectUri, core.defects)) {
    const client = verdict.kind === 'redirect_error' ? verdict.client : verdict.request.client;
    const page = `${core.endpoint(ERROR_PAGE_PATH)}?${new URLSearchParams({
      error: 'redirect_mismatch',
      client_id: client.clientId,
    })}`;
    return {
      ...redirect(page, `redirect_mismatch: ${redirectUri} is not on localhost (defect)`),
      applied: ['localhost_only'],
      client: client.clientId,
    };
  }
  if (verdict.kind === 'redirect_error') {
    const answer: Record<string, string> = { error: verdict.error, error_description: verdict.description };
    if (verdict.state !== undefined) answer.state = verdict.state;
    answer.iss = core.settings.issuer;
    const sent = await onRedirectUri(
      core,
      verdict.client,
      verdict.redirectUri,
      verdict.responseMode,
      verdict.jarm,
      answer,
    );
    return {
      ...sent.reply,
      note: `${verdict.error}: ${verdict.description}`,
      applied: sent.applied,
      client: params.client_id,
    };
  }
  const request = verdict.request;
  if (core.settings.autoApprove) return respond(core, request, core.userFor(loginHintOr(request, core)));
  const interaction = core.newInteraction(request);
  return html(
    200,
    signInPage({
      action: core.endpoint(DECISION_PATH),
      interaction,
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      responseType: request.responseType.value,
      responseMode: modeName(request),
      scope: request.scope.join(' '),
      user: loginHintOr(request, core),
    }),
    `sign-in page for ${request.responseType.value} by ${modeName(request)}`,
    { client: request.client.clientId },
  );
}

/** The response mode as a client names it: the channel, with ".jwt" for JARM. */
function modeName(request: Pick<AuthorizationRequest, 'responseMode' | 'jarm'>): string {
  return request.jarm ? `${request.responseMode}.jwt` : request.responseMode;
}

function loginHintOr(request: AuthorizationRequest, core: ProviderCore): string {
  const hint = request.loginHint;
  return hint !== undefined && validUserName(hint) ? hint : core.settings.user.sub;
}

/** A sub typed on the sign-in page: 1–255 visible characters (Core 2: sub is at most 255 ASCII). */
export function validUserName(s: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(s);
}

/** The sign-in page's answer: approve as the user typed, or deny (RFC 6749 §4.1.2.1 access_denied). */
export async function decisionEndpoint(core: ProviderCore, req: ProviderRequest): Promise<Reply> {
  const form = new URLSearchParams(req.body);
  const request = core.takeInteraction<AuthorizationRequest>(form.get('interaction') ?? undefined);
  if (!request)
    return html(
      400,
      messagePage('Sign-in expired', 'This sign-in page was already used or has expired. Start the sign-in again.'),
      'refused: unknown or used sign-in',
    );
  if (form.get('decision') !== 'approve') {
    const answer: Record<string, string> = { error: 'access_denied', error_description: 'the user denied the request' };
    if (request.state !== undefined) answer.state = request.state;
    answer.iss = core.settings.issuer;
    const sent = await onRedirectUri(
      core,
      request.client,
      request.redirectUri,
      request.responseMode,
      request.jarm,
      answer,
    );
    return {
      ...sent.reply,
      note: 'access_denied: the user clicked Deny',
      applied: sent.applied,
      client: request.client.clientId,
    };
  }
  const sub = form.get('user') ?? '';
  if (!validUserName(sub))
    return html(
      400,
      messagePage('Bad user name', 'The user name must be 1 to 255 visible ASCII characters. Start the sign-in again.'),
      'refused: bad user name on the sign-in page',
      { client: request.client.clientId },
    );
  return respond(core, request, core.userFor(sub));
}

/** The authorization response for an approved request, with the defects that are on. */
async function respond(core: ProviderCore, request: AuthorizationRequest, user: ProviderUser): Promise<Reply> {
  const rt = request.responseType;
  const applied: Defect[] = [];
  const notApplicable: Defect[] = [];
  const params: Record<string, string> = {};
  if (core.defects.has('access_denied')) {
    params.error = 'access_denied';
    params.error_description = 'the user said no';
    applied.push('access_denied');
  } else {
    const auth = { client: request.client, user, scope: request.scope, authTime: nowSeconds() };
    let code: string | undefined;
    let accessToken: string | undefined;
    if (rt.code) {
      code = core.newCode({
        ...auth,
        redirectUri: request.redirectUri,
        nonce: request.nonce,
        codeChallenge: request.codeChallenge,
        hybrid: rt.idToken,
        dpopJkt: request.dpopJkt,
      });
      params.code = code;
    }
    if (rt.token) {
      // RFC 9449 §5 binds what the token endpoint issues; one from here has no proof to bind to: Bearer.
      const issued = await core.newAccessToken(auth);
      accessToken = issued.token;
      applied.push(...issued.applied);
      params.access_token = accessToken;
      params.token_type = 'Bearer';
      params.expires_in = String(ACCESS_TOKEN_SECONDS);
    }
    if (rt.idToken) {
      const id = await core.idToken({
        client: request.client,
        user,
        authTime: auth.authTime,
        nonce: request.nonce,
        accessToken,
        code,
        state: request.state,
        channel: 'authorization_endpoint',
        hybrid: false,
      });
      params.id_token = id.token;
      applied.push(...id.applied);
      notApplicable.push(...id.notApplicable);
    }
    // Core 3.2.2.5: scope is returned when it differs from the request; it never does here.
  }
  if (request.state !== undefined) params.state = request.state;
  // RFC 9207 §2: iss with every authorization response.
  params.iss = core.settings.issuer;
  const changed = applyResponseDefects(params, request.responseMode, core.defects, {
    issuer: core.settings.issuer,
    responseModeSent: request.responseModeSent,
    jarm: request.jarm,
    user,
  });
  applied.push(...changed.applied);
  if (!request.jarm) notApplicable.push(...JARM_DEFECTS.filter((d) => core.defects.has(d)));
  const what = params.error
    ? params.error
    : Object.keys(params)
        .filter((k) => ['code', 'access_token', 'id_token'].includes(k))
        .join(' + ');
  const sent = await onRedirectUri(
    core,
    request.client,
    request.redirectUri,
    changed.mode,
    request.jarm,
    changed.params,
  );
  applied.push(...sent.applied);
  const mode = modeName({ ...request, responseMode: changed.mode });
  return {
    ...sent.reply,
    note: `${what} for ${user.sub} by ${mode} to ${request.redirectUri}`,
    applied,
    notApplicable,
    client: request.client.clientId,
  };
}

const JARM_DEFECTS: readonly Defect[] = ['jarm_unsigned', 'jarm_aud', 'jarm_iss', 'jarm_expired'];

/** The answer on the redirect URI: the parameters as they are, or inside a JARM response JWT (JARM §2.3). */
async function onRedirectUri(
  core: ProviderCore,
  client: ProviderClient,
  redirectUri: string,
  mode: ResponseMode,
  jarm: boolean,
  params: Record<string, string>,
): Promise<{ reply: Reply; applied: Defect[] }> {
  if (!jarm) return { reply: deliver(redirectUri, mode, params), applied: [] };
  const { token, applied } = await core.jarmResponse(params, client);
  return { reply: deliver(redirectUri, mode, { response: token }), applied };
}

/** The redirect (query or fragment) or the self-submitting form (form_post) carrying the answer. */
export function deliver(redirectUri: string, mode: ResponseMode, params: Record<string, string>): Reply {
  if (mode === 'form_post') return html(200, formPostPage(redirectUri, params), 'form_post');
  const encoded = new URLSearchParams(params).toString();
  if (mode === 'fragment') return redirect(`${redirectUri}#${encoded}`, 'fragment');
  // RFC 6749 §3.1.2: the redirect URI's own query stays as registered; ours is appended.
  return redirect(`${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`, 'query');
}
