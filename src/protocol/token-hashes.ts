// at_hash / c_hash / s_hash (OIDC Core 3.1.3.6, 3.3.2.11; FAPI 1.0 §5.1 s_hash): the base64url of
// the left-most half of the hash of the ASCII value, the hash being the one of the JWS alg.

/** Hash function for a JWS alg; EdDSA/Ed25519 uses SHA-512 and Ed448 SHAKE256 (Core errata set 2). */
function hashFor(alg: string, crv: string | undefined): { name: string; outputLength?: number } | undefined {
  if (alg === 'EdDSA' || alg === 'Ed25519' || alg === 'Ed448') {
    if (crv === 'Ed448' || alg === 'Ed448') return { name: 'shake256', outputLength: 114 };
    return { name: 'sha512' };
  }
  const m = /^(?:HS|RS|PS|ES)(256|384|512)K?$/.exec(alg);
  if (!m) return undefined;
  return { name: `sha${m[1]}` };
}

/** The expected claim value, or undefined when the alg has no defined hash (e.g. "none"). */
export function tokenHash(alg: string, crv: string | undefined, value: string): string | undefined {
  const h = hashFor(alg, crv);
  if (!h) return undefined;
  // node:crypto on first use: loading it costs ~2 ms, and most verify runs hash nothing.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const digest = createHash(h.name, h.outputLength ? { outputLength: h.outputLength } : undefined)
    .update(value, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export function hashAlgorithmName(alg: string, crv: string | undefined): string | undefined {
  const h = hashFor(alg, crv);
  return h ? h.name.toUpperCase().replace('SHA', 'SHA-') : undefined;
}
