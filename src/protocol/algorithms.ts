// JOSE algorithms and the keys they need: the one place that maps an alg to a key type and curve
// (RFC 7518 §3.1 and §4.1, RFC 8037 §3, RFC 8812 §3.2, RFC 9864), used to pick verification keys
// and to lint published key sets.

/** The JWS algs the verifier accepts (jose implements each). */
export const SUPPORTED_ALGS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export const isSupportedAlg = (alg: string): boolean => (SUPPORTED_ALGS as readonly string[]).includes(alg);

/** RFC 7518 §3.2: HMAC with a shared secret. */
export const isHmacAlg = (alg: string): boolean => /^HS(256|384|512)$/.test(alg);

/** Members that make a JWK private or secret (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export interface KeyRequirement {
  /** Key types that can carry out the alg. */
  kty: readonly string[];
  /** Curves allowed, when the alg fixes them. */
  crv?: readonly string[];
  /** What the alg is for: a signature (JWS) or key management (JWE). */
  use: 'sig' | 'enc';
}

const EC_SIGNATURE_CURVES: Record<string, string> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
  ES256K: 'secp256k1',
};

/** The key type (and curve) an alg needs, or undefined for an alg outside the registries we know. */
export function keyRequirementFor(alg: string): KeyRequirement | undefined {
  if (/^(RS|PS)(256|384|512)$/.test(alg)) return { kty: ['RSA'], use: 'sig' };
  if (/^RSA(1_5|-OAEP(-256|-384|-512)?)$/.test(alg)) return { kty: ['RSA'], use: 'enc' };
  const curve = EC_SIGNATURE_CURVES[alg];
  if (curve) return { kty: ['EC'], crv: [curve], use: 'sig' };
  if (alg === 'EdDSA') return { kty: ['OKP'], crv: ['Ed25519', 'Ed448'], use: 'sig' };
  if (alg === 'Ed25519' || alg === 'Ed448') return { kty: ['OKP'], crv: [alg], use: 'sig' };
  if (/^ECDH-ES(\+A(128|192|256)KW)?$/.test(alg)) return { kty: ['EC', 'OKP'], use: 'enc' };
  if (isHmacAlg(alg)) return { kty: ['oct'], use: 'sig' };
  if (/^A(128|192|256)(GCM)?KW$/.test(alg) || alg === 'dir') return { kty: ['oct'], use: 'enc' };
  return undefined;
}

/** Whether a key of this type and curve can carry out the alg. */
export function keyFitsAlg(alg: string, key: { kty?: unknown; crv?: unknown }): boolean {
  const need = keyRequirementFor(alg);
  if (!need || typeof key.kty !== 'string' || !need.kty.includes(key.kty)) return false;
  return need.crv === undefined || (typeof key.crv === 'string' && need.crv.includes(key.crv));
}

/** The signing alg a private key implies when none is named: its curve's, or RS256 for RSA (Core 15.1). */
export function defaultSigningAlgFor(key: { kty?: unknown; crv?: unknown }): string {
  if (key.kty === 'EC') return key.crv === 'P-384' ? 'ES384' : key.crv === 'P-521' ? 'ES512' : 'ES256';
  if (key.kty === 'OKP') return 'EdDSA';
  return 'RS256';
}
