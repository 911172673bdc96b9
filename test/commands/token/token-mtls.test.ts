// RFC 8705 client authentication at an HTTPS oidc-provider on loopback, with a test CA: the token
// request presents --cert/--key; tls_client_auth (CA-issued, subject DN) and
// self_signed_tls_client_auth (registered certificate thumbprint).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoProvider, type DemoProvider } from '../../../demo/provider.js';
import { runCli } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-mtls-'));
const sh = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
const path = (f: string) => join(dir, f);
let op: DemoProvider;

/** A key and a certificate for CN, signed by the test CA (or self-signed). */
function issue(cn: string, opts: { selfSigned?: boolean; ip?: boolean } = {}): void {
  if (opts.selfSigned) {
    sh(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${cn}.key`,
      '-out',
      `${cn}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
    );
    return;
  }
  sh(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${cn}.key`,
    '-out',
    `${cn}.csr`,
    '-subj',
    `/CN=${cn}`,
  );
  writeFileSync(path(`${cn}.ext`), opts.ip ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
  sh(
    'x509',
    '-req',
    '-in',
    `${cn}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${cn}.pem`,
    '-days',
    '2',
    '-extfile',
    `${cn}.ext`,
  );
}

before(async () => {
  sh(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=oidc-probe mTLS test CA',
  );
  issue('127.0.0.1', { ip: true });
  issue('m-tls');
  issue('m-self', { selfSigned: true });
  const selfCert = new X509Certificate(readFileSync(path('m-self.pem')));
  const thumbprint = createHash('sha256').update(selfCert.raw).digest('base64url');
  const jwk = {
    ...selfCert.publicKey.export({ format: 'jwk' }),
    x5c: [selfCert.raw.toString('base64')],
    'x5t#S256': thumbprint,
  };
  op = await startDemoProvider({
    tls: {
      key: readFileSync(path('127.0.0.1.key'), 'utf8'),
      cert: readFileSync(path('127.0.0.1.pem'), 'utf8'),
      ca: readFileSync(path('ca.pem'), 'utf8'),
    },
    extraClients: [
      {
        client_id: 'm-tls',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=m-tls',
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
      },
      {
        client_id: 'm-self',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [jwk] },
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
      },
    ],
  });
});
after(async () => {
  await op?.close();
});

const run = (clientId: string, method: string, cert: string) =>
  runCli([
    'token',
    '--issuer',
    op.issuer,
    '--client-id',
    clientId,
    '--auth-method',
    method,
    '--cert',
    path(`${cert}.pem`),
    '--key',
    path(`${cert}.key`),
    '--ca-file',
    path('ca.pem'),
    '--no-cache',
    '--output',
    'json',
  ]);

test('tls_client_auth: a CA-issued client certificate authenticates the client', async () => {
  const r = await run('m-tls', 'tls_client_auth', 'm-tls');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).auth_method, 'tls_client_auth');
});

test('self_signed_tls_client_auth: the registered self-signed certificate authenticates the client', async () => {
  const r = await run('m-self', 'self_signed_tls_client_auth', 'm-self');
  assert.equal(r.code, 0, r.stderr);
});

test('another certificate is invalid_client (exit 4)', async () => {
  const r = await run('m-self', 'self_signed_tls_client_auth', 'm-tls');
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /"invalid_client"/);
});

test('a tls method without --cert/--key is a usage error (exit 2)', async () => {
  const r = await runCli([
    'token',
    '--issuer',
    op.issuer,
    '--client-id',
    'm-tls',
    '--auth-method',
    'tls_client_auth',
    '--ca-file',
    path('ca.pem'),
    '--no-cache',
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--cert <pem> and --key <pem>/);
});
