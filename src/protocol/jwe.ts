// Encrypted JWTs (RFC 7516, RFC 7519 §5.2, OIDC Core 10.2): which of the client's keys fits a JWE's
// alg and enc, the rows jwe.alg and jwe.decrypt, and what is inside: usually a signed JWT (nested,
// Core 10.2 "signed then encrypted"), handed on to the usual JWS validation.
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { fail, isValid, pass, skip, type Check } from './checks.js';
import { ProtocolInputError } from './input-error.js';
import { decodeJwt, JwtFormatError, type DecodedJws, type JoseHeader } from './jwt.js';
import type { KeySource } from './jws-signature.js';
import { validateJws, type JwtExpectations, type JwtValidation } from './validate-jwt.js';

/** A private (or symmetric) key the client decrypts with, and where it came from (for messages). */
export interface DecryptionKey {
  jwk: JWK;
  origin: string;
}

/** RFC 7518 §4.1 key management algs jose implements; PBES2 is left out on purpose (see checkJweAlg). */
export const JWE_KEY_ALGS = [
  'RSA-OAEP',
  'RSA-OAEP-256',
  'RSA-OAEP-384',
  'RSA-OAEP-512',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
  'A128KW',
  'A192KW',
  'A256KW',
  'A128GCMKW',
  'A192GCMKW',
  'A256GCMKW',
  'dir',
] as const;

/** RFC 7518 §5.1 content encryption algs, with the key length each needs (for dir). */
export const JWE_ENC_KEY_BYTES: Record<string, number> = {
  'A128CBC-HS256': 32,
  'A192CBC-HS384': 48,
  'A256CBC-HS512': 64,
  A128GCM: 16,
  A192GCM: 24,
  A256GCM: 32,
};

const octBytes = (jwk: JWK) => (typeof jwk.k === 'string' ? Buffer.from(jwk.k, 'base64url').length : 0);

/** Why this key cannot decrypt alg/enc (RFC 7518 §4), or undefined when it can. */
export function jweKeyMismatch(alg: string, enc: string, jwk: JWK): string | undefined {
  if (jwk.use !== undefined && jwk.use !== 'enc') return `its "use" is "${jwk.use}", not "enc"`;
  if (jwk.alg !== undefined && jwk.alg !== alg) return `it is meant for alg ${jwk.alg}`;
  if (alg.startsWith('RSA-OAEP')) {
    if (jwk.kty !== 'RSA') return `${alg} needs an RSA private key`;
    return typeof jwk.d === 'string' ? undefined : 'it is a public key; decryption needs the private key';
  }
  if (alg.startsWith('ECDH-ES')) {
    const ec = jwk.kty === 'EC' && ['P-256', 'P-384', 'P-521'].includes(jwk.crv ?? '');
    const okp = jwk.kty === 'OKP' && ['X25519', 'X448'].includes(jwk.crv ?? '');
    if (!ec && !okp) return `${alg} needs an EC (P-256, P-384, P-521) or X25519 private key`;
    return typeof jwk.d === 'string' ? undefined : 'it is a public key; decryption needs the private key';
  }
  const wrap = /^A(128|192|256)(GCM)?KW$/.exec(alg);
  const bytes = wrap ? Number(wrap[1]) / 8 : alg === 'dir' ? JWE_ENC_KEY_BYTES[enc] : undefined;
  if (bytes === undefined) return `alg ${alg} is not supported`;
  if (jwk.kty !== 'oct') return `${alg} needs a symmetric (oct) key`;
  if (octBytes(jwk) !== bytes) return `${alg}${alg === 'dir' ? ` with ${enc}` : ''} needs a ${bytes * 8}-bit key`;
  return undefined;
}

export function describeDecryptionKey(key: DecryptionKey): string {
  const { jwk } = key;
  const kind =
    jwk.kty === 'oct'
      ? `a ${octBytes(jwk) * 8}-bit symmetric key`
      : // RSA, EC and OKP all take "an".
        `an ${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''} ${typeof jwk.d === 'string' ? 'private' : 'public'} key`;
  return `${key.origin}${jwk.kid ? ` (kid "${jwk.kid}")` : ''} is ${kind}`;
}

/**
 * The keys that may decrypt this JWE, best first (a matching kid, then the others that fit).
 * None fitting is bad input, not a failed check: the user gave the wrong key.
 */
