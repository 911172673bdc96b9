// DPoP (RFC 9449): a proof of possession of the client's key on each request (§4), the key's
// RFC 7638 thumbprint, nonces the servers hand out (§8, §9), and the checks on what comes back:
// token_type DPoP (§5) and the token bound to our key (cnf.jkt, §6).
import { createHash, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { fail, pass, skip, type Check } from './checks.js';
import { accessTokenContent, confirmation } from './cnf.js';
import { ProtocolInputError } from './input-error.js';

export interface DpopKey {
  /** The private JWK the proofs are signed with. */
  privateJwk: JWK;
  /** The public part carried in every proof's header (§4.2: never the private key). */
  publicJwk: JWK;
  alg: string;
  /** RFC 7638 SHA-256 thumbprint of publicJwk: the token's cnf.jkt and the dpop_jkt parameter (§6.1, §10). */
  thumbprint: string;
}

/** Members RFC 7638 §3.2 (and RFC 8037 §2 for OKP) hashes, per key type. */
const THUMBPRINT_MEMBERS: Record<string, string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/** RFC 7638 §3: SHA-256 over the required members, in lexicographic order, without whitespace. */
export function jwkThumbprint(jwk: JWK): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? ''];
  if (!members)
    throw new ProtocolInputError('bad_jwk', `a JWK of type "${String(jwk.kty)}" has no RFC 7638 thumbprint`);
  const canonical: Record<string, unknown> = {};
  for (const m of members) {
    const value = (jwk as Record<string, unknown>)[m];
    if (typeof value !== 'string')
      throw new ProtocolInputError('bad_jwk', `the ${jwk.kty} JWK has no "${m}" member, so it has no thumbprint`);
    canonical[m] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** The signing alg a key implies when none is named. */
function defaultAlg(jwk: JWK): string | undefined {
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? ''] ?? undefined;
  if (jwk.kty === 'OKP') return jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? 'EdDSA' : undefined;
  if (jwk.kty === 'RSA') return 'RS256';
  return undefined;
}

/**
 * A DPoP key from a JWK (§4.2: the proof is signed with an asymmetric private key and carries the
 * public key). A symmetric key, a public key or a key-agreement key is bad input.
 */
export async function dpopKeyFromJwk(jwk: JWK, opts: { alg?: string | undefined; origin: string }): Promise<DpopKey> {
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string')
    throw new ProtocolInputError('bad_dpop_key', `${opts.origin} is not a JWK (it has no "kty")`);
  if (jwk.kty === 'oct')
    throw new ProtocolInputError(
      'bad_dpop_key',
      `${opts.origin} is a symmetric key; a DPoP key must be an asymmetric private key (RFC 9449 §4.2)`,
    );
  if (typeof jwk.d !== 'string')
    throw new ProtocolInputError(
      'bad_dpop_key',
      `${opts.origin} is a public key; DPoP proofs are signed with the private key (RFC 9449 §4.2)`,
    );
  const alg = opts.alg ?? (typeof jwk.alg === 'string' ? jwk.alg : undefined) ?? defaultAlg(jwk);
  if (alg === undefined || /^HS/.test(alg))
    throw new ProtocolInputError(
      'bad_dpop_key',
      `${opts.origin} (${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''}) is not a signing key; ` +
        'use an EC, RSA or Ed25519 private key',
    );
  const { importJWK } = await import('jose/key/import');
  try {
    await importJWK(jwk, alg);
  } catch (err) {
    throw new ProtocolInputError(
      'bad_dpop_key',
      `${opts.origin} cannot sign ${alg} DPoP proofs: ${(err as Error).message}`,
    );
  }
  const publicJwk = Object.fromEntries(
    (THUMBPRINT_MEMBERS[jwk.kty] ?? []).map((m) => [m, (jwk as Record<string, unknown>)[m]]),
  ) as JWK;
  return { privateJwk: jwk, publicJwk, alg, thumbprint: jwkThumbprint(publicJwk) };
}

/** A fresh key for this run (ES256: the one alg every DPoP server is expected to accept). */
export async function generateDpopKey(alg = 'ES256'): Promise<DpopKey> {
  const [{ generateKeyPair }, { exportJWK }] = await Promise.all([
    import('jose/key/generate/keypair'),
    import('jose/key/export'),
  ]);
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return dpopKeyFromJwk(await exportJWK(privateKey), { alg, origin: 'a generated key' });
}

/** §4.2: htu is the target URI without query and fragment. */
export function dpopHtu(url: string | URL): string {
  const u = new URL(String(url));
  u.search = '';
  u.hash = '';
  return u.href;
}

/** §4.2: ath is base64url(SHA-256(ASCII(access token))). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

export interface ProofInput {
  /** HTTP method of the request (§4.2 htm). */
  htm: string;
  /** The request URL; query and fragment are dropped. */
  htu: string | URL;
  /** Set for requests that present the access token (§7.1): adds ath. */
  accessToken?: string | undefined;
  /** The latest DPoP-Nonce this server gave (§8, §9). */
  nonce?: string | undefined;
  now?: number | undefined;
  jti?: string | undefined;
}

/** The claims of a proof (§4.2). */
export function dpopProofClaims(input: ProofInput): Record<string, string | number> {
  return {
    jti: input.jti ?? randomBytes(16).toString('base64url'),
    htm: input.htm.toUpperCase(),
    htu: dpopHtu(input.htu),
    iat: input.now ?? Math.floor(Date.now() / 1000),
    ...(input.accessToken !== undefined ? { ath: accessTokenHash(input.accessToken) } : {}),
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
  };
}

