// Keys with X.509 certificates for x5c tests, made by the openssl command line in a temp directory
// (`openssl ca -selfsign` takes explicit start and end dates, so expired certificates can be made).
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';

export interface CertifiedKey {
  /** The public JWK with x5c (leaf only), as a JWKS would publish it. */
  jwk: JWK;
  certificate: X509Certificate;
  /** PEM of the certificate and its private key, for a local TLS server. */
  certPem: string;
  keyPem: string;
}

/** openssl's YYYYMMDDHHMMSSZ. */
const opensslTime = (epochSeconds: number) =>
  new Date(epochSeconds * 1000)
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

export function makeCertifiedKey(opts: { cn: string; notBefore: number; notAfter: number; kid: string }): CertifiedKey {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-x509-'));
  try {
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = CA_default',
        '[ CA_default ]',
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${dir}`,
        `serial = ${join(dir, 'serial')}`,
        'default_md = sha256',
        'policy = policy_any',
        '[ policy_any ]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    run([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'req.csr',
      '-subj',
      `/CN=${opts.cn}`,
    ]);
    run([
      'ca',
      '-selfsign',
      '-batch',
      '-config',
      'ca.cnf',
      '-keyfile',
      'key.pem',
      '-in',
      'req.csr',
      '-out',
      'cert.pem',
      '-startdate',
      opensslTime(opts.notBefore),
      '-enddate',
      opensslTime(opts.notAfter),
    ]);
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    const certificate = new X509Certificate(certPem);
    const publicJwk = createPublicKey(createPrivateKey(keyPem)).export({ format: 'jwk' }) as JWK;
    return {
      jwk: { ...publicJwk, kid: opts.kid, alg: 'RS256', use: 'sig', x5c: [certificate.raw.toString('base64')] },
      certificate,
      certPem,
      keyPem,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
