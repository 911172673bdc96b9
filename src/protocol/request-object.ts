// JWT-Secured Authorization Requests (JAR, RFC 9101): the authorization request parameters as the
// claims of a JWT the client signs (with its private_key_jwt key, or HMAC with its secret) and may
// encrypt to the provider (RFC 9101 §6.1), sent by value (`request`) or pushed (RFC 9126 §3).
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { defaultSigningAlgFor, isHmacAlg } from './algorithms.js';
import { ProtocolInputError } from './input-error.js';

/** Short-lived: the request is used once, right away (FAPI 2.0 caps exp - nbf at 60 min). */
export const REQUEST_OBJECT_LIFETIME = 300;

/** RFC 9101 §6.3 / §10.8: explicit typing, so a request object is never mistaken for another JWT. */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';

/** RFC 9101 §4 / Core 6.1: parameters whose claim is JSON, not the string of the query form. */
function claimValue(name: string, value: string): unknown {
  if (name === 'max_age' && /^\d+$/.test(value)) return Number(value);
  if (name === 'claims' || name === 'authorization_details') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * RFC 9101 §4: every authorization request parameter as a claim, plus iss (the client_id) and aud
 * (the issuer, §4) and the JWT's lifetime claims. request and request_uri never go inside (§4).
 */
export function requestObjectClaims(
  params: Record<string, string>,
  opts: { clientId: string; issuer: string; now?: number | undefined; lifetime?: number | undefined; jti?: string },
): Record<string, unknown> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params))
    if (name !== 'request' && name !== 'request_uri') claims[name] = claimValue(name, value);
  return {
    ...claims,
    client_id: opts.clientId,
    iss: opts.clientId,
    aud: opts.issuer,
    iat: now,
    nbf: now,
    exp: now + (opts.lifetime ?? REQUEST_OBJECT_LIFETIME),
    jti: opts.jti ?? randomBytes(16).toString('base64url'),
  };
}

export type RequestObjectSigner =
  | { kind: 'private_key'; jwk: JWK; alg?: string | undefined }
  | { kind: 'client_secret'; secret: string; alg?: string | undefined };

function signingAlg(signer: RequestObjectSigner): string {
  if (signer.kind === 'client_secret') return signer.alg ?? 'HS256';
  if (signer.alg) return signer.alg;
  return typeof signer.jwk.alg === 'string' ? signer.jwk.alg : defaultSigningAlgFor(signer.jwk);
}

/** The signed request object (RFC 9101 §4). Bad key material is bad input. */
export async function signRequestObject(claims: Record<string, unknown>, signer: RequestObjectSigner): Promise<string> {
  const [{ SignJWT }, { importJWK }] = await Promise.all([import('jose/jwt/sign'), import('jose/key/import')]);
  const alg = signingAlg(signer);
  let key: Awaited<ReturnType<typeof importJWK>>;
  if (signer.kind === 'client_secret') {
    if (!isHmacAlg(alg))
      throw new ProtocolInputError(
        'bad_signing_alg',
        `a request object signed with the client secret uses HS256, HS384 or HS512, not ${alg}`,
      );
    key = new TextEncoder().encode(signer.secret);
  } else {
    if (/^HS/.test(alg) || alg.toLowerCase() === 'none')
      throw new ProtocolInputError('bad_signing_alg', `a request object signed with a private key cannot use ${alg}`);
    if (typeof signer.jwk.d !== 'string')
      throw new ProtocolInputError(
        'bad_private_key',
        'the key for the request object is a public key; signing needs the private key',
      );
    try {
      key = await importJWK(signer.jwk, alg);
    } catch (err) {
      throw new ProtocolInputError('bad_private_key', `the private key cannot sign ${alg}: ${(err as Error).message}`);
    }
  }
  return new SignJWT(claims as Record<string, unknown>)
    .setProtectedHeader({
      alg,
      typ: REQUEST_OBJECT_TYP,
      ...(signer.kind === 'private_key' && signer.jwk.kid ? { kid: signer.jwk.kid } : {}),
    })
    .sign(key);
}

