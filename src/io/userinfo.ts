// The UserInfo request (OIDC Core 5.3): GET with the access token as a Bearer credential.
// The answer is JSON or, when the client registered for it, a signed JWT (application/jwt).
import { NetworkError, ProviderError } from '../errors.js';
import { exceedsJsonDepth, tooDeepMessage } from '../protocol/json-depth.js';
import { errorForStatus, type HttpClient, type HttpResponse } from './http.js';

export interface UserinfoResponse {
  response: HttpResponse;
  format: 'json' | 'jwt';
  /** The JSON object; for a JWT answer, its payload decoded without verification (validateUserinfo verifies). */
  claims: Record<string, unknown>;
  jwt?: string;
}

export async function fetchUserinfo(
  http: HttpClient,
  endpoint: string,
  accessToken: string,
  tokenType = 'Bearer',
): Promise<UserinfoResponse> {
  const scheme = tokenType.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const response = await http.request({
    url: endpoint,
    what: 'userinfo endpoint',
    headers: { authorization: `${scheme} ${accessToken}`, accept: 'application/json, application/jwt' },
  });
  if (response.status === 401 || response.status === 403) {
    const challenge = parseBearerChallenge(response.headers['www-authenticate']);
    if (challenge.error) {
      throw new ProviderError(
        { error: challenge.error, error_description: challenge.error_description },
        `userinfo endpoint (HTTP ${response.status}, WWW-Authenticate)`,
      );
    }
  }
  if (response.status < 200 || response.status > 299) throw errorForStatus(response, 'userinfo endpoint');
  const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const text = response.body.toString('utf8').trim();
  if (type === 'application/jwt') {
    const { decodeJwt } = await import('../protocol/jwt.js');
    try {
      const decoded = decodeJwt(text);
      const claims = decoded.format === 'JWS' ? decoded.payload : {};
      return { response, format: 'jwt', claims, jwt: text };
    } catch (err) {
      throw new NetworkError(
        'bad_userinfo',
        `the userinfo endpoint answered application/jwt that is not a JWT: ${(err as Error).message}`,
      );
    }
  }
  if (exceedsJsonDepth(text))
    throw new NetworkError('bad_userinfo', tooDeepMessage(`the userinfo endpoint at ${endpoint}`));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NetworkError(
      'bad_userinfo',
      `the userinfo endpoint at ${endpoint} did not answer with JSON or a JWT (content-type ${type || 'none'})`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new NetworkError('bad_userinfo', `the userinfo endpoint at ${endpoint} answered JSON that is not an object`);
  return { response, format: 'json', claims: json as Record<string, unknown> };
}

/** RFC 6750 §3: `Bearer realm="x", error="invalid_token", error_description="…"`. */
export function parseBearerChallenge(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  const re = /([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"|([a-zA-Z_]+)=([^\s,]+)/g;
  for (const m of header.matchAll(re)) {
    if (m[1]) out[m[1]] = m[2]!.replace(/\\(.)/g, '$1');
    else if (m[3]) out[m[3]] = m[4]!;
  }
  return out;
}
