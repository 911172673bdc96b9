// JWT Secured Authorization Response Mode (JARM, OpenID Financial-grade API): the authorization
// response comes back as one signed (and maybe encrypted) JWT in a `response` parameter. Its rules
// (JARM §4.4) are rows: the signature with the provider's keys, iss, aud = client_id, exp; the
// parameters inside then go through the usual state / code / iss checks.
import { fail, isValid, pass, skip, type Check } from './checks.js';
import { ProtocolInputError } from './input-error.js';
import { checkAudience, checkExpiry, checkIssuer, type ClaimExpectations } from './claim-checks.js';
import { idTokenKeySource } from './id-token-keys.js';
import { decryptJwe, jweContent, type DecryptionKey } from './jwe.js';
import { checkAlg, verifySignature, type KeySource } from './jws-signature.js';
import { decodeJwt, JwtFormatError, type DecodedJws, type JoseHeader } from './jwt.js';
import { jarmChannel, type Channel, type JarmResponseMode, type ResponseType } from './response-type.js';
import { DEFAULT_CLOCK_TOLERANCE } from './validate-jwt.js';

/**
 * JARM §2.3.1: query.jwt MUST NOT carry a response type that returns a token or an ID token unless
 * the response is encrypted, which the client cannot promise before the provider answers: refused.
 */
export function jarmResponseChannel(
  mode: JarmResponseMode,
  responseType: Pick<ResponseType, 'value' | 'idToken' | 'accessToken'>,
): Channel {
  if (mode === 'query.jwt' && (responseType.idToken || responseType.accessToken))
    throw new ProtocolInputError(
      'contradictory_options',
      `response_mode query.jwt cannot carry the tokens of response_type "${responseType.value}": ` +
        'JARM §2.3.1 allows it only for an encrypted response; use jwt, fragment.jwt or form_post.jwt',
    );
  return jarmChannel(mode, responseType);
}

/** JARM §2.3: the callback carries the JWT in a `response` parameter. */
export function jarmResponseParameter(params: Record<string, string>, mode: JarmResponseMode): string | Check {
  const response = params.response;
  if (typeof response === 'string' && response !== '') return response;
  return fail(
    'jarm.response',
    `the authorization response has no "response" parameter, though response_mode ${mode} was asked for (JARM §2.3)`,
    { actual: Object.keys(params) },
  );
}

export interface JarmExpectations {
  issuer: string;
  clientId: string;
  /** The provider's JWKS. */
  keys: KeySource | undefined;
  /** For an HMAC-signed response (Core 10.1: the client secret is the key). */
  clientSecret?: string | undefined;
  /** For an encrypted response (JARM §2.2). */
  decryptionKeys?: readonly DecryptionKey[] | undefined;
  algorithms?: string[] | undefined;
  clockTolerance?: number | undefined;
  now?: number | undefined;
}

export interface JarmValidation {
  header: JoseHeader;
  payload: Record<string, unknown>;
  /** The authorization response parameters inside, for the state / code / iss checks; iss included (RFC 9207 §2.4). */
  params: Record<string, string>;
  checks: Check[];
  valid: boolean;
  encrypted: boolean;
}

/** Claims that belong to the JWT, not to the authorization response (JARM §2.1). */
const JWT_ONLY = new Set(['aud', 'exp', 'iat', 'nbf', 'jti']);

