// What an access token as issued says about the key it is bound to: its cnf, checked against the
// DPoP key (RFC 9449 §6.1, cnf.jkt) and the client certificate (RFC 8705 §3.1, cnf["x5t#S256"])
// the request used. The same rows for `token` and `login`.
import type { Check } from './checks.js';
import { certificateThumbprint, checkAccessTokenCertificateBinding } from './cnf.js';
import { checkAccessTokenDpopBinding } from './dpop.js';

export function accessTokenBindingChecks(
  accessToken: string,
  used: {
    dpopKey?: { thumbprint: string } | undefined;
    certificate?: { cert: string } | undefined;
    metadata: Record<string, unknown>;
  },
): Check[] {
  const checks: Check[] = [];
  if (used.dpopKey) checks.push(checkAccessTokenDpopBinding(accessToken, used.dpopKey.thumbprint));
  if (used.certificate)
    checks.push(
      checkAccessTokenCertificateBinding(
        accessToken,
        certificateThumbprint(used.certificate.cert),
        used.metadata.tls_client_certificate_bound_access_tokens === true,
      ),
    );
  return checks;
}
