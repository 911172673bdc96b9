// The alg, kid and signature rows: which key may verify this JWS, and does it (RFC 7515 §5.2,
// RFC 8725 §3.1–3.2 on alg none and key confusion). Crypto via jose; no I/O besides an optional
// JWKS refetch the caller hands in for key rotation.
import type { JWK } from 'jose';
import { fail, pass, skip, warn, type Check } from './checks.js';
import type { DecodedJws } from './jwt.js';
import { isHmacAlg, isSupportedAlg, keyFitsAlg, SUPPORTED_ALGS } from './algorithms.js';

export type KeySource =
  | { kind: 'jwks'; jwks: { keys: JWK[] }; origin: string; remote: boolean; refetch?: () => Promise<{ keys: JWK[] }> }
  | { kind: 'key'; jwk: JWK; origin: string }
  | { kind: 'secret'; secret: Uint8Array; origin: string };

export { SUPPORTED_ALGS } from './algorithms.js';

/** Keys of a JWKS that may verify this alg: signing use, matching alg and key type. */
function candidateKeys(keys: JWK[], alg: string): JWK[] {
  return keys.filter(
    (k) =>
      (k.use === undefined || k.use === 'sig') &&
      (k.alg === undefined || k.alg === alg) &&
      (k.key_ops === undefined || k.key_ops.includes('verify')) &&
      keyFitsAlg(alg, k),
  );
}

export function checkAlg(
  header: Record<string, unknown>,
  keys: KeySource | undefined,
  allowed: string[] | undefined,
): Check {
  const alg = header.alg;
  if (typeof alg !== 'string' || alg === '') return fail('alg', 'the header has no alg');
  if (alg.toLowerCase() === 'none')
    return fail('alg', 'alg is "none": an unsecured token is never accepted (RFC 8725 §3.2)', { actual: alg });
  if (allowed && allowed.length > 0 && !allowed.includes(alg))
    return fail('alg', `alg ${alg} is not in the allowed list ${allowed.join(', ')}`, {
      expected: allowed,
      actual: alg,
    });
  if (!isSupportedAlg(alg))
    return fail('alg', `alg ${alg} is not supported (supported: ${SUPPORTED_ALGS.join(', ')})`, { actual: alg });
  if (keys) {
    // RFC 8725 §3.1: a token must not choose how an asymmetric key is used.
    const asymmetricSource =
      keys.kind === 'key'
        ? keys.jwk.kty !== 'oct'
        : keys.kind === 'jwks'
          ? keys.remote || keys.jwks.keys.every((k) => k.kty !== 'oct')
          : false;
    if (isHmacAlg(alg) && asymmetricSource)
      return fail(
        'alg',
        `alg ${alg} (HMAC) against ${keys.kind === 'jwks' && keys.remote ? 'a published JWKS' : 'a public key'}: ` +
          'refused, that is the key-confusion attack',
        { actual: alg },
      );
    if (!isHmacAlg(alg) && keys.kind === 'secret')
      return fail('alg', `alg ${alg} is asymmetric but the key source is a shared secret`, { actual: alg });
  }
  return pass('alg', allowed && allowed.length > 0 ? `alg ${alg} is allowed` : `alg ${alg}`);
}

export interface SignatureOutcome {
  checks: Check[];
  /** The key that verified the signature, if one did (its curve decides Ed hash choice). */
  key?: JWK;
}

/** kid and signature rows. Call only when checkAlg passed. */
export async function verifySignature(
  jws: DecodedJws,
  alg: string,
  keys: KeySource | undefined,
): Promise<SignatureOutcome> {
  if (!keys)
    return { checks: [skip('kid', 'no key source given'), skip('signature', 'not verified: no key source given')] };
  if (keys.kind === 'secret') {
    const ok = await tryVerify(jws, alg, keys.secret);
    return { checks: [skip('kid', 'a shared secret was given; kid not used'), signatureRow(ok, alg, keys.origin)] };
  }
  if (keys.kind === 'key') {
    const kidRow =
      typeof jws.header.kid === 'string' && keys.jwk.kid !== undefined && keys.jwk.kid !== jws.header.kid
        ? warn(
            'kid',
            `header kid "${jws.header.kid}" differs from the given key's kid "${keys.jwk.kid}"; ` +
              'verifying with the given key anyway',
          )
        : skip('kid', 'a single key was given; kid not needed');
    if (!keyFitsAlg(alg, keys.jwk))
      return {
        checks: [
          kidRow,
          fail('signature', `the key from ${keys.origin} (${describeKey(keys.jwk)}) cannot verify ${alg}`),
        ],
      };
    const ok = await tryVerify(jws, alg, keys.jwk);
    return { checks: [kidRow, signatureRow(ok, alg, keys.origin)], ...(ok === true ? { key: keys.jwk } : {}) };
  }
  return verifyWithJwks(jws, alg, keys);
}

