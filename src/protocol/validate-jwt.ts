// Validating a JWS end to end, as rows: the one validator `verify`, `login` and `token` share.
// It never stops at the first failure, and a failed check still returns every decoded claim.
import type { JWK } from 'jose';
import { isValid, pass, skip, warn, fail, type Check } from './checks.js';
import {
  checkAcr,
  checkAudience,
  checkAuthTime,
  checkAuthorizedParty,
  checkExpiry,
  checkIssuedAt,
  checkIssuer,
  checkNonce,
  checkNotBefore,
  checkSubject,
  checkTokenHash,
  type ClaimExpectations,
  type TokenType,
} from './claim-checks.js';
import { decodeJwt, JwtFormatError, type DecodedJws } from './jwt.js';
import { checkAlg, verifySignature, type KeySource } from './jws-signature.js';

export type { KeySource } from './jws-signature.js';

export const DEFAULT_CLOCK_TOLERANCE = 60;

/** What the caller knows: the claim expectations plus the key and hash inputs. */
export interface JwtExpectations extends Omit<ClaimExpectations, 'clockTolerance' | 'now'> {
  clockTolerance?: number | undefined;
  algorithms?: string[] | undefined;
  accessToken?: string | undefined;
  requireAtHash?: boolean | undefined;
  code?: string | undefined;
  requireCHash?: boolean | undefined;
  state?: string | undefined;
  now?: number | undefined;
}

export interface JwtValidation {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  checks: Check[];
  valid: boolean;
}

/** Parse a JWS; throws JwtFormatError for input that is not one (a JWE included). */
export function parseJws(token: string, opts: { allowNonJsonPayload?: boolean } = {}): DecodedJws {
  const decoded = decodeJwt(token, opts);
  if (decoded.format === 'JWE')
    throw new JwtFormatError(
      'this is an encrypted JWT (JWE, 5 segments); it must be decrypted before it can be verified',
    );
  return decoded;
}

export async function validateJwt(
  token: string,
  keys: KeySource | undefined,
  exp: JwtExpectations,
): Promise<JwtValidation> {
  const jws = parseJws(token);
  const checks = await validateJws(jws, keys, exp);
  return { header: jws.header, payload: jws.payload, checks, valid: isValid(checks) };
}

export async function validateJws(
  jws: DecodedJws,
  keys: KeySource | undefined,
  exp: JwtExpectations,
): Promise<Check[]> {
  const checks: Check[] = [
    jws.payloadText === undefined
      ? pass('format', 'JWS compact serialization (header.payload.signature)')
      : // RFC 7515 allows any payload; without a claims set only the signature can be checked.
        warn('format', 'the payload is not a JSON object: a JWS but not a JWT, so it has no claims to check'),
  ];
  const algRow = checkAlg(jws.header, keys, exp.algorithms);
  checks.push(algRow);
  const alg = typeof jws.header.alg === 'string' ? jws.header.alg : '';
  let verifiedWith: JWK | undefined;
  if (algRow.status === 'pass') {
    const outcome = await verifySignature(jws, alg, keys);
    checks.push(...outcome.checks);
    verifiedWith = outcome.key;
  } else {
    checks.push(skip('kid', 'not looked up: alg refused'), skip('signature', 'not verified: alg refused'));
  }
  checks.push(checkTyp(jws.header, exp.type));

  const claimExp: ClaimExpectations = {
    ...exp,
    clockTolerance: exp.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    now: exp.now ?? Math.floor(Date.now() / 1000),
  };
  const claims = jws.payload;
  checks.push(
    checkIssuer(claims, claimExp),
    checkAudience(claims, claimExp),
    checkAuthorizedParty(claims, claimExp),
    checkExpiry(claims, claimExp),
    checkNotBefore(claims, claimExp),
    checkIssuedAt(claims, claimExp),
    checkSubject(claims, claimExp),
    checkNonce(claims, claimExp),
    checkAuthTime(claims, claimExp),
    checkAcr(claims, claimExp),
  );
  // The curve matters only for EdDSA (Ed25519 → SHA-512, Ed448 → SHAKE256).
  const crv =
    verifiedWith?.crv ??
    (typeof (jws.header.jwk as JWK | undefined)?.crv === 'string' ? (jws.header.jwk as JWK).crv : undefined);
  checks.push(
    checkTokenHash(claims, alg, crv, {
      id: 'at_hash',
      value: exp.accessToken,
      required: Boolean(exp.requireAtHash),
      what: 'access token',
      option: '--access-token',
    }),
    checkTokenHash(claims, alg, crv, {
      id: 'c_hash',
      value: exp.code,
      required: Boolean(exp.requireCHash),
      what: 'authorization code',
      option: '--code',
    }),
    checkTokenHash(claims, alg, crv, {
      id: 's_hash',
      value: exp.state,
      required: false,
      what: 'state',
      option: '--state',
    }),
  );
  return checks;
}

/** typ per token type: RFC 9068 §4 (at+jwt), Back-Channel Logout §2.4 (logout+jwt), RFC 8725 §3.11. */
export function checkTyp(header: Record<string, unknown>, type: TokenType | undefined): Check {
  const typ = typeof header.typ === 'string' ? header.typ : undefined;
  const norm = typ?.toLowerCase().replace(/^application\//, '');
  if (type === 'access_token') {
    if (norm === 'at+jwt') return pass('typ', `typ is "${typ}" (RFC 9068)`);
    return fail('typ', `typ is ${typ ? `"${typ}"` : 'absent'}; an RFC 9068 access token must have typ "at+jwt"`, {
      expected: 'at+jwt',
      actual: typ,
    });
  }
  if (type === 'logout_token') {
    if (norm === 'logout+jwt') return pass('typ', `typ is "${typ}"`);
    if (typ === undefined) return warn('typ', 'no typ; Back-Channel Logout recommends "logout+jwt"');
    return fail('typ', `typ "${typ}" is not that of a logout token ("logout+jwt")`, {
      expected: 'logout+jwt',
      actual: typ,
    });
  }
  if (type === 'id_token') {
    if (norm === 'at+jwt' || norm === 'logout+jwt')
      return fail('typ', `typ "${typ}" says this is not an ID token`, { actual: typ });
    if (typ === undefined || norm === 'jwt')
      return pass('typ', typ ? `typ is "${typ}"` : 'no typ (usual for ID tokens)');
    return warn('typ', `unusual typ "${typ}" for an ID token`);
  }
  return typ === undefined
    ? skip('typ', 'no typ; no --type to check it against')
    : skip('typ', `typ is "${typ}"; no --type to check it against`);
}
