// Key sources from what the user named: a JWKS file or URL, a PEM or JWK file, a shared secret, or
// an issuer whose discovery document points at its jwks_uri.
import type { JWK } from 'jose';
import { UsageError } from '../errors.js';
import { exceedsJsonDepth, tooDeepMessage } from '../protocol/json-depth.js';
import type { KeySource } from '../protocol/jws-signature.js';
import { advertisedEndpoint, fetchDiscovery } from './discovery.js';
import { fetchJwks } from './jwks.js';
import type { HttpClient } from './http.js';
import { readUserFile } from './input.js';

export interface KeyOptions {
  jwks?: string | undefined;
  key?: string | undefined;
  secret?: string | undefined;
  secretFile?: string | undefined;
  issuer?: string | undefined;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Exactly one key source; --issuer alone means discovery → jwks_uri. `http` is created only if needed. */
export async function keySourceFromOptions(opts: KeyOptions, http: () => HttpClient): Promise<KeySource> {
  const given = (['jwks', 'key', 'secret', 'secretFile'] as const).filter((k) => opts[k] !== undefined);
  if (given.length > 1) {
    const flag = (k: string) => `--${k.replace('secretFile', 'secret-file')}`;
    throw new UsageError('contradictory_options', `give one key source, not ${given.map(flag).join(' and ')}`);
  }
  if (opts.jwks !== undefined) {
    if (isUrl(opts.jwks)) return remoteJwksSource(http(), opts.jwks);
    return {
      kind: 'jwks',
      jwks: parseJwks(await readUserFile(opts.jwks, '--jwks'), `--jwks ${opts.jwks}`),
      origin: opts.jwks,
      remote: false,
    };
  }
  if (opts.key !== undefined) return keyFileSource(await readUserFile(opts.key, '--key'), opts.key);
  if (opts.secret !== undefined)
    return { kind: 'secret', secret: new TextEncoder().encode(opts.secret), origin: '--secret' };
  if (opts.secretFile !== undefined) {
    const text = (await readUserFile(opts.secretFile, '--secret-file')).replace(/\r?\n$/, '');
    return { kind: 'secret', secret: new TextEncoder().encode(text), origin: opts.secretFile };
  }
  if (opts.issuer !== undefined) {
    const { metadata } = await fetchDiscovery(http(), opts.issuer);
    const jwksUri = advertisedEndpoint(metadata, 'jwks_uri', { issuer: opts.issuer, option: '--jwks' });
    return remoteJwksSource(http(), jwksUri);
  }
  throw new UsageError(
    'missing_key_source',
    'no key to verify with: pass --jwks <file|url>, --key <pem|jwk file>, --secret/--secret-file, or --issuer <url>',
  );
}

/** A remote JWKS, with one refetch allowed for key rotation (an unknown kid). */
export async function remoteJwksSource(http: HttpClient, jwksUri: string): Promise<KeySource> {
  const fetchOnce = async () => ({ keys: usableKeys((await fetchJwks(http, jwksUri)).keys) });
  return { kind: 'jwks', jwks: await fetchOnce(), origin: jwksUri, remote: true, refetch: fetchOnce };
}

/** Entries that are at least shaped like keys; jwks-lint reports the rest. */
function usableKeys(keys: unknown[]): JWK[] {
  return keys.filter((k): k is JWK => typeof k === 'object' && k !== null && typeof (k as JWK).kty === 'string');
}

function parseJwks(text: string, where: string): { keys: JWK[] } {
  if (exceedsJsonDepth(text)) throw new UsageError('bad_jwks_file', tooDeepMessage(where));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError('bad_jwks_file', `${where} is not JSON: ${(err as Error).message}`);
  }
  if (json && typeof json === 'object' && typeof (json as JWK).kty === 'string') return { keys: [json as JWK] };
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new UsageError('bad_jwks_file', `${where} is not a JWKS: it has no "keys" array`);
  return { keys: usableKeys(keys) };
}

/** A PEM (public key, private key or certificate) or a JWK/JWKS file. */
export function keyFileSource(text: string, path: string): KeySource {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwks = parseJwks(trimmed, `--key ${path}`);
    if (jwks.keys.length === 1) return { kind: 'key', jwk: jwks.keys[0]!, origin: path };
    return { kind: 'jwks', jwks, origin: path, remote: false };
  }
  if (!trimmed.includes('-----BEGIN')) throw new UsageError('bad_key', `--key ${path} is neither a PEM file nor a JWK`);
  try {
    // node:crypto on first use: loading it costs ~2 ms, and a JWKS does not need it.
    const { createPublicKey, X509Certificate } = process.getBuiltinModule('node:crypto');
    const pub = trimmed.includes('CERTIFICATE-----')
      ? new X509Certificate(trimmed).publicKey
      : createPublicKey(trimmed);
    return { kind: 'key', jwk: pub.export({ format: 'jwk' }) as JWK, origin: path };
  } catch (err) {
    throw new UsageError('bad_key', `--key ${path} does not parse as a key: ${(err as Error).message}`);
  }
}

/** A client's private key (private_key_jwt) from a PEM or JWK file, as a JWK. */
export async function loadPrivateKeyFile(path: string): Promise<JWK> {
  const text = await readUserFile(path, '--private-key');
  try {
    if (text.trim().startsWith('{')) return JSON.parse(text) as JWK;
    const { createPrivateKey } = await import('node:crypto');
    return createPrivateKey(text).export({ format: 'jwk' }) as JWK;
  } catch (err) {
    throw new UsageError(
      'bad_private_key',
      `--private-key ${path} does not parse as a private key: ${(err as Error).message}`,
    );
  }
}

/** RFC 8705: --cert and --key together; the tls methods need them. */
export async function loadClientCertificate(
  certPath: string | undefined,
  keyPath: string | undefined,
  method: string | undefined,
): Promise<{ cert: string; key: string } | undefined> {
  const tlsMethod = method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
  if (certPath === undefined && keyPath === undefined) {
    if (tlsMethod)
      throw new UsageError(
        'missing_client_certificate',
        `--auth-method ${method} needs --cert <pem> and --key <pem> (RFC 8705)`,
      );
    return undefined;
  }
  if (certPath === undefined || keyPath === undefined)
    throw new UsageError('missing_client_certificate', 'give --cert and --cert-key together');
  const cert = await readUserFile(certPath, '--cert');
  const key = await readUserFile(keyPath, '--cert-key');
  try {
    const { createPrivateKey, X509Certificate } = await import('node:crypto');
    new X509Certificate(cert);
    createPrivateKey(key);
  } catch (err) {
    throw new UsageError('bad_client_certificate', `--cert/--cert-key do not parse: ${(err as Error).message}`);
  }
  return { cert, key };
}