export function decryptionCandidates(header: JoseHeader, keys: readonly DecryptionKey[]): DecryptionKey[] {
  const alg = String(header.alg);
  const enc = String(header.enc);
  const fitting = keys.filter((k) => jweKeyMismatch(alg, enc, k.jwk) === undefined);
  if (fitting.length === 0) {
    const why = keys.map((k) => `${describeDecryptionKey(k)}, but ${jweKeyMismatch(alg, enc, k.jwk)}`).join('; ');
    throw new ProtocolInputError(
      'decryption_key_mismatch',
      `no decryption key fits this JWE (alg ${alg}, enc ${enc}): ${why}`,
    );
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  return kid === undefined
    ? fitting
    : [...fitting.filter((k) => k.jwk.kid === kid), ...fitting.filter((k) => k.jwk.kid !== kid)];
}

/**
 * jwe.alg: alg and enc are known, not refused and, when the caller has an allow-list, on it.
 * PBES2 is refused: tokens are not encrypted with passwords, and its iteration count is the
 * sender's choice, a denial-of-service lever (RFC 8725 §3.4 on such parameters).
 */
export function checkJweAlg(header: JoseHeader, allowed?: readonly string[]): Check {
  const { alg, enc } = header;
  if (typeof alg !== 'string' || alg === '') return fail('jwe.alg', 'the JWE header has no alg');
  if (typeof enc !== 'string' || enc === '') return fail('jwe.alg', 'the JWE header has no enc (RFC 7516 §4.1.2)');
  if (alg.startsWith('PBES2'))
    return fail('jwe.alg', `alg ${alg} is password-based; it is refused for tokens (RFC 8725 §3.4)`, { actual: alg });
  if (!(JWE_KEY_ALGS as readonly string[]).includes(alg))
    return fail('jwe.alg', `alg ${alg} is not a supported key management algorithm (${JWE_KEY_ALGS.join(', ')})`, {
      actual: alg,
    });
  if (JWE_ENC_KEY_BYTES[enc] === undefined)
    return fail('jwe.alg', `enc ${enc} is not a supported content encryption algorithm`, { actual: enc });
  if (allowed && allowed.length > 0 && !allowed.includes(alg))
    return fail('jwe.alg', `alg ${alg} is not in the allowed list ${allowed.join(', ')}`, {
      expected: allowed,
      actual: alg,
    });
  return pass('jwe.alg', `alg ${alg}, enc ${enc}`);
}

export interface JweDecryption {
  header: JoseHeader;
  /** jwe.alg and jwe.decrypt. */
  checks: Check[];
  /** The decrypted content, when a key opened it. */
  plaintext?: string;
  /** The key that did. */
  key?: DecryptionKey;
}

/** Decrypt a compact JWE with the first fitting key that opens it; never throws on a failed decryption. */
export async function decryptJwe(
  raw: string,
  keys: readonly DecryptionKey[],
  opts: { allowedAlgs?: readonly string[] | undefined } = {},
): Promise<JweDecryption> {
  const decoded = decodeJwt(raw);
  if (decoded.format !== 'JWE') throw new JwtFormatError('not a JWE: expected 5 dot-separated segments');
  const header = decoded.header;
  const algRow = checkJweAlg(header, opts.allowedAlgs);
  if (algRow.status !== 'pass') return { header, checks: [algRow, skip('jwe.decrypt', 'not decrypted: alg refused')] };
  if (keys.length === 0)
    return { header, checks: [algRow, skip('jwe.decrypt', 'no decryption key given: the content stays encrypted')] };
  const candidates = decryptionCandidates(header, keys);
  const alg = String(header.alg);
  const enc = String(header.enc);
  const [{ compactDecrypt }, { importJWK }, errors] = await Promise.all([
    import('jose/jwe/compact/decrypt'),
    import('jose/key/import'),
    import('jose/errors'),
  ]);
  const algFits = { ...algRow, message: `${algRow.message}; fits the key from ${candidates[0]!.origin}` };
  for (const key of candidates) {
    try {
      const { plaintext } = await compactDecrypt(decoded.raw, await importJWK(key.jwk, alg), {
        keyManagementAlgorithms: [alg],
        contentEncryptionAlgorithms: [enc],
      });
      return {
        header,
        checks: [
          { ...algRow, message: `${algRow.message}; fits the key from ${key.origin}` },
          pass('jwe.decrypt', `decrypted with the key from ${key.origin}`),
        ],
        plaintext: new TextDecoder().decode(plaintext),
        key,
      };
    } catch (err) {
      // Another fitting key may be the right one; anything but a plain mismatch is reported as it is.
      if (err instanceof errors.JWEDecryptionFailed) continue;
      return {
        header,
        checks: [algFits, fail('jwe.decrypt', `the JWE could not be decrypted: ${(err as Error).message}`)],
      };
    }
  }
  return {
    header,
    checks: [
      algFits,
      fail(
        'jwe.decrypt',
        `decryption failed with ${candidates.length === 1 ? 'the key' : `each of the ${candidates.length} keys`} ` +
          'that fit: the token was encrypted to another key or altered',
      ),
    ],
  };
}

/** What a decrypted JWT holds: a signed JWT (nested, RFC 7519 §5.2), a bare claims set, or something else. */
export type JweContent =
  | { kind: 'jws'; jws: DecodedJws }
  | { kind: 'claims'; claims: Record<string, unknown> }
  | { kind: 'other'; text: string };

export function jweContent(plaintext: string): JweContent {
  const text = plaintext.trim();
  if (text.split('.').length === 3) {
    try {
      const inner = decodeJwt(text, { allowNonJsonPayload: true });
      if (inner.format === 'JWS') return { kind: 'jws', jws: inner };
    } catch {
      /* not a JWS after all */
    }
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json))
      return { kind: 'claims', claims: json as Record<string, unknown> };
  } catch {
    /* not JSON */
  }
  return { kind: 'other', text: plaintext };
}

