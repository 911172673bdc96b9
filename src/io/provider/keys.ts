// The provider's signing keys and its ID token minting. One current key per algorithm (RS256, ES256,
// EdDSA), the ones retired by the last rotation still published so tokens already out keep
// verifying (Core 10.1.1), and two RSA keys only the key defects use. Tokens are signed with jose;
// the hashes (at_hash, c_hash, s_hash) are computed here with node:crypto, apart from the relying
// party code in src/protocol that checks them, so a mistake in one does not hide in the other.
import { createHash } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import {
  alter,
  publishedKeys,
  type Defect,
  type ProviderAlg,
  type PublishedKey,
  type SigningPlan,
} from '../../protocol/provider-defects.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  alg: ProviderAlg;
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
  /** RSA keys only: the SPKI PEM, the "secret" of the key-confusion defect. */
  publicPem?: string;
}

export type KeyTrio = Record<ProviderAlg, SigningKey>;

/** The two RSA keys only the key defects use. */
export interface DefectKeys {
  /** Published late by the rotation defect. */
  rotation: SigningKey;
  /** A second RSA key in the JWKS of kid_absent_multi. */
  spareRsa: SigningKey;
}

/** What a keyring starts from; tests share one between providers (RSA generation is slow). */
export interface KeyMaterial {
  current: KeyTrio;
  /** Made in the background: the provider is ready before they are, and few runs need them. */
  defectKeys: Promise<DefectKeys>;
}

// Node 20 before 20.19 calls Ed25519 in Web Crypto experimental and says so on stderr, once, the
// first time a key is made; that line would come before --json-log's ready event, which scripts read
// as the first line. The provider's own EdDSA key is the only use, so that one warning is dropped.
function quietEd25519Warning(): void {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/Ed25519 Web Crypto API/.test(text)) return;
    return (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}
quietEd25519Warning();

const ALGS: readonly ProviderAlg[] = ['RS256', 'ES256', 'EdDSA'];

async function makeKey(alg: ProviderAlg, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, ...(alg === 'RS256' ? { publicPem: await exportSPKI(publicKey) } : {}) };
}

const kidPrefix: Record<ProviderAlg, string> = { RS256: 'rs256', ES256: 'es256', EdDSA: 'eddsa' };

async function makeTrio(generation: number): Promise<KeyTrio> {
  const keys = await Promise.all(ALGS.map((alg) => makeKey(alg, `${kidPrefix[alg]}-${generation}`)));
  return Object.fromEntries(keys.map((k) => [k.alg, k])) as KeyTrio;
}

export async function generateKeyMaterial(): Promise<KeyMaterial> {
  const current = await makeTrio(1);
  const defectKeys = Promise.all([makeKey('RS256', 'rs256-next'), makeKey('RS256', 'rs256-spare')]).then(
    ([rotation, spareRsa]) => ({ rotation, spareRsa }),
  );
  // Awaited where a defect needs them; an unhandled rejection before that would end the process.
  defectKeys.catch(() => {});
  return { current, defectKeys };
}

/** The keys of one provider: rotation on demand replaces the current trio and retires the old one. */
export class Keyring {
  private current: KeyTrio;
  private previous: KeyTrio | undefined;
  private generation = 1;
  private readonly defectKeys: Promise<DefectKeys>;

  constructor(material: KeyMaterial) {
    this.current = material.current;
    this.defectKeys = material.defectKeys;
  }

  /** Core 10.1.1: new keys sign from now on; the retired ones stay published until the next rotation. */
  async rotate(): Promise<string[]> {
    const next = await makeTrio(++this.generation);
    this.previous = this.current;
    this.current = next;
    return ALGS.map((alg) => next[alg].kid);
  }

  async key(which: ProviderAlg | 'rotation'): Promise<SigningKey> {
    return which === 'rotation' ? (await this.defectKeys).rotation : this.current[which];
  }

  /** The JWKS under the key defects (see publishedKeys). */
  async jwks(defects: ReadonlySet<Defect>, fetches: number): Promise<{ jwks: { keys: JWK[] }; applied: Defect[] }> {
    const { keys, applied } = publishedKeys(defects, fetches);
    const extra = keys.includes('spare_rsa') || keys.includes('rotation') ? await this.defectKeys : undefined;
    const pick: Record<PublishedKey, () => SigningKey[]> = {
      current: () => ALGS.map((a) => this.current[a]),
      current_rsa: () => [this.current.RS256],
      previous: () => (this.previous ? ALGS.map((a) => this.previous![a]) : []),
      spare_rsa: () => [extra!.spareRsa],
      rotation: () => [extra!.rotation],
    };
    return { jwks: { keys: keys.flatMap((k) => pick[k]().map((key) => key.publicJwk)) }, applied };
  }
}

/** The JWS alg a plan signs with, which also picks the hash of at_hash/c_hash/s_hash. */
export function planAlg(plan: SigningPlan): string {
  if (plan.kind === 'none') return 'none';
  if (plan.kind === 'key') return plan.key === 'rotation' ? 'RS256' : plan.key;
  return 'HS256';
}

/**
 * Core 3.1.3.6 / 3.3.2.11: base64url of the left half of the hash of the ASCII value, with the
 * hash of the JWS alg (SHA-512 for Ed25519, Core errata set 2). An unsecured token has no alg
 * hash; SHA-256 stands in, so the claim is there for the relying party to refuse.
 */
export function halfHash(jwsAlg: string, value: string): string {
  const digest = createHash(jwsAlg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(value, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

const b64json = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Change the signature so it no longer verifies (the header and payload stay as signed). */
function breakSignature(jws: string): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  return `${h}.${p}.${alter(s)}`;
}

/** An unsecured JWT (alg none), for the defects that send one. */
export function unsecuredJwt(claims: Record<string, unknown>): string {
  return `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(claims)}.`;
}

/**
 * A JWT signed with the provider's current RSA key: RS256 is what RFC 9068 §2.1 (JWT access
 * tokens) and JARM §3 (the default authorization_signed_response_alg) expect without registration.
 */
export async function signWithProviderKey(
  claims: Record<string, unknown>,
  keyring: Keyring,
  typ?: string,
): Promise<string> {
  const key = await keyring.key('RS256');
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...(typ ? { typ } : {}) })
    .sign(key.privateKey);
}

export async function signIdToken(
  claims: Record<string, unknown>,
  plan: SigningPlan,
  keyring: Keyring,
  clientSecret: string | undefined,
): Promise<string> {
  if (plan.kind === 'none') return unsecuredJwt(claims);
  const jwt = new SignJWT(claims as JWTPayload);
  if (plan.kind === 'client_secret') {
    const token = await jwt
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(clientSecret ?? ''));
    return plan.broken ? breakSignature(token) : token;
  }
  if (plan.kind === 'rsa_public_key_as_secret') {
    const rsa = await keyring.key('RS256');
    return jwt
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: rsa.kid })
      .sign(new TextEncoder().encode(rsa.publicPem));
  }
  const key = await keyring.key(plan.key);
  const token = await jwt
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(plan.kid ? { kid: key.kid } : {}) })
    .sign(key.privateKey);
  return plan.broken ? breakSignature(token) : token;
}
