// Lint of a provider's JWK Set (RFC 7517, RFC 7518, RFC 7638). Pure apart from computation:
// keys are parsed with node:crypto, certificates with X509Certificate, thumbprints with jose.
import { createHash, createPublicKey, createSecretKey, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { keyRequirementFor, PRIVATE_JWK_MEMBERS, type KeyRequirement } from './algorithms.js';
import { fail, pass, skip, warn, type Check } from './checks.js';

export interface KeyRow {
  /** Position in the keys array, for keys without kid. */
  index: number;
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
  /** RSA modulus or symmetric key length in bits. */
  bits?: number;
  crv?: string;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  thumbprint?: string;
  /** The leaf certificate of x5c. */
  certificate?: { subject: string; not_before: number; not_after: number; matches_key: boolean };
  /** Private members present (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
  private_members: string[];
  /** Why the key does not parse, when it does not. */
  error?: string;
}

export interface JwksLint {
  keys: KeyRow[];
  checks: Check[];
}

const EXPIRY_WARNING_SECONDS = 30 * 86400;

const isoDate = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
const label = (k: KeyRow) => (k.kid !== undefined ? `"${k.kid}"` : `#${k.index}`);
const listOf = (rows: KeyRow[]) => rows.map(label).join(', ');

export async function lintJwks(jwks: { keys: unknown[] }, now: number): Promise<JwksLint> {
  const keys = await Promise.all(jwks.keys.map((k, i) => describeKey(k, i)));
  const checks: Check[] = [
    checkKeyCount(keys),
    checkParse(keys),
    checkKids(keys),
    checkRsaSize(keys),
    checkAlgKty(jwks.keys, keys),
    checkPrivateMaterial(keys),
    checkCertificates(keys, now),
    checkThumbprints(jwks.keys, keys),
    checkUse(jwks.keys, keys),
  ];
  return { keys, checks };
}

async function describeKey(entry: unknown, index: number): Promise<KeyRow> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { index, private_members: [], error: `is not a JSON object (${JSON.stringify(entry)})` };
  }
  const jwk = entry as JWK & Record<string, unknown>;
  const row: KeyRow = { index, private_members: PRIVATE_JWK_MEMBERS.filter((m) => jwk[m] !== undefined) };
  for (const member of ['kid', 'kty', 'alg', 'use', 'crv'] as const) {
    if (typeof jwk[member] === 'string') row[member] = jwk[member];
  }
  // A symmetric key is secret by nature: "k" in a published set is private material too.
  if (jwk.kty !== 'oct') row.private_members = row.private_members.filter((m) => m !== 'k');
  try {
    if (jwk.kty === 'oct') {
      if (typeof jwk.k !== 'string') throw new Error('oct key without k');
      row.bits = createSecretKey(Buffer.from(jwk.k, 'base64url')).symmetricKeySize! * 8;
    } else {
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      const details = key.asymmetricKeyDetails;
      if (details?.modulusLength) row.bits = details.modulusLength;
    }
    row.thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  } catch (err) {
    row.error = `does not parse: ${(err as Error).message}`;
  }
  if (Array.isArray(jwk.x5c) && jwk.x5c.length > 0) {
    try {
      const cert = new X509Certificate(Buffer.from(String(jwk.x5c[0]), 'base64'));
      row.certificate = {
        subject: cert.subject.replace(/\n/g, ', '),
        not_before: Math.floor(Date.parse(cert.validFrom) / 1000),
        not_after: Math.floor(Date.parse(cert.validTo) / 1000),
        // RFC 7517 §4.7: the key in the first certificate MUST match the JWK's public key.
        matches_key:
          row.thumbprint !== undefined &&
          (await calculateJwkThumbprint(cert.publicKey.export({ format: 'jwk' }) as JWK, 'sha256')) === row.thumbprint,
      };
    } catch (err) {
      row.error = `its x5c certificate does not parse: ${(err as Error).message}`;
    }
  }
  return row;
}

function checkKeyCount(keys: KeyRow[]): Check {
  if (keys.length === 0) return fail('jwks.keys', 'the JWKS has no keys: nothing to verify ID tokens with');
  return pass('jwks.keys', `${keys.length} key${keys.length === 1 ? '' : 's'}`);
}

function checkParse(keys: KeyRow[]): Check {
  if (keys.length === 0) return skip('jwks.parse', 'no keys to parse');
  const bad = keys.filter((k) => k.error !== undefined);
  if (bad.length) return fail('jwks.parse', bad.map((k) => `key ${label(k)} ${k.error}`).join('; '));
  return pass('jwks.parse', 'every key parses');
}

