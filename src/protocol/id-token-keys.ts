// Which key verifies an ID token: the provider's JWKS for asymmetric algs, and the client secret
// for HMAC ones (OIDC Core 10.1: "the octets of the UTF-8 representation of the client_secret").
import { isHmacAlg } from './algorithms.js';
import type { KeySource } from './jws-signature.js';

export function idTokenKeySource(
  header: Record<string, unknown>,
  jwks: KeySource | undefined,
  clientSecret: string | undefined,
): KeySource | undefined {
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (isHmacAlg(alg) && clientSecret !== undefined) {
    return { kind: 'secret', secret: new TextEncoder().encode(clientSecret), origin: 'the client secret (Core 10.1)' };
  }
  return jwks;
}