/** A signed proof: typ dpop+jwt and the public key in the header (§4.2). A fresh jti each call. */
export async function createDpopProof(key: DpopKey, input: ProofInput): Promise<string> {
  const [{ SignJWT }, { importJWK }] = await Promise.all([import('jose/jwt/sign'), import('jose/key/import')]);
  return new SignJWT(dpopProofClaims(input))
    .setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk })
    .sign(await importJWK(key.privateJwk, key.alg));
}

/** §5: a token issued for a DPoP proof has token_type DPoP (RFC 6749 §5.1: compared case-insensitively). */
export function checkDpopTokenType(tokenType: string | undefined): Check {
  if (tokenType === undefined)
    return fail('dpop.token_type', 'the token response has no token_type; with a DPoP proof it must be DPoP');
  if (tokenType.toLowerCase() === 'dpop')
    return pass('dpop.token_type', 'token_type is DPoP: the token is bound to our key (RFC 9449 §5)');
  return fail(
    'dpop.token_type',
    `token_type is "${tokenType}": the provider ignored the DPoP proof ` +
      'and issued a token anyone holding it can use (RFC 9449 §5)',
    { expected: 'DPoP', actual: tokenType },
  );
}

/**
 * §6: the token must be bound to our key's thumbprint. A JWT access token shows it as cnf.jkt (§6.1);
 * an introspection answer does the same (§6.2); an opaque token cannot be read by the client.
 */
export function checkDpopBinding(claims: Record<string, unknown> | undefined, thumbprint: string, what: string): Check {
  if (claims === undefined)
    return skip('dpop.cnf_jkt', `${what} is opaque: its binding shows only through introspection (RFC 9449 §6.2)`);
  const jkt = confirmation(claims)?.jkt;
  if (jkt === undefined)
    return fail('dpop.cnf_jkt', `${what} has no cnf.jkt: it is not bound to our DPoP key (RFC 9449 §6)`, {
      expected: thumbprint,
    });
  if (jkt === thumbprint)
    return pass('dpop.cnf_jkt', `${what} is bound to our DPoP key (cnf.jkt is its RFC 7638 thumbprint)`, {
      expected: thumbprint,
      actual: jkt,
    });
  return fail('dpop.cnf_jkt', `${what} is bound to another key: cnf.jkt is not our key's thumbprint (RFC 9449 §6)`, {
    expected: thumbprint,
    actual: jkt,
  });
}

/** checkDpopBinding for an access token as issued: a JWT shows its claims; opaque or encrypted ones do not. */
export function checkAccessTokenDpopBinding(accessToken: string, thumbprint: string): Check {
  const content = accessTokenContent(accessToken);
  if (content.kind === 'encrypted')
    return skip('dpop.cnf_jkt', 'the access token is encrypted: its binding shows only through introspection');
  return checkDpopBinding(content.kind === 'jwt' ? content.claims : undefined, thumbprint, 'the access token');
}

/** §8.1: nonce = 1*NQCHAR (visible ASCII except double quote and backslash). */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const MAX_NONCE = 1024;

/** §8.2: any answer may carry the nonce to use next; a malformed one is ignored rather than echoed. */
export function dpopNonceHeader(headers: Record<string, string>): string | undefined {
  const nonce = headers['dpop-nonce']?.trim();
  return nonce && nonce.length <= MAX_NONCE && NONCE.test(nonce) ? nonce : undefined;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * A use_dpop_nonce challenge, from an authorization server (§8: HTTP 400 with the OAuth error in
 * the body) or a resource server (§9: HTTP 401 with the error in a DPoP WWW-Authenticate
 * challenge), each with the nonce in a DPoP-Nonce header. Undefined when the answer is anything else
 * or names no usable nonce (then the error is reported as the provider gave it).
 */
export function dpopNonceChallenge(
  answer: HttpAnswer,
): { nonce: string; from: 'authorization_server' | 'resource_server' } | undefined {
  const nonce = dpopNonceHeader(answer.headers);
  if (nonce === undefined) return undefined;
  if (answer.status === 400) {
    const text = typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body).toString('utf8');
    try {
      const json = JSON.parse(text) as { error?: unknown };
      if (json && json.error === 'use_dpop_nonce') return { nonce, from: 'authorization_server' };
    } catch {
      return undefined;
    }
    return undefined;
  }
  if (answer.status === 401) {
    const dpop = parseChallenges(answer.headers['www-authenticate']).find((c) => c.scheme.toLowerCase() === 'dpop');
    if (dpop?.params.error === 'use_dpop_nonce') return { nonce, from: 'resource_server' };
  }
  return undefined;
}

/**
 * RFC 9110 §11.6.1: WWW-Authenticate holds one or more challenges, `scheme param=value, …`, possibly
 * several schemes in one header line (Bearer and DPoP side by side, RFC 9449 §7.2).
 */
export function parseChallenges(header: string | undefined): Array<{ scheme: string; params: Record<string, string> }> {
  const out: Array<{ scheme: string; params: Record<string, string> }> = [];
  if (!header) return out;
  const token = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
  const re = new RegExp(`\\s*(?:(${token})=(?:"((?:[^"\\\\]|\\\\.)*)"|(${token}))|(${token})(?=\\s|,|$))\\s*,?`, 'gy');
  let current: { scheme: string; params: Record<string, string> } | undefined;
  for (let m = re.exec(header); m !== null && m[0] !== ''; m = re.exec(header)) {
    if (m[4] !== undefined) {
      current = { scheme: m[4], params: {} };
      out.push(current);
    } else if (current && m[1] !== undefined) {
      current.params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    }
  }
  return out;
}
