// Pushing the authorization request (RFC 9126 §2): a form POST with the client's authentication to
// pushed_authorization_request_endpoint. An OAuth error answer is the provider speaking (exit 4).
import type { ClientAuthParts } from '../protocol/client-auth.js';
import { readParResponse, type ParResult } from '../protocol/par.js';
import type { HttpClient, HttpResponse } from './http.js';

export interface PushRequest {
  endpoint: string;
  /** The authorization request parameters (or client_id + request for a request object, RFC 9126 §3). */
  params: Record<string, string | undefined>;
  auth: ClientAuthParts;
}

export async function pushAuthorizationRequest(
  http: HttpClient,
  req: PushRequest,
): Promise<ParResult & { response: HttpResponse; json: Record<string, unknown> }> {
  const { response, json } = await http.json({
    url: req.endpoint,
    method: 'POST',
    what: 'pushed authorization request endpoint',
    headers: req.auth.headers,
    form: { ...req.params, ...req.auth.form },
  });
  return { ...readParResponse(response.status, json), response, json };
}
