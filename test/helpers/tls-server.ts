// An HTTPS server on 127.0.0.1 for transport tests: a private CA and a server certificate for
// IP:127.0.0.1 made by the openssl command line, or a self-signed one (from x509.ts) that nothing
// trusts. The server counts the TCP connections it accepts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateCa {
  /** Path of the CA certificate, for --ca-file. */
  caFile: string;
  caPem: string;
  /** The server's certificate (CN=127.0.0.1, SAN IP:127.0.0.1) and key. */
  certPem: string;
  keyPem: string;
}

export function makePrivateCa(cn = 'oidc-probe transport test CA'): PrivateCa {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  return {
    caFile: join(dir, 'ca.pem'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    certPem: readFileSync(join(dir, 'srv.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'srv.key'), 'utf8'),
  };
}

export interface TestHttpsServer {
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Answers every request with a small JSON document (a discovery document for `discover`). */
export async function startHttpsServer(certPem: string, keyPem: string): Promise<TestHttpsServer> {
  let count = 0;
  let base = '';
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks`, path: req.url }));
  });
  server.on('connection', () => count++);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  base = `https://127.0.0.1:${port}`;
  return {
    url: base,
    port,
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
