// Sender-constrained access tokens seen from the client: the confirmation (cnf) claim of a JWT access
// token names the key or certificate the token is bound to (RFC 7800 §3.1). RFC 8705 §3.1 binds it
// to the client certificate (x5t#S256); RFC 9449 §6.1 to the DPoP key (jkt, see dpop.ts).
import { createHash, X509Certificate } from 'node:crypto';
import { fail, pass, skip, warn, type Check } from './checks.js';
import { decodeJwt } from './jwt.js';

/** What a client can read in an access token: only a JWS has claims; opaque and encrypted ones do not show them. */
export type AccessTokenContent =
  | { kind: 'jwt'; claims: Record<string, unknown> }
  | { kind: 'opaque' }
  | { kind: 'encrypted' };

export function accessTokenContent(accessToken: string): AccessTokenContent {
  try {
    const decoded = decodeJwt(accessToken);
    if (decoded.format === 'JWE') return { kind: 'encrypted' };
    return decoded.payloadText === undefined ? { kind: 'jwt', claims: decoded.payload } : { kind: 'opaque' };
  } catch {
    return { kind: 'opaque' };
  }
}

/** The cnf member of a claims set when it is a JSON object (RFC 7800 §3.1). */
export function confirmation(claims: Record<string, unknown>): Record<string, unknown> | undefined {
  const cnf = claims.cnf;
  return cnf && typeof cnf === 'object' && !Array.isArray(cnf) ? (cnf as Record<string, unknown>) : undefined;
}

/** RFC 8705 §3.1: x5t#S256 is the base64url SHA-256 of the DER encoding of the client certificate. */
export function certificateThumbprint(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('base64url');
}

/**
 * RFC 8705 §3.1: a certificate-bound token carries cnf["x5t#S256"], which must be the thumbprint
 * of the certificate this client presented; a JWT access token shows it in its claims, an
 * introspection answer in its own (§3.2). `advertised` is the provider's
 * tls_client_certificate_bound_access_tokens (§3.3): when it promises bound tokens an unbound one
 * fails; otherwise the provider chose not to bind, which a user should know.
 */
export function checkCertificateBinding(
  claims: Record<string, unknown>,
  thumbprint: string,
  advertised: boolean,
  what = 'the access token',
): Check {
  const bound = confirmation(claims)?.['x5t#S256'];
  if (bound === undefined) {
    const message = `${what} has no cnf["x5t#S256"]: it is not bound to the client certificate, so it works without it`;
    if (!advertised) return warn('cnf', `${message} (RFC 8705 §3)`, { expected: thumbprint });
    const promised = ', though the provider advertises tls_client_certificate_bound_access_tokens (RFC 8705 §3.3)';
    return fail('cnf', message + promised, { expected: thumbprint });
  }
  if (bound === thumbprint) {
    const message = `${what} is bound to the client certificate (cnf["x5t#S256"] matches, RFC 8705 §3.1)`;
    return pass('cnf', message, { expected: thumbprint, actual: bound });
  }
  return fail(
    'cnf',
    `${what} is bound to another certificate: ` +
      'cnf["x5t#S256"] is not the thumbprint of the one presented (RFC 8705 §3.1)',
    { expected: thumbprint, actual: bound },
  );
}

/** checkCertificateBinding for an access token as issued: only a JWS shows its claims to the client. */
export function checkAccessTokenCertificateBinding(
  accessToken: string,
  thumbprint: string,
  advertised: boolean,
): Check {
  const content = accessTokenContent(accessToken);
  if (content.kind !== 'jwt')
    return skip(
      'cnf',
      `the access token is ${content.kind === 'opaque' ? 'opaque' : 'encrypted'}: ` +
        'its certificate binding shows only through introspection (RFC 8705 §3.2)',
    );
  return checkCertificateBinding(content.claims, thumbprint, advertised);
}
