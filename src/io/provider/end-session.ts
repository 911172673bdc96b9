// RP-Initiated Logout 1.0 §2–3: the end_session_endpoint. The provider keeps no sessions, so
// signing out is a confirmation page (or nothing, with --auto-approve) and the redirect back to a
// post_logout_redirect_uri the client may use, with its state.
import {
  isLoopbackRedirect,
  isUriText,
  redirectUriAllowed,
  type ProviderClient,
} from '../../protocol/provider-requests.js';
import type { ProviderCore } from './core.js';
import { messagePage, signOutPage } from './pages.js';
import { html, redirect, type Reply } from './reply.js';
import { singleParams, type ProviderRequest } from './request.js';

export const END_SESSION_PATH = '/end_session';
export const END_SESSION_DECISION_PATH = '/end_session/decision';

interface SignOut {
  client: ProviderClient | undefined;
  redirectTo: string | undefined;
}

/** The claims of an ID token we could have issued, read without checking the signature. */
function hintClaims(hint: string): Record<string, unknown> | undefined {
  const parts = hint.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A client may come back to a loopback URI, or to one on the origin of a registered redirect URI. */
function postLogoutUriAllowed(client: ProviderClient, uri: string): boolean {
  if (!isUriText(uri)) return false;
  if (redirectUriAllowed(client, uri) || isLoopbackRedirect(uri)) return true;
  try {
    const origin = new URL(uri).origin;
    return !new URL(uri).hash && client.redirectUris.some((r) => new URL(r).origin === origin);
  } catch {
    return false;
  }
}

export function endSessionEndpoint(core: ProviderCore, req: ProviderRequest): Reply {
  const source = req.method === 'POST' ? new URLSearchParams(req.body) : req.url.searchParams;
  const { params, repeated } = singleParams(source);
  const refuse = (message: string, client?: string) =>
    html(400, messagePage('This sign-out cannot be done', message), `refused: ${message}`, client ? { client } : {});
  if (repeated) return refuse(`the parameter ${repeated} appears more than once`);
  let clientId = params.client_id;
  if (params.id_token_hint !== undefined) {
    const claims = hintClaims(params.id_token_hint);
    // §2: the hint must be an ID token this provider issued (expired ones are fine).
    if (!claims || claims.iss !== core.settings.issuer)
      return refuse('id_token_hint is not an ID token of this provider');
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (clientId !== undefined && aud !== clientId) return refuse('client_id differs from the aud of id_token_hint');
    clientId = typeof aud === 'string' ? aud : undefined;
  }
  const client = clientId === undefined ? undefined : core.settings.clients.find((c) => c.clientId === clientId);
  if (clientId !== undefined && !client) return refuse(`no client is registered as "${clientId}"`);
  const uri = params.post_logout_redirect_uri;
  let redirectTo: string | undefined;
  if (uri !== undefined) {
    // §3: without knowing the client, the provider must not redirect anywhere.
    if (!client) return refuse('post_logout_redirect_uri needs client_id or id_token_hint to name the client');
    if (!postLogoutUriAllowed(client, uri))
      return refuse(
        `post_logout_redirect_uri "${uri}" is not allowed for client "${client.clientId}"`,
        client.clientId,
      );
    redirectTo =
      params.state === undefined
        ? uri
        : `${uri}${uri.includes('?') ? '&' : '?'}${new URLSearchParams({ state: params.state })}`;
  }
  const signOut: SignOut = { client, redirectTo };
  if (core.settings.autoApprove) return signedOut(signOut);
  const interaction = core.newInteraction(signOut);
  return html(
    200,
    signOutPage({ action: core.endpoint(END_SESSION_DECISION_PATH), interaction, clientId: client?.clientId }),
    'sign-out page',
    client ? { client: client.clientId } : {},
  );
}

export function endSessionDecisionEndpoint(core: ProviderCore, req: ProviderRequest): Reply {
  const form = new URLSearchParams(req.body);
  const signOut = core.takeInteraction<SignOut>(form.get('interaction') ?? undefined);
  if (!signOut)
    return html(
      400,
      messagePage('Sign-out expired', 'This page was already used or has expired.'),
      'refused: unknown sign-out',
    );
  return signedOut(signOut);
}

function signedOut(s: SignOut): Reply {
  const extra = s.client ? { client: s.client.clientId } : {};
  if (s.redirectTo) return redirect(s.redirectTo, `signed out; back to ${s.redirectTo.replace(/\?.*$/, '')}`, extra);
  return html(200, messagePage('Signed out', 'You are signed out. You can close this page.'), 'signed out', extra);
}
