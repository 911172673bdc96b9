// Linting a provider's JWKS (RFC 7517, RFC 7518 §6, RFC 7638, Discovery §10.1.1): what each key is,
// and what is wrong with the set. Pure apart from jose/node:crypto computation; `now` comes in.
import { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { fail, pass, skip, warn, type Check } from './checks.js';

export interface KeyRow {
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
  /** RSA modulus bits, EC/OKP curve, or oct length in bits. */
  size?: string;
  thumbprint?: string;
  x5c?: { subject: string; issuer: string; notAfter: string; expired: boolean; expiresInDays: number };
  problems: string[];
}

/** Private members by key type (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const ALG_KTY: Array<[RegExp, string]> = [[/^(RS|PS)\d+$|^RSA/, 'RSA'], [/^ES\d+K?$|^ECDH/, 'EC'], [/^(EdDSA|Ed25519|Ed448)$/, 'OKP'], [/^HS\d+$|^A\d+(KW|GCMKW|GCM|CBC)/, 'oct']];

function expectedKty(alg: string): string | undefined {
  return ALG_KTY.find(([re]) => re.test(alg))?.[1];
}

export async function describeKeys(keys: unknown[], now: number): Promise<KeyRow[]> {
  const { calculateJwkThumbprint } = await import('jose');
  const rows: KeyRow[] = [];
  for (const raw of keys) {
    const k = (raw && typeof raw === 'object' ? raw : {}) as JWK & Record<string, unknown>;
    const row: KeyRow = { problems: [] };
    if (typeof k.kid === 'string') row.kid = k.kid;
    if (typeof k.kty === 'string') row.kty = k.kty;
    if (typeof k.alg === 'string') row.alg = k.alg;
    if (typeof k.use === 'string') row.use = k.use;
    if (k.kty === 'RSA' && typeof k.n === 'string') row.size = `${Buffer.from(k.n, 'base64url').length * 8} bits`;
    else if (typeof k.crv === 'string') row.size = k.crv;
    else if (k.kty === 'oct' && typeof k.k === 'string') row.size = `${Buffer.from(k.k, 'base64url').length * 8} bits`;
    try { row.thumbprint = await calculateJwkThumbprint(k as JWK, 'sha256'); } catch (err) { row.problems.push(`does not parse: ${(err as Error).message}`); }
    if (Array.isArray(k.x5c) && typeof k.x5c[0] === 'string') {
      try {
        const cert = new X509Certificate(Buffer.from(k.x5c[0], 'base64'));
        const notAfter = Math.floor(new Date(cert.validTo).getTime() / 1000);
        row.x5c = { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), notAfter: new Date(notAfter * 1000).toISOString(), expired: notAfter < now, expiresInDays: Math.floor((notAfter - now) / 86400) };
      } catch (err) { row.problems.push(`x5c[0] is not a certificate: ${(err as Error).message}`); }
    }
    rows.push(row);
  }
  return rows;
}

export function lintJwks(jwks: unknown, rows: KeyRow[]): Check[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return [fail('jwks.keys', 'the JWKS has no "keys" array (RFC 7517 §5)')];
  if (keys.length === 0) return [fail('jwks.keys', 'the JWKS has no keys: no ID token can be verified')];
  const checks: Check[] = [];
  const broken = rows.map((r, i) => (r.problems.length ? `key ${i + 1}${r.kid ? ` (${r.kid})` : ''}: ${r.problems.join('; ')}` : '')).filter(Boolean);
  checks.push(broken.length ? fail('jwks.parse', broken.join('\n')) : pass('jwks.parse', `all ${keys.length} keys parse`));

  // RFC 7517 §9.2 / Discovery §10.1.1: publishing private members gives the key away.
  const leaked = keys.map((k, i) => {
    const members = PRIVATE_MEMBERS.filter((m) => k && typeof k === 'object' && m in (k as object));
    return members.length ? `key ${i + 1}${rows[i]?.kid ? ` (${rows[i]!.kid})` : ''} has ${members.join(', ')}` : '';
  }).filter(Boolean);
  checks.push(leaked.length
    ? fail('jwks.private_key_material', `PRIVATE KEY MATERIAL IS PUBLISHED: ${leaked.join('; ')}. Anyone can sign tokens as this provider: rotate these keys now.`)
    : pass('jwks.private_key_material', 'no private key material is published'));

  const kids = rows.map((r) => r.kid);
  if (keys.length > 1) {
    const missing = kids.filter((k) => k === undefined).length;
    const dupes = [...new Set(kids.filter((k, i) => k !== undefined && kids.indexOf(k) !== i))];
    if (missing) checks.push(fail('jwks.kid', `${missing} of ${keys.length} keys have no kid: with several keys a verifier cannot pick one (Discovery §10.1.1)`));
    else if (dupes.length) checks.push(fail('jwks.kid', `kid ${dupes.map((d) => `"${d}"`).join(', ')} is used by more than one key`));
    else checks.push(pass('jwks.kid', `every key has a distinct kid`));
  } else {
    checks.push(kids[0] === undefined ? warn('jwks.kid', 'the only key has no kid; adding one eases rotation') : pass('jwks.kid', `the key has kid "${kids[0]}"`));
  }

  const weak = rows.filter((r) => r.kty === 'RSA' && r.size && parseInt(r.size, 10) < 2048);
  checks.push(weak.length
    ? fail('jwks.rsa_size', `RSA keys under 2048 bits (RFC 7518 §3.3): ${weak.map((r) => `${r.kid ?? '(no kid)'} ${r.size}`).join(', ')}`)
    : rows.some((r) => r.kty === 'RSA') ? pass('jwks.rsa_size', 'every RSA key has at least 2048 bits') : skip('jwks.rsa_size', 'no RSA keys'));

  const mismatched = rows.filter((r) => r.alg && r.kty && expectedKty(r.alg) && expectedKty(r.alg) !== r.kty);
  checks.push(mismatched.length
    ? fail('jwks.alg', `alg does not fit the key type: ${mismatched.map((r) => `${r.kid ?? '(no kid)'} is ${r.kty} but says ${r.alg}`).join('; ')}`)
    : pass('jwks.alg', 'every alg fits its key type'));

  const certs = rows.filter((r) => r.x5c);
  const expired = certs.filter((r) => r.x5c!.expired);
  const soon = certs.filter((r) => !r.x5c!.expired && r.x5c!.expiresInDays < 30);
  if (!certs.length) checks.push(skip('jwks.x5c', 'no x5c certificates'));
  else if (expired.length) checks.push(fail('jwks.x5c', `expired certificates: ${expired.map((r) => `${r.kid ?? '(no kid)'} (${r.x5c!.notAfter})`).join(', ')}`));
  else if (soon.length) checks.push(warn('jwks.x5c', `certificates expiring within 30 days: ${soon.map((r) => `${r.kid ?? '(no kid)'} in ${r.x5c!.expiresInDays} days`).join(', ')}`));
  else checks.push(pass('jwks.x5c', `all ${certs.length} certificates valid for 30 days or more`));
  return checks;
}
