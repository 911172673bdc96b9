// The client's decryption keys (OIDC Core 10.2): PEM private keys or JWK / JWKS files, repeatable.
// Only keys that can decrypt are kept; a file with none is bad input.
import type { JWK } from 'jose';
import { UsageError } from '../errors.js';
import type { DecryptionKey } from '../protocol/jwe.js';
import { readUserFile } from './input.js';

const canDecrypt = (jwk: JWK) => jwk.kty === 'oct' || typeof jwk.d === 'string';

export async function loadDecryptionKeys(
  paths: readonly string[],
  option = '--decryption-key',
): Promise<DecryptionKey[]> {
  const keys: DecryptionKey[] = [];
  for (const path of paths) keys.push(...parseDecryptionKeyFile(await readUserFile(path, option), `${option} ${path}`));
  return keys;
}

export function parseDecryptionKeyFile(text: string, origin: string): DecryptionKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw new UsageError('bad_decryption_key', `${origin} is not JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray((json as { keys?: unknown }).keys)
      ? ((json as { keys: unknown[] }).keys as unknown[])
      : [json];
    const jwks = list.filter((k): k is JWK => !!k && typeof k === 'object' && typeof (k as JWK).kty === 'string');
    const usable = jwks.filter(canDecrypt);
    if (usable.length === 0)
      throw new UsageError(
        'bad_decryption_key',
        jwks.length === 0
          ? `${origin} holds no JWK`
          : `${origin} holds only public keys; decryption needs the private key`,
      );
    return usable.map((jwk) => ({ jwk, origin }));
  }
  if (!trimmed.includes('-----BEGIN'))
    throw new UsageError('bad_decryption_key', `${origin} is neither a PEM file nor a JWK`);
  if (/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(trimmed))
    throw new UsageError(
      'bad_decryption_key',
      `${origin} is a public key or certificate; decryption needs the private key`,
    );
  try {
    const { createPrivateKey } = process.getBuiltinModule('node:crypto');
    return [{ jwk: createPrivateKey(trimmed).export({ format: 'jwk' }) as JWK, origin }];
  } catch (err) {
    throw new UsageError('bad_decryption_key', `${origin} does not parse as a private key: ${(err as Error).message}`);
  }
}
