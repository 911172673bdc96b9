// The provider side of DPoP (RFC 9449 §4.3): the checks a server makes on a proof before it binds a
// token to the proof's key (§5) or accepts a token bound to it (§7.1). Pure: the edge
// (src/io/provider/dpop.ts) verifies the signature with the key from the proof's own header, and
// keeps the jti values it has seen; these rules judge the header and the claims.
import type { JWK } from 'jose';
import { PRIVATE_JWK_MEMBERS } from './algorithms.js';
import { accessTokenHash, dpopHtu, jwkThumbprint } from './dpop.js';

/** §4.3 step 5: registered asymmetric signature algorithms, never none or an HMAC. */
export const DPOP_PROOF_ALGS = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
] as const;

/** §11.1: a proof is accepted for this long after its iat, and this far ahead of the server's clock. */
export const DPOP_PROOF_MAX_AGE_SECONDS = 300;
export const DPOP_PROOF_MAX_SKEW_SECONDS = 60;

export type ProofVerdict =
  | { kind: 'ok'; jkt: string; jti: string; iat: number }
  | { kind: 'invalid'; description: string };

const invalid = (description: string): { kind: 'invalid'; description: string } => ({ kind: 'invalid', description });

/** §4.3 step 1: one DPoP header. Node joins repeated headers with ", ", which no compact JWS holds. */
export function singleProof(header: string | string[] | undefined): string | undefined | { invalid: string } {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || header.includes(',') || header.trim() !== header)
    return { invalid: 'more than one DPoP header, or one that is not a single JWT (RFC 9449 §4.3)' };
  return header;
}

/** §4.3 steps 4, 5 and 7: typ dpop+jwt, an asymmetric alg, and a public key in jwk. */
export function checkDpopProofHeader(
  header: Record<string, unknown>,
): { kind: 'ok'; alg: string; jwk: JWK } | { kind: 'invalid'; description: string } {
  if (header.typ !== 'dpop+jwt')
    return invalid(`the proof's typ is ${JSON.stringify(header.typ)}, not "dpop+jwt" (RFC 9449 §4.3)`);
  const alg = header.alg;
  if (typeof alg !== 'string' || !(DPOP_PROOF_ALGS as readonly string[]).includes(alg))
    return invalid(
      `the proof's alg ${JSON.stringify(alg)} is not an asymmetric signature algorithm this server takes ` +
        `(${DPOP_PROOF_ALGS.join(', ')}; RFC 9449 §4.3)`,
    );
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk) || typeof (jwk as JWK).kty !== 'string')
    return invalid('the proof has no public key in its jwk header (RFC 9449 §4.2)');
  if (PRIVATE_JWK_MEMBERS.some((m) => m in jwk))
    return invalid("the proof's jwk header holds a private or symmetric key (RFC 9449 §4.3 step 7)");
  return { kind: 'ok', alg, jwk: jwk as JWK };
}

export interface ProofExpectations {
  /** The method and URI of the request the proof came with. */
  htm: string;
  htu: string;
  now: number;
  /** For a request that presents an access token (§7.1): its ath must match. */
  accessToken?: string | undefined;
}

/** §4.3 steps 3, 8, 9, 11 and 12: the claims of a proof whose signature verified with `jwk`. */
export function checkDpopProofClaims(payload: Record<string, unknown>, jwk: JWK, exp: ProofExpectations): ProofVerdict {
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > 512)
    return invalid('the proof has no usable jti (RFC 9449 §4.2)');
  if (typeof htm !== 'string' || htm !== exp.htm)
    return invalid(`the proof's htm ${JSON.stringify(htm)} is not the request's method ${exp.htm} (RFC 9449 §4.3)`);
  let sameUri = false;
  try {
    // §4.3: compared after syntax- and scheme-based normalisation, without query and fragment.
    sameUri = typeof htu === 'string' && dpopHtu(htu) === dpopHtu(exp.htu);
  } catch {
    sameUri = false;
  }
  if (!sameUri)
    return invalid(`the proof's htu ${JSON.stringify(htu)} is not this request's URI ${exp.htu} (RFC 9449 §4.3)`);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid('the proof has no iat (RFC 9449 §4.2)');
  if (exp.now - iat > DPOP_PROOF_MAX_AGE_SECONDS)
    return invalid(
      `the proof was made ${exp.now - iat} s ago; this server takes proofs up to ` +
        `${DPOP_PROOF_MAX_AGE_SECONDS} s old (RFC 9449 §11.1)`,
    );
  if (iat - exp.now > DPOP_PROOF_MAX_SKEW_SECONDS)
    return invalid(`the proof's iat is ${iat - exp.now} s in the future (RFC 9449 §11.1)`);
  if (exp.accessToken !== undefined && payload.ath !== accessTokenHash(exp.accessToken))
    return invalid(
      payload.ath === undefined
        ? 'the proof has no ath, and it comes with an access token (RFC 9449 §4.2)'
        : "the proof's ath is not the hash of the access token presented (RFC 9449 §4.3)",
    );
  let jkt: string;
  try {
    jkt = jwkThumbprint(jwk);
  } catch (err) {
    return invalid((err as Error).message);
  }
  return { kind: 'ok', jkt, jti, iat };
}
