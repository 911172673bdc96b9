// The `pkce` row (RFC 7636; OAuth 2.0 Security BCP §2.1.1: PKCE for every client using the code flow).
import { fail, pass, skip, warn, type Check } from './checks.js';

export function checkPkce(input: {
  codeFlow: boolean;
  sent: boolean;
  redeemed: boolean;
  publicClient: boolean;
  methodsSupported: unknown;
}): Check {
  if (!input.codeFlow) return skip('pkce', 'no code in this flow: PKCE does not apply');
  const methods = Array.isArray(input.methodsSupported) ? input.methodsSupported : undefined;
  if (!input.sent) {
    const why =
      'PKCE was not used (--no-pkce): an intercepted code could be redeemed by someone else (Security BCP §2.1.1)';
    return input.publicClient
      ? fail('pkce', `${why}; a public client has nothing else to bind the code to`)
      : warn('pkce', why);
  }
  if (methods && !methods.includes('S256'))
    return warn(
      'pkce',
      `sent S256, but the provider advertises code_challenge_methods_supported ${JSON.stringify(methods)}`,
    );
  if (!input.redeemed)
    return skip('pkce', 'S256 challenge sent; the code was not redeemed, so the verifier was never checked');
  return pass(
    'pkce',
    `S256: the provider accepted the ` +
      `code_verifier${methods ? '' : ' (it does not advertise code_challenge_methods_supported)'}`,
  );
}