/** RFC 7517 §4.5 / Core 10.1: with several keys, verifiers pick by kid, so each needs a distinct one. */
function checkKids(keys: KeyRow[]): Check {
  if (keys.length <= 1)
    return keys[0]?.kid === undefined
      ? pass('jwks.kid', 'a single key without kid (allowed)')
      : pass('jwks.kid', 'a single key with a kid');
  const missing = keys.filter((k) => k.kid === undefined);
  const counts = new Map<string, number>();
  for (const k of keys) if (k.kid !== undefined) counts.set(k.kid, (counts.get(k.kid) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([kid, n]) => `"${kid}" (${n} times)`);
  const problems: string[] = [];
  if (missing.length) problems.push(`${missing.length} of ${keys.length} keys have no kid (${listOf(missing)})`);
  if (duplicates.length) problems.push(`duplicate kid ${duplicates.join(', ')}`);
  if (problems.length) return fail('jwks.kid', `${problems.join('; ')}: with several keys each needs a distinct kid`);
  return pass('jwks.kid', `${keys.length} distinct kids`);
}

/** RFC 7518 §3.3: RSA keys of 2048 bits or more. */
function checkRsaSize(keys: KeyRow[]): Check {
  const rsa = keys.filter((k) => k.kty === 'RSA' && k.bits !== undefined);
  if (rsa.length === 0) return skip('jwks.rsa_size', 'no RSA keys');
  const small = rsa.filter((k) => k.bits! < 2048);
  if (small.length)
    return fail(
      'jwks.rsa_size',
      `RSA key${small.length === 1 ? '' : 's'} under 2048 bits: ` +
        `${small.map((k) => `${label(k)} (${k.bits} bits)`).join(', ')} (RFC 7518 §3.3)`,
    );
  return pass('jwks.rsa_size', `RSA keys are 2048 bits or more (${rsa.map((k) => k.bits).join(', ')})`);
}

function checkAlgKty(entries: unknown[], keys: KeyRow[]): Check {
  const withAlg = keys.filter((k) => k.alg !== undefined);
  if (withAlg.length === 0) return skip('jwks.alg', 'no key names an alg (alg is optional, RFC 7517 §4.4)');
  const wrong: string[] = [];
  const unknown: string[] = [];
  for (const k of withAlg) {
    const want = keyRequirementFor(k.alg!);
    if (!want) {
      unknown.push(`${label(k)} (${k.alg})`);
      continue;
    }
    const crv = (entries[k.index] as { crv?: unknown }).crv;
    if (!k.kty || !want.kty.includes(k.kty))
      wrong.push(`${label(k)} is ${k.kty ?? 'without kty'} but alg ${k.alg} needs ${want.kty.join(' or ')}`);
    else if (want.crv && !want.crv.includes(String(crv)))
      wrong.push(`${label(k)} has curve ${String(crv)} but alg ${k.alg} needs ${want.crv.join(' or ')}`);
  }
  if (wrong.length) return fail('jwks.alg', `alg does not fit the key: ${wrong.join('; ')}`);
  if (unknown.length) return warn('jwks.alg', `unregistered alg: ${unknown.join(', ')}`);
  return pass('jwks.alg', `alg fits the key type for ${withAlg.length} key${withAlg.length === 1 ? '' : 's'}`);
}

function checkPrivateMaterial(keys: KeyRow[]): Check {
  const leaking = keys.filter((k) => k.private_members.length > 0);
  if (leaking.length) {
    return fail(
      'jwks.private_material',
      `PRIVATE KEY MATERIAL PUBLISHED: ` +
        `${leaking.map((k) => `key ${label(k)} carries ${k.private_members.join(', ')}`).join('; ')} ` +
        '— anyone can sign as this provider; rotate these keys now',
    );
  }
  return pass('jwks.private_material', 'no private key material');
}

/** x5c leaf validity (RFC 5280 §4.1.2.5) and its key matching the JWK (RFC 7517 §4.7). */
function checkCertificates(keys: KeyRow[], now: number): Check {
  const certified = keys.filter((k) => k.certificate);
  if (certified.length === 0) return skip('jwks.x5c', 'no key carries an x5c certificate chain');
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const k of certified) {
    const c = k.certificate!;
    if (c.not_after < now) failures.push(`the certificate of key ${label(k)} expired on ${isoDate(c.not_after)}`);
    else if (c.not_before > now)
      failures.push(`the certificate of key ${label(k)} is not valid before ${isoDate(c.not_before)}`);
    else if (c.not_after - now < EXPIRY_WARNING_SECONDS)
      warnings.push(`the certificate of key ${label(k)} expires on ${isoDate(c.not_after)}, within 30 days`);
    if (!c.matches_key) failures.push(`the certificate of key ${label(k)} holds another public key than the JWK`);
  }
  if (failures.length) return fail('jwks.x5c', [...failures, ...warnings].join('; '));
  if (warnings.length) return warn('jwks.x5c', warnings.join('; '));
  return pass(
    'jwks.x5c',
    `${certified.length} certificate${certified.length === 1 ? '' : 's'} ` +
      'valid for 30 days or more and matching their keys',
  );
}