async function verifyWithJwks(
  jws: DecodedJws,
  alg: string,
  keys: Extract<KeySource, { kind: 'jwks' }>,
): Promise<SignatureOutcome> {
  const kid = typeof jws.header.kid === 'string' ? jws.header.kid : undefined;
  let set = keys.jwks.keys;
  let refetched = false;
  if (kid !== undefined) {
    let matches = set.filter((k) => k.kid === kid);
    if (matches.length === 0 && keys.refetch) {
      // Unknown kid on a remote JWKS: the provider may have rotated its keys since we fetched.
      set = (await keys.refetch()).keys;
      refetched = true;
      matches = set.filter((k) => k.kid === kid);
    }
    if (matches.length === 0) {
      const known = set.map((k) => k.kid).filter((k) => k !== undefined);
      return {
        checks: [
          fail(
            'kid',
            `no key with kid "${kid}" in the JWKS from ${keys.origin}` +
              `${refetched ? ' (fetched again in case of rotation)' : ''}; ` +
              `it has ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'no kids'}`,
            { expected: kid, actual: known },
          ),
          skip('signature', 'not verified: no key for this kid'),
        ],
      };
    }
    const usable = candidateKeys(matches, alg);
    if (usable.length === 0) {
      return {
        checks: [
          fail('kid', `the key with kid "${kid}" (${describeKey(matches[0]!)}) cannot verify ${alg}`),
          skip('signature', 'not verified: the kid names a key of another type'),
        ],
      };
    }
    const kidRow = pass(
      'kid',
      refetched ? `kid "${kid}" found after fetching the JWKS again (key rotation)` : `kid "${kid}" found in the JWKS`,
    );
    const attempts = await tryKeys(jws, alg, usable);
    return { checks: [kidRow, attemptsRow(attempts, alg, keys.origin)], ...attempts.verified };
  }
  const usable = candidateKeys(set, alg);
  if (usable.length === 0) {
    return {
      checks: [
        fail('kid', `no kid in the header and no key in the JWKS from ${keys.origin} fits ${alg} (${set.length} keys)`),
        skip('signature', 'not verified: no suitable key'),
      ],
    };
  }
  if (usable.length === 1) {
    const ok = await tryVerify(jws, alg, usable[0]!);
    return {
      checks: [
        pass('kid', `no kid in the header; the JWKS has exactly one ${alg} key, used`),
        signatureRow(ok, alg, keys.origin),
      ],
      ...(ok === true ? { key: usable[0]! } : {}),
    };
  }
  // Core 10.1: without a kid and with several keys the verifier must guess; we try each and say so.
  const attempts = await tryKeys(jws, alg, usable);
  const found = attempts.verified?.key;
  return {
    checks: [
      warn(
        'kid',
        found
          ? `no kid in the header and ${usable.length} candidate keys; tried each, ` +
              `${found.kid ? `"${found.kid}"` : 'one'} verified (providers should send kid, Core 10.1)`
          : `no kid in the header and ${usable.length} candidate keys; tried each`,
      ),
      attemptsRow(attempts, alg, keys.origin),
    ],
    ...attempts.verified,
  };
}

/** Trying several keys: the one that verified, or how many did not and why the others could not be used. */
interface Attempts {
  verified?: { key: JWK };
  mismatches: number;
  unusable: { key: JWK; reason: string }[];
}

async function tryKeys(jws: DecodedJws, alg: string, keys: JWK[]): Promise<Attempts> {
  const attempts: Attempts = { mismatches: 0, unusable: [] };
  for (const key of keys) {
    const ok = await tryVerify(jws, alg, key);
    if (ok === true) return { ...attempts, verified: { key } };
    if (ok === false) attempts.mismatches++;
    else attempts.unusable.push({ key, reason: ok });
  }
  return attempts;
}

