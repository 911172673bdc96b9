// A signed token and its JWKS for the package test and the start-up bench, minted with
// node:crypto only (no dependency), so the scripts also run against an installed tarball.
import { generateKeyPairSync, sign, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Mint an ES256 ID-token-shaped JWT valid for an hour; write its JWKS to dir/jwks.json. */
export function mintFixture(dir, claims = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'fixture-' + randomUUID().slice(0, 8);
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', typ: 'JWT', kid };
  const payload = {
    iss: 'https://issuer.example',
    sub: 'alice',
    aud: 'probe-client',
    iat: now,
    exp: now + 3600,
    ...claims,
  };
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  // JWS ES256 signatures are the raw r||s pair (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
    'base64url',
  );
  const jwksPath = join(dir, 'jwks.json');
  writeFileSync(
    jwksPath,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }),
  );
  return { jwt: `${signingInput}.${signature}`, jwksPath, payload };
}

/** Command names listed in `oidc-probe --help` (so scripts pick up commands as they land). */
export function commandsInHelp(helpText) {
  const section = helpText.split(/^Commands:$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]));
}