export interface EncryptedJwtValidation extends JwtValidation {
  /** The JWE's own header; `header` is the inner JWS's. */
  jweHeader: JoseHeader;
  /** The inner JWS, as a string, when there is one. */
  inner?: string;
}

/**
 * A JWE end to end: jwe.alg and jwe.decrypt, then the inner JWS through the usual validation.
 * Core 10.2 has ID tokens and signed UserInfo "signed then encrypted": content that is not signed
 * proves nothing about who made it, so it fails the signature row while its claims are still shown.
 */
export async function validateEncryptedJwt(
  raw: string,
  decryptionKeys: readonly DecryptionKey[],
  keys: KeySource | undefined,
  exp: JwtExpectations & { allowedJweAlgs?: readonly string[] | undefined },
): Promise<EncryptedJwtValidation> {
  const jwe = await decryptJwe(raw, decryptionKeys, { allowedAlgs: exp.allowedJweAlgs });
  const done = (checks: Check[], rest: Partial<EncryptedJwtValidation> = {}): EncryptedJwtValidation => ({
    header: {},
    payload: {},
    ...rest,
    jweHeader: jwe.header,
    checks,
    valid: isValid(checks),
  });
  if (jwe.plaintext === undefined) return done(jwe.checks);
  const content = jweContent(jwe.plaintext);
  if (content.kind === 'jws') {
    const checks = await validateJws(content.jws, keys, exp);
    return done([...jwe.checks, ...checks], {
      header: content.jws.header,
      payload: content.jws.payload,
      inner: content.jws.raw,
    });
  }
  const unsigned = fail(
    'signature',
    content.kind === 'claims'
      ? 'the encrypted content is a bare claims set, not a signed JWT: ' +
          'nothing proves who made it (Core 10.2: sign, then encrypt)'
      : 'the encrypted content is neither a signed JWT nor a claims set',
  );
  return done([...jwe.checks, unsigned], content.kind === 'claims' ? { payload: content.claims } : {});
}

/**
 * Core 10.2: with symmetric encryption the key is the left-most bits of a SHA-2 hash of the
 * client_secret: SHA-256 up to 256 bits, SHA-384 up to 384, SHA-512 up to 512.
 */
export function clientSecretDecryptionKey(clientSecret: string, alg: string, enc: string): DecryptionKey | undefined {
  const wrap = /^A(128|192|256)(GCM)?KW$/.exec(alg);
  const bytes = wrap ? Number(wrap[1]) / 8 : alg === 'dir' ? JWE_ENC_KEY_BYTES[enc] : undefined;
  if (bytes === undefined) return undefined;
  const hash = bytes <= 32 ? 'sha256' : bytes <= 48 ? 'sha384' : 'sha512';
  const k = createHash(hash).update(clientSecret, 'utf8').digest().subarray(0, bytes).toString('base64url');
  return { jwk: { kty: 'oct', k }, origin: 'the client secret (Core 10.2)' };
}
