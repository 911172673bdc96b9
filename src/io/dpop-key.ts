// The DPoP key of a run: a fresh one, or the asymmetric private key in a file (PEM or JWK) so that a
// cached DPoP-bound token stays usable (RFC 9449 §4.2).
import type { JWK } from 'jose';
import { UsageError } from '../errors.js';
import { dpopKeyFromJwk, generateDpopKey, type DpopKey } from '../protocol/dpop.js';
import { readUserFile } from './input.js';
import { asUsage } from './protocol-input.js';

export async function loadDpopKey(path: string | undefined, option = '--dpop-key'): Promise<DpopKey> {
  if (path === undefined) return generateDpopKey();
  const text = (await readUserFile(path, option)).trim();
  const origin = `${option} ${path}`;
  let jwk: JWK;
  if (text.startsWith('{')) {
    try {
      jwk = JSON.parse(text) as JWK;
    } catch (err) {
      throw new UsageError('bad_dpop_key', `${origin} is not JSON: ${(err as Error).message}`);
    }
  } else if (text.includes('-----BEGIN')) {
    const { createPrivateKey } = await import('node:crypto');
    if (/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(text))
      throw new UsageError(
        'bad_dpop_key',
        `${origin} is a public key or certificate; DPoP proofs are signed with the private key`,
      );
    try {
      jwk = createPrivateKey(text).export({ format: 'jwk' }) as JWK;
    } catch (err) {
      throw new UsageError('bad_dpop_key', `${origin} does not parse as a private key: ${(err as Error).message}`);
    }
  } else {
    throw new UsageError('bad_dpop_key', `${origin} is neither a PEM file nor a JWK`);
  }
  return asUsage(() => dpopKeyFromJwk(jwk, { origin }));
}
