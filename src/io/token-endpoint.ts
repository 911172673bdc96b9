// POST to a token endpoint (RFC 6749 §3.2): form body, client authentication, error mapping.
import type { ClientAuthParts } from '../protocol/client-auth.js';
import { parseTokenResponse, type TokenResponse } from '../protocol/token-response.js';
import type { HttpClient, HttpResponse } from './http.js';

export interface TokenEndpointRequest {
  endpoint: string;
  /** grant_type and the grant's parameters; undefined values are left out. */
  params: Record<string, string | string[] | undefined>;
  auth: ClientAuthParts;
  headers?: Record<string, string>;
}

/** 2xx JSON → TokenResponse; an OAuth error body → ProviderError (exit 4); else NetworkError (exit 3). */
export async function requestTokens(
  http: HttpClient,
  req: TokenEndpointRequest,
): Promise<{ response: HttpResponse; tokens: TokenResponse }> {
  const { response, json } = await http.json({
    url: req.endpoint,
    method: 'POST',
    what: 'token endpoint',
    headers: { ...req.auth.headers, ...req.headers },
    form: { ...req.params, ...req.auth.form },
  });
  return { response, tokens: parseTokenResponse(json) };
}
