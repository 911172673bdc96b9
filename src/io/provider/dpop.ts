// DPoP proofs as the provider receives them (RFC 9449 §4.3): one header, a JWS whose signature
// verifies with the public key in its own header, then the rules of src/protocol/provider-dpop.ts,
// and a jti this provider has not seen before (§11.1: a proof is used once).
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import {
  checkDpopProofClaims,
  checkDpopProofHeader,
  type ProofVerdict,
  singleProof,
} from '../../protocol/provider-dpop.js';
import { nowSeconds, type ProviderCore } from './core.js';
import { requestUri, type ProviderRequest } from './request.js';

/** The proof the request carries, judged; undefined when it carries none. */
export async function dpopProof(
  core: ProviderCore,
  req: ProviderRequest,
  opts: { accessToken?: string } = {},
): Promise<ProofVerdict | undefined> {
  const proof = singleProof(req.headers.dpop);
  if (proof === undefined) return undefined;
  if (typeof proof !== 'string') return { kind: 'invalid', description: proof.invalid };
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch {
    return { kind: 'invalid', description: 'the DPoP header is not a JWT (RFC 9449 §4.3)' };
  }
  const h = checkDpopProofHeader(header);
  if (h.kind === 'invalid') return h;
  let payload: Record<string, unknown>;
  try {
    const key = await importJWK(h.jwk, h.alg);
    const { payload: bytes } = await compactVerify(proof, key, { algorithms: [h.alg] });
    payload = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('not a claims set');
  } catch {
    return {
      kind: 'invalid',
      description: 'the proof does not verify with the key in its own jwk header (RFC 9449 §4.3 step 6)',
    };
  }
  const verdict = checkDpopProofClaims(payload, h.jwk, {
    htm: req.method,
    htu: requestUri(req),
    now: nowSeconds(),
    accessToken: opts.accessToken,
  });
  if (verdict.kind === 'ok' && !core.firstUseOfDpopJti(verdict.jti, verdict.iat))
    return { kind: 'invalid', description: 'this proof was already used: its jti is not new (RFC 9449 §11.1)' };
  return verdict;
}