/** JARM §2.1: every response parameter is a claim; strings stay strings, anything else is shown as JSON. */
export function jarmParameters(payload: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (JWT_ONLY.has(name) || value === undefined || value === null) continue;
    params[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return params;
}

const rename = (c: Check, id: string): Check => ({ ...c, id });

/** JARM §4.4 step 3: iss is required and must be the issuer exactly. */
export function checkJarmIssuer(payload: Record<string, unknown>, exp: ClaimExpectations): Check {
  if (payload.iss === undefined) return fail('jarm.iss', 'the response JWT has no iss; JARM §2.1 requires it');
  return rename(checkIssuer(payload, exp), 'jarm.iss');
}

/** JARM §4.4 step 4: aud is required and must contain our client_id. */
export function checkJarmAudience(payload: Record<string, unknown>, exp: ClaimExpectations): Check {
  if (payload.aud === undefined) return fail('jarm.aud', 'the response JWT has no aud; JARM §2.1 requires it');
  return rename(checkAudience(payload, exp), 'jarm.aud');
}

/** JARM §4.4 step 5: exp is required and must not have passed. */
export function checkJarmExpiry(payload: Record<string, unknown>, exp: ClaimExpectations): Check {
  if (payload.exp === undefined) return fail('jarm.exp', 'the response JWT has no exp; JARM §2.1 requires it');
  return rename(checkExpiry(payload, exp), 'jarm.exp');
}

/** JARM §4.4 step 6: a signature the provider's keys (or, for HMAC, the client secret) verify. */
async function checkJarmSignature(jws: DecodedJws, exp: JarmExpectations): Promise<Check[]> {
  const keys = idTokenKeySource(jws.header, exp.keys, exp.clientSecret);
  const algRow = rename(checkAlg(jws.header, keys, exp.algorithms), 'jarm.alg');
  if (algRow.status !== 'pass') {
    const unsigned = typeof jws.header.alg === 'string' && jws.header.alg.toLowerCase() === 'none';
    return [
      algRow,
      fail(
        'jarm.signature',
        unsigned
          ? 'the response JWT is not signed (alg none); JARM §2.2 requires a signature'
          : 'not verified: alg refused',
      ),
    ];
  }
  const outcome = await verifySignature(jws, String(jws.header.alg), keys);
  const rows = outcome.checks.map((c) =>
    c.id === 'signature'
      ? c.status === 'skip'
        ? fail('jarm.signature', 'no key to verify the response JWT with; it must be verified (JARM §4.4)')
        : rename(c, 'jarm.signature')
      : rename(c, 'jarm.kid'),
  );
  return [algRow, ...rows];
}

/**
 * Validate a JARM `response` JWT. Never throws on a failed rule (bad input, like a decryption key
 * that does not fit, still throws). `params` is empty unless the JWT could be read.
 */
export async function validateJarmResponse(response: string, exp: JarmExpectations): Promise<JarmValidation> {
  const checks: Check[] = [];
  const result = (rest: Partial<JarmValidation> & { encrypted: boolean }): JarmValidation => ({
    header: {},
    payload: {},
    params: {},
    ...rest,
    checks,
    valid: isValid(checks),
  });
  let decoded;
  try {
    decoded = decodeJwt(response);
  } catch (err) {
    if (!(err instanceof JwtFormatError)) throw err;
    checks.push(fail('jarm.format', `the response parameter is not a JWT: ${err.message}`));
    return result({ encrypted: false });
  }
  let jws: DecodedJws;
  const encrypted = decoded.format === 'JWE';
  if (decoded.format === 'JWE') {
    // JARM §2.2 and §4.4 step 1: an encrypted response is decrypted first; inside is the signed JWT.
    const jwe = await decryptJwe(decoded.raw, exp.decryptionKeys ?? []);
    checks.push(...jwe.checks);
    if (jwe.plaintext === undefined) {
      checks.push(skip('jarm.signature', 'not verified: the response JWT could not be decrypted'));
      if (jwe.checks.some((c) => c.id === 'jwe.decrypt' && c.status === 'skip'))
        checks.push(fail('jarm.format', 'the response JWT is encrypted and no decryption key was given'));
      return result({ header: jwe.header, encrypted });
    }
    const content = jweContent(jwe.plaintext);
    if (content.kind !== 'jws') {
      checks.push(
        fail(
          'jarm.signature',
          'the encrypted response holds no signed JWT; JARM §2.2 requires signing before encryption',
        ),
      );
      const payload = content.kind === 'claims' ? content.claims : {};
      return result({ header: jwe.header, payload, params: jarmParameters(payload), encrypted });
    }
    jws = content.jws;
  } else {
    jws = decoded;
  }
  checks.push(pass('jarm.format', encrypted ? 'a signed JWT inside a JWE' : 'a signed JWT (JWS)'));
  checks.push(...(await checkJarmSignature(jws, exp)));
  const claimExp: ClaimExpectations = {
    issuer: exp.issuer,
    audience: [exp.clientId],
    clientId: exp.clientId,
    clockTolerance: exp.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    now: exp.now ?? Math.floor(Date.now() / 1000),
  };
  checks.push(
    checkJarmIssuer(jws.payload, claimExp),
    checkJarmAudience(jws.payload, claimExp),
    checkJarmExpiry(jws.payload, claimExp),
  );
  return result({ header: jws.header, payload: jws.payload, params: jarmParameters(jws.payload), encrypted });
}
