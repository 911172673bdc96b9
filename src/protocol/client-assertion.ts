// JWT client authentication (OIDC Core 9, RFC 7523 §2.2): client_secret_jwt (HMAC with the
// secret) and private_key_jwt (the client's key). Short-lived, fresh jti, aud = the token endpoint.
import type { JWK } from 'jose';
import { defaultSigningAlgFor, isHmacAlg } from './algorithms.js';
import {
  clientAuthParts,
  MissingClientSecret,
  type ClientAuthMethod,
  type ClientAuthParts,
  type ClientCredentials,
} from './client-auth.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASSERTION_LIFETIME = 60;

export interface AssertionOptions {
  /** The token endpoint the assertion is for (its aud). */
  audience: string;
  /** private_key_jwt: the client's private key as a JWK. */
  privateKey?: JWK | undefined;
  /** Signing alg: HS256 for client_secret_jwt, the key's alg or RS256/ES256 for private_key_jwt. */
  signingAlg?: string | undefined;
  now?: number | undefined;
}

export class ClientKeyError extends Error {
  override name = 'ClientKeyError';
}

/** Headers and form fields for any method; the JWT methods sign a fresh assertion. */
export async function clientAuthentication(
  method: ClientAuthMethod,
  client: ClientCredentials,
  opts: AssertionOptions,
): Promise<ClientAuthParts> {
  if (method !== 'client_secret_jwt' && method !== 'private_key_jwt') return clientAuthParts(method, client);
  const { SignJWT, importJWK } = await import('jose');
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const claims = {
    iss: client.clientId,
    sub: client.clientId,
    aud: opts.audience,
    jti: await freshJti(),
    iat: now,
    exp: now + ASSERTION_LIFETIME,
  };
  let key: Awaited<ReturnType<typeof importJWK>>;
  let alg: string;
  if (method === 'client_secret_jwt') {
    if (!client.clientSecret) throw new MissingClientSecret(method);
    alg = opts.signingAlg ?? 'HS256';
    if (!isHmacAlg(alg)) throw new ClientKeyError(`client_secret_jwt signs with HS256, HS384 or HS512, not ${alg}`);
    key = new TextEncoder().encode(client.clientSecret);
  } else {
    if (!opts.privateKey) throw new ClientKeyError('private_key_jwt needs --private-key <pem or jwk file>');
    alg =
      opts.signingAlg ??
      (typeof opts.privateKey.alg === 'string' ? opts.privateKey.alg : defaultSigningAlgFor(opts.privateKey));
    try {
      key = await importJWK(opts.privateKey, alg);
    } catch (err) {
      throw new ClientKeyError(`the private key does not fit ${alg}: ${(err as Error).message}`);
    }
  }
  const assertion = await new SignJWT(claims)
    .setProtectedHeader({ alg, ...(opts.privateKey?.kid ? { kid: opts.privateKey.kid } : {}) })
    .sign(key);
  return {
    headers: {},
    form: { client_id: client.clientId, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion },
  };
}

/** RFC 7523 §2.1 / §3: an authorization grant assertion signed with the client's key. */
export async function signGrantAssertion(opts: {
  issuer: string;
  subject: string;
  audience: string;
  privateKey: JWK;
  signingAlg?: string | undefined;
  now?: number | undefined;
}): Promise<string> {
  const { SignJWT, importJWK } = await import('jose');
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const alg =
    opts.signingAlg ??
    (typeof opts.privateKey.alg === 'string' ? opts.privateKey.alg : defaultSigningAlgFor(opts.privateKey));
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(opts.privateKey, alg);
  } catch (err) {
    throw new ClientKeyError(`the private key does not fit ${alg}: ${(err as Error).message}`);
  }
  return new SignJWT({
    iss: opts.issuer,
    sub: opts.subject,
    aud: opts.audience,
    jti: await freshJti(),
    iat: now,
    exp: now + ASSERTION_LIFETIME,
  })
    .setProtectedHeader({ alg, ...(opts.privateKey.kid ? { kid: opts.privateKey.kid } : {}) })
    .sign(key);
}

/** A fresh jti (RFC 7523 §3). node:crypto loads here, not with this module: a cached `token` never signs. */
async function freshJti(): Promise<string> {
  const { randomBytes } = await import('node:crypto');
  return randomBytes(16).toString('base64url');
}
