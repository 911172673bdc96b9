// login's request object (RFC 9101): the authorization request parameters signed as a JWT with the
// client's private_key_jwt key or, with an HMAC --signing-alg (or only a secret), the client
// secret; then, when asked, encrypted to a key of the provider's JWKS (RFC 9101 §6.1).
import { UsageError } from '../../errors.js';
import { asUsage } from '../../io/protocol-input.js';
import type { KeySource } from '../../protocol/jws-signature.js';
import {
  encryptRequestObject,
  requestObjectClaims,
  requestObjectEncryptionTarget,
  signRequestObject,
  type RequestObjectSigner,
} from '../../protocol/request-object.js';
import type { ClientSettings } from '../shared/client.js';
import { decodeJwt } from '../../protocol/jwt.js';

export interface PreparedRequestObject {
  /** The compact JWS, or the JWE around it. */
  request: string;
  alg: string;
  encryption?: { alg: string; enc: string; kid?: string | undefined };
}

/** The signer the client's credentials give: its private key unless an HMAC alg is asked for. */
function signerFor(client: ClientSettings): RequestObjectSigner {
  const hmac = client.signingAlg !== undefined && /^HS/i.test(client.signingAlg);
  if (client.privateKey && !hmac) return { kind: 'private_key', jwk: client.privateKey, alg: client.signingAlg };
  if (client.clientSecret !== undefined)
    return { kind: 'client_secret', secret: client.clientSecret, alg: client.signingAlg };
  throw new UsageError(
    'missing_option',
    'a request object must be signed: pass --private-key (private_key_jwt key), ' +
      'or a client secret with --signing-alg HS256',
  );
}

export async function prepareRequestObject(
  params: Record<string, string>,
  opts: {
    client: ClientSettings;
    issuer: string;
    encrypt: boolean;
    metadata: Record<string, unknown>;
    keys: KeySource | undefined;
  },
): Promise<PreparedRequestObject> {
  const signer = signerFor(opts.client);
  // RFC 9101 §4: iss is the client, aud the provider's issuer identifier.
  const claims = requestObjectClaims(params, { clientId: opts.client.clientId, issuer: opts.issuer });
  const signed = await asUsage(() => signRequestObject(claims, signer));
  const alg = String(decodeJwt(signed).header.alg);
  if (!opts.encrypt) return { request: signed, alg };
  if (opts.keys?.kind !== 'jwks')
    throw new UsageError(
      'no_encryption_key',
      `${opts.issuer} publishes no jwks_uri, so there is no key to encrypt the request object to (RFC 9101 §6.1)`,
    );
  const jwks = opts.keys.jwks;
  const target = await asUsage(() => requestObjectEncryptionTarget(jwks, opts.metadata));
  const request = await asUsage(() => encryptRequestObject(signed, target));
  return { request, alg, encryption: { alg: target.alg, enc: target.enc, kid: target.jwk.kid } };
}
