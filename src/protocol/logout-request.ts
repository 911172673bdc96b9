// RP-Initiated Logout 1.0 §2: the end-session request a relying party sends. Pure.

export interface LogoutRequest {
  endSessionEndpoint: string;
  idTokenHint?: string | undefined;
  clientId: string;
  postLogoutRedirectUri: string;
  state: string;
}

export function buildLogoutUrl(req: LogoutRequest): URL {
  const url = new URL(req.endSessionEndpoint);
  // §2: id_token_hint RECOMMENDED; client_id when the hint is absent or to help the OP; the
  // post_logout_redirect_uri must be registered; state comes back with the redirect (§3).
  if (req.idTokenHint) url.searchParams.set('id_token_hint', req.idTokenHint);
  url.searchParams.set('client_id', req.clientId);
  url.searchParams.set('post_logout_redirect_uri', req.postLogoutRedirectUri);
  url.searchParams.set('state', req.state);
  return url;
}
