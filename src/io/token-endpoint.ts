// POST to a token endpoint (RFC 6749 §3.2): form body, client authentication, error mapping.
import { ProviderError } from '../errors.js';
import type { ClientAuthParts } from '../protocol/client-auth.js';
import { hintForEvent } from '../protocol/provider-quirks.js';
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
  const { response, json } = await http.json<Record<string, unknown>>({
    url: req.endpoint,
    method: 'POST',
    what: 'token endpoint',
    headers: { ...req.auth.headers, ...req.headers },
    form: { ...req.params, ...req.auth.form },
  });
  // RFC 6749 §5.2 answers errors with HTTP 400; some servers answer 200 with the error member.
  if (typeof json.error === 'string' && typeof json.access_token !== 'string')
    throw new ProviderError(
      {
        error: json.error,
        error_description: typeof json.error_description === 'string' ? json.error_description : undefined,
        error_uri: typeof json.error_uri === 'string' ? json.error_uri : undefined,
      },
      `the token endpoint (HTTP ${response.status})`,
      { hint: hintForEvent('token_error_http_200') },
    );
  return { response, tokens: parseTokenResponse(json) };
}
