// Keys and tokens minted by the tests with jose (no pasted blobs).
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

export async function makeKey(alg: string, kid = `${alg.toLowerCase()}-key`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A well-formed ID token for issuer/client; override or delete claims with `claims` (undefined deletes). */
export async function mintIdToken(
  key: TestKey,
  opts: { claims?: Record<string, unknown>; header?: Record<string, unknown>; issuer?: string; clientId?: string } = {},
): Promise<string> {
  const now = nowSeconds();
  const base: Record<string, unknown> = {
    iss: opts.issuer ?? 'https://op.test',
    sub: 'alice',
    aud: opts.clientId ?? 'client-1',
    iat: now,
    exp: now + 3600,
    nonce: 'nonce-1',
  };
  const claims: Record<string, unknown> = { ...base, ...opts.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...opts.header })
    .sign(key.privateKey);
}

/** An unsecured token (alg none), built by hand since jose refuses to. */
export function unsecuredToken(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(claims)}.`;
}