/** x5t (RFC 7517 §4.8) is over SHA-1, x5t#S256 (§4.9) over SHA-256: 20 and 32 bytes, base64url. */
const THUMBPRINTS = [
  { member: 'x5t', hash: 'sha1', name: 'SHA-1', bytes: 20 },
  { member: 'x5t#S256', hash: 'sha256', name: 'SHA-256', bytes: 32 },
] as const;

/** x5t and x5t#S256: the base64url of the digest of the DER certificate that is x5c[0]. */
function checkThumbprints(entries: unknown[], keys: KeyRow[]): Check {
  const failures: string[] = [];
  let compared = 0;
  let uncompared = 0;
  for (const k of keys) {
    const entry = entries[k.index] as Record<string, unknown>;
    if (typeof entry !== 'object' || entry === null) continue;
    const x5c = Array.isArray(entry.x5c) && typeof entry.x5c[0] === 'string' ? entry.x5c[0] : undefined;
    const der = x5c === undefined ? undefined : Buffer.from(x5c, 'base64');
    for (const t of THUMBPRINTS) {
      const value = entry[t.member];
      if (value === undefined) continue;
      const where = `key ${label(k)}: ${t.member}`;
      if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) {
        failures.push(`${where} is not a base64url string`);
        continue;
      }
      const decoded = Buffer.from(value, 'base64url');
      // A well-known mistake: the base64url of the hex text of the digest, not of its bytes.
      const hexText = decoded.length === t.bytes * 2 && /^[0-9a-f]+$/i.test(decoded.toString('latin1'));
      if (der === undefined) {
        if (hexText)
          failures.push(`${where} is the base64url of the hex text of a ${t.name} thumbprint, not of the digest bytes`);
        else if (decoded.length !== t.bytes)
          failures.push(`${where} is ${decoded.length} bytes, but a ${t.name} digest is ${t.bytes}`);
        else uncompared++;
        continue;
      }
      compared++;
      const digest = createHash(t.hash).update(der).digest();
      if (decoded.equals(digest)) continue;
      if (hexText && decoded.toString('latin1').toLowerCase() === digest.toString('hex'))
        failures.push(
          `${where} is the base64url of the hex text of the certificate's ${t.name} thumbprint, not of the ` +
            `digest bytes (expected "${digest.toString('base64url')}")`,
        );
      else failures.push(`${where} is not the ${t.name} digest of its x5c certificate`);
    }
  }
  if (failures.length) return fail('jwks.x5t', `${failures.join('; ')} (RFC 7517 §4.8-4.9)`);
  if (compared === 0)
    return uncompared > 0
      ? skip(
          'jwks.x5t',
          `${uncompared} thumbprint${uncompared === 1 ? '' : 's'} without an x5c certificate to compare with`,
        )
      : skip('jwks.x5t', 'no key carries x5t or x5t#S256');
  const also = uncompared > 0 ? `; ${uncompared} without an x5c certificate, not compared` : '';
  return pass('jwks.x5t', `${compared} thumbprint${compared === 1 ? '' : 's'} match their x5c certificates${also}`);
}

/** What a key is for: its use, else what its alg does, else its key_ops; undefined when it does not say. */
function purpose(entry: Record<string, unknown>, k: KeyRow): KeyRequirement['use'] | undefined {
  if (k.use === 'sig' || k.use === 'enc') return k.use;
  const byAlg = k.alg !== undefined ? keyRequirementFor(k.alg)?.use : undefined;
  if (byAlg) return byAlg;
  const ops = Array.isArray(entry.key_ops) ? entry.key_ops : [];
  if (ops.some((op) => op === 'encrypt' || op === 'wrapKey' || op === 'deriveKey')) return 'enc';
  if (ops.includes('verify')) return 'sig';
  return undefined;
}

/**
 * Discovery §3 (jwks_uri): when both signing and encryption keys are published, use is REQUIRED
 * for every key. A key that does not say what it is for counts as a signing key: verifiers use it so.
 */
function checkUse(entries: unknown[], keys: KeyRow[]): Check {
  const described = keys.filter((k) => k.error === undefined || k.kty !== undefined);
  const purposes = described.map((k) => purpose(entries[k.index] as Record<string, unknown>, k) ?? 'sig');
  const encryption = purposes.includes('enc');
  if (!encryption || !purposes.includes('sig'))
    return skip(
      'jwks.use',
      encryption
        ? 'only encryption keys: use is required only when signing and encryption keys are mixed'
        : 'no encryption keys: use is required only when signing and encryption keys are mixed (Discovery §3)',
    );
  const missing = described.filter((k) => k.use === undefined);
  if (missing.length)
    return fail(
      'jwks.use',
      `the set holds signing and encryption keys, so every key needs use (Discovery §3); ` +
        `without it: ${listOf(missing)}`,
    );
  return pass('jwks.use', 'signing and encryption keys, each with its use');
}
