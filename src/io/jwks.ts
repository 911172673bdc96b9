// Fetching a JWK Set (RFC 7517 §5) from a provider's jwks_uri.
import type { JWK } from 'jose';
import { NetworkError } from '../errors.js';
import type { HttpClient } from './http.js';

/** The JWKS as served: `keys` entries are not validated here (jwks-lint does that). */
export interface Jwks {
  keys: JWK[];
  [member: string]: unknown;
}

export async function fetchJwks(http: HttpClient, jwksUri: string): Promise<Jwks> {
  const { json } = await http.json<Record<string, unknown>>({ url: jwksUri, what: 'JWKS' });
  if (!Array.isArray(json.keys))
    throw new NetworkError(
      'bad_jwks',
      `the JWKS at ${jwksUri} has no "keys" array (members: ${Object.keys(json).join(', ') || 'none'})`,
    );
  return json as Jwks;
}