/** The signature row after trying keys; a reason that is not "wrong signature" reads as with a single key. */
function attemptsRow(attempts: Attempts, alg: string, origin: string): Check {
  if (attempts.verified) return signatureRow(true, alg, origin);
  if (attempts.unusable.length === 0) return signatureRow(false, alg, origin);
  const reasons = new Set(attempts.unusable.map((u) => u.reason));
  if (attempts.mismatches === 0 && reasons.size === 1) return signatureRow([...reasons][0]!, alg, origin);
  const named = attempts.unusable
    .map((u) => `key ${u.key.kid !== undefined ? `"${u.key.kid}"` : `(${describeKey(u.key)})`}: ${u.reason}`)
    .join('; ');
  if (attempts.mismatches === 0) return fail('signature', `the signature could not be checked: ${named}`);
  return fail(
    'signature',
    `the ${alg} signature does not verify with ${attempts.mismatches} key${attempts.mismatches === 1 ? '' : 's'} ` +
      `from ${origin}, and the others could not be used: ${named}`,
  );
}

function signatureRow(ok: boolean | string, alg: string, origin: string): Check {
  if (ok === true) return pass('signature', `${alg} signature verified with the key from ${origin}`);
  if (ok === false)
    return fail(
      'signature',
      `the ${alg} signature does not verify with the key from ${origin}: ` +
        'the token was altered or signed with another key',
    );
  return fail('signature', `the signature could not be checked: ${ok}`);
}

/** RFC 7515 §4.1.11: extensions the recipient must understand. We understand b64 (RFC 7797). */
const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set(['b64']);

/** Why the header's crit makes the JWS unacceptable, or undefined when it does not (RFC 7515 §4.1.11). */
export function critProblem(header: Record<string, unknown>): string | undefined {
  if (header.crit === undefined) return undefined;
  const crit = header.crit;
  if (Array.isArray(crit) && crit.length === 0)
    return "the header's crit is an empty list, which producers must not send (RFC 7515 §4.1.11)";
  if (!Array.isArray(crit) || crit.some((name) => typeof name !== 'string' || name === ''))
    return `the header's crit is not a list of header parameter names: ${JSON.stringify(crit)} (RFC 7515 §4.1.11)`;
  for (const name of crit as string[]) {
    if (!UNDERSTOOD_EXTENSIONS.has(name))
      return (
        `the header's crit names "${name}", an extension this verifier does not understand, ` +
        'so the JWS must be rejected (RFC 7515 §4.1.11)'
      );
    if (header[name] === undefined)
      return `the header's crit names "${name}" but it is not in the header (RFC 7515 §4.1.11)`;
  }
  return undefined;
}

/** The exact bit length of a base64url RSA modulus. */
function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - Math.clz32(bytes[i]!) + 24;
}

/** Why this key may not verify the alg even though its type fits (RFC 7518 §3.3: RSA keys of 2048 bits or more). */
function keyProblem(key: JWK, alg: string): string | undefined {
  if (key.kty !== 'RSA' || typeof key.n !== 'string') return undefined;
  const bits = modulusBits(key.n);
  if (bits < 2048) return `the key is an RSA key of ${bits} bits; ${alg} needs 2048 bits or more (RFC 7518 §3.3)`;
  return undefined;
}

/** true = verified, false = does not verify, string = the key could not be used. */
async function tryVerify(jws: DecodedJws, alg: string, key: JWK | Uint8Array): Promise<boolean | string> {
  // Reasons decided here, not left to jose's wording, so every key source reports them alike.
  const problem = critProblem(jws.header) ?? (key instanceof Uint8Array ? undefined : keyProblem(key, alg));
  if (problem !== undefined) return problem;
  // jose's subpath modules: the package root loads all of jose (~13 ms more start-up for verify).
  const [{ compactVerify }, { importJWK }, { errors }] = await Promise.all([
    import('jose/jws/compact/verify'),
    import('jose/key/import'),
    import('jose/errors').then((errors) => ({ errors })),
  ]);
  let imported: Awaited<ReturnType<typeof importJWK>> | Uint8Array;
  try {
    imported = key instanceof Uint8Array ? key : await importJWK(stripPrivate(key), alg);
  } catch (err) {
    return `the key does not import for ${alg} (${(err as Error).message})`;
  }
  try {
    await compactVerify(jws.raw, imported, { algorithms: [alg] });
    return true;
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) return false;
    return (err as Error).message;
  }
}

/** Verification needs only the public part; a private JWK given by mistake still works. */
function stripPrivate(jwk: JWK): JWK {
  if (jwk.kty === 'oct') return jwk;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...pub } = jwk;
  return pub;
}

export function describeKey(jwk: JWK): string {
  const parts = [jwk.kty];
  if (jwk.crv) parts.push(jwk.crv);
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string') parts.push(`${Buffer.from(jwk.n, 'base64url').length * 8} bits`);
  if (jwk.alg) parts.push(jwk.alg);
  return parts.join(' ');
}