export interface EncryptionTarget {
  jwk: JWK;
  alg: string;
  enc: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Key management algs we would use for a key type, best first. */
function algsFor(jwk: JWK): string[] {
  if (jwk.kty === 'RSA') return ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512', 'RSA-OAEP'];
  if (jwk.kty === 'EC' || (jwk.kty === 'OKP' && (jwk.crv === 'X25519' || jwk.crv === 'X448')))
    return ['ECDH-ES', 'ECDH-ES+A256KW', 'ECDH-ES+A192KW', 'ECDH-ES+A128KW'];
  return [];
}

const ENC_PREFERENCE = ['A256GCM', 'A128GCM', 'A256CBC-HS512', 'A192GCM', 'A192CBC-HS384', 'A128CBC-HS256'];

/**
 * RFC 9101 §6.1 / Core 10.2: encrypt to a key of the provider's JWKS marked for encryption, with an
 * alg and enc its metadata lists (request_object_encryption_*_values_supported). Explicit alg/enc
 * choices are honoured and must fit. No usable key or alg is bad input: encryption was asked for.
 */
export function requestObjectEncryptionTarget(
  jwks: { keys: JWK[] },
  metadata: Record<string, unknown>,
  wanted: { alg?: string | undefined; enc?: string | undefined } = {},
): EncryptionTarget {
  const algsSupported = strings(metadata.request_object_encryption_alg_values_supported);
  const encsSupported = strings(metadata.request_object_encryption_enc_values_supported);
  if (algsSupported.length === 0)
    throw new ProtocolInputError(
      'encryption_not_supported',
      'the provider advertises no request_object_encryption_alg_values_supported: ' +
        'it does not take encrypted request objects',
    );
  // Core 10.2: a JWKS with both kinds marks encryption keys use "enc"; unmarked keys may serve either.
  const marked = jwks.keys.filter((k) => k.use === 'enc');
  const pool = (marked.length ? marked : jwks.keys.filter((k) => k.use === undefined)).filter(
    (k) => k.key_ops === undefined || k.key_ops.includes('encrypt') || k.key_ops.includes('wrapKey'),
  );
  for (const jwk of pool) {
    const candidates = jwk.alg ? [jwk.alg] : algsFor(jwk);
    const alg = candidates.find(
      (a) => algsSupported.includes(a) && algsFor(jwk).includes(a) && (wanted.alg === undefined || wanted.alg === a),
    );
    if (alg === undefined) continue;
    const enc =
      wanted.enc ??
      (encsSupported.length ? ENC_PREFERENCE.find((e) => encsSupported.includes(e)) : 'A128CBC-HS256') ??
      encsSupported[0];
    if (enc === undefined) continue;
    if (encsSupported.length && !encsSupported.includes(enc))
      throw new ProtocolInputError(
        'encryption_not_supported',
        `the provider does not take enc ${enc} for request objects (it lists ${encsSupported.join(', ')})`,
      );
    return { jwk, alg, enc };
  }
  throw new ProtocolInputError(
    'no_encryption_key',
    "the provider's JWKS has no public key to encrypt the request object to " +
      `with ${wanted.alg ?? algsSupported.join(' or ')} (RFC 9101 §6.1)`,
  );
}

/** RFC 9101 §6.1 / RFC 7519 §5.2: a nested JWT, signed then encrypted, cty "JWT". */
export async function encryptRequestObject(signed: string, target: EncryptionTarget): Promise<string> {
  const [{ CompactEncrypt }, { importJWK }] = await Promise.all([
    import('jose/jwe/compact/encrypt'),
    import('jose/key/import'),
  ]);
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = target.jwk;
    key = await importJWK(pub, target.alg);
  } catch (err) {
    throw new ProtocolInputError(
      'no_encryption_key',
      `the provider's key${target.jwk.kid ? ` "${target.jwk.kid}"` : ''} cannot be used for ${target.alg}: ` +
        (err as Error).message,
    );
  }
  return new CompactEncrypt(new TextEncoder().encode(signed))
    .setProtectedHeader({
      alg: target.alg,
      enc: target.enc,
      cty: 'JWT',
      ...(target.jwk.kid ? { kid: target.jwk.kid } : {}),
    })
    .encrypt(key);
}

/** RFC 9101 §5 / Core 6.1: signing a request object is asked for, or required by the provider. */
export function requestObjectRequired(metadata: Record<string, unknown>): boolean {
  return metadata.require_signed_request_object === true;
}

/**
 * By value (RFC 9101 §5.1): client_id and request; response_type and scope are repeated outside,
 * identical, because OIDC Core 6.1 requires them there and RFC 9101 §5 lets the provider ignore them.
 */
export function requestObjectAuthorizationUrl(
  authorizationEndpoint: string,
  opts: { clientId: string; request: string; responseType?: string | undefined; scope?: string | undefined },
): URL {
  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', opts.clientId);
  if (opts.responseType !== undefined) url.searchParams.set('response_type', opts.responseType);
  if (opts.scope !== undefined) url.searchParams.set('scope', opts.scope);
  url.searchParams.set('request', opts.request);
  return url;
}
