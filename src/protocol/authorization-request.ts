// The authorization request (OIDC Core 3.1.2.1, 3.2.2.1, 3.3.2.1; RFC 7636 PKCE) and the checks on
// the parameters that come back with its response (state; RFC 9207 iss). Pure apart from randomness.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fail, pass, skip, type Check } from './checks.js';
import type { JarmResponseMode } from './response-type.js';
import type { ResponseMode, ResponseType } from './response-type.js';

/** 256 random bits, base64url: well over the 128 bits RFC 6749 §10.10 and Core 15.5.2 ask for. */
export const randomValue = (): string => randomBytes(32).toString('base64url');

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface AuthorizationRequestInput {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  responseType: ResponseType;
  /** Sent only when the user asked for one (the default needs no parameter); JARM modes too. */
  responseMode?: ResponseMode | JarmResponseMode | undefined;
  scope: string;
  state: string;
  nonce: string;
  codeVerifier?: string | undefined;
  prompt?: string | undefined;
  loginHint?: string | undefined;
  acrValues?: string | undefined;
  maxAge?: number | undefined;
  extra?: Record<string, string> | undefined;
}

export function buildAuthorizationUrl(req: AuthorizationRequestInput): URL {
  const url = new URL(req.authorizationEndpoint);
  const params: Record<string, string | undefined> = {
    response_type: req.responseType.value,
    client_id: req.clientId,
    redirect_uri: req.redirectUri,
    scope: req.scope,
    state: req.state,
    nonce: req.nonce,
    response_mode: req.responseMode,
    // RFC 7636 §4.3; only a code is exchanged, so only a code flow carries a challenge.
    ...(req.codeVerifier !== undefined
      ? { code_challenge: pkceChallenge(req.codeVerifier), code_challenge_method: 'S256' }
      : {}),
    prompt: req.prompt,
    login_hint: req.loginHint,
    acr_values: req.acrValues,
    max_age: req.maxAge !== undefined ? String(req.maxAge) : undefined,
    ...req.extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** RFC 6749 §10.12: the response must carry back the state this run sent. */
export function checkState(params: Record<string, string>, expected: string): Check {
  const state = params.state;
  if (state === undefined)
    return fail('state', 'the response has no state; the one sent must come back (RFC 6749 §4.1.2)', { expected });
  if (state === expected) return pass('state', 'state matches the one sent');
  return fail(
    'state',
    'state does not match the one sent: this response does not belong to this request (RFC 6749 §10.12)',
    { expected, actual: state },
  );
}

/** Equal values, compared in constant time (a state, a client secret: what an attacker would guess at). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** RFC 6749 §4.1.2.1: an error code uses only %x20-21 / %x23-5B / %x5D-7E, so it is safe to quote. */
export const isQuotableErrorCode = (code: string): boolean => /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(code);

/**
 * RFC 6749 §4.1.2.1 and §10.12: an error response carries the state of the request it answers. One
 * without this run's state answers no request of this run (any local process, or a web page, can
 * send one to the listener), so it must not end the run. Returns why it is a stray, or undefined.
 */
export function strayErrorResponse(params: Record<string, string>, expectedState: string): string | undefined {
  if (params.error === undefined) return undefined;
  if (params.state !== undefined && sameSecret(params.state, expectedState)) return undefined;
  const code = isQuotableErrorCode(params.error) ? ` (error "${params.error}")` : '';
  const which = params.state === undefined ? 'without a state' : 'with a state this run did not send';
  return `an error response${code} ${which} was ignored: it answers no request of this run (RFC 6749 §4.1.2.1, §10.12)`;
}

/** RFC 9207 §2.4: iss, when present, must be the issuer; when the provider advertises it, it must be present. */
export function checkIssParameter(params: Record<string, string>, issuer: string, advertised: boolean): Check {
  const iss = params.iss;
  if (iss === undefined) {
    return advertised
      ? fail(
          'iss_param',
          'no iss parameter, though the provider advertises ' +
            'authorization_response_iss_parameter_supported (RFC 9207 §2.4)',
        )
      : skip('iss_param', 'no iss parameter (RFC 9207 not advertised)');
  }
  if (iss === issuer) return pass('iss_param', 'iss parameter is the issuer (RFC 9207)');
  return fail(
    'iss_param',
    `iss parameter "${iss}" is not the issuer "${issuer}": possible mix-up attack (RFC 9207 §2.4)`,
    { expected: issuer, actual: iss },
  );
}
