import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoProvider, type DemoProvider } from '../../demo/provider.js';
import { runCli } from '../helpers/cli.js';
import { makeKey } from '../helpers/tokens.js';

let op: DemoProvider;
let server: Server;
let base: string;
const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();

interface Row { id: string; status: string; message: string }
const json = (body: unknown, status = 200) => (res: import('node:http').ServerResponse) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));

/** A sound document for an issuer at base + path, with overrides (undefined deletes a member). */
function doc(path: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iss = `${base}${path}`;
  const d: Record<string, unknown> = {
    issuer: iss, authorization_endpoint: `${iss}/auth`, token_endpoint: `${iss}/token`, userinfo_endpoint: `${iss}/me`,
    jwks_uri: `${iss}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'], code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true, scopes_supported: ['openid'], claims_supported: ['sub'], registration_endpoint: `${iss}/reg`,
    ...overrides,
  };
  for (const [k, v] of Object.entries(d)) if (v === undefined) delete d[k];
  return d;
}

/** A self-signed certificate valid from `start` to `end` (openssl ca takes dates in the past, req does not). */
function selfSignedCert(start: Date, end: Date): string {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-x5c-'));
  const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\nserial=${dir}/serial\nnew_certs_dir=${dir}\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'r.pem'), '-subj', '/CN=test signing key'], { stdio: 'ignore' });
  execFileSync('openssl', ['ca', '-batch', '-config', join(dir, 'ca.cnf'), '-selfsign', '-keyfile', join(dir, 'k.pem'), '-in', join(dir, 'r.pem'), '-out', join(dir, 'c.pem'), '-startdate', stamp(start), '-enddate', stamp(end), '-notext'], { stdio: 'ignore' });
  return readFileSync(join(dir, 'c.pem'), 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

before(async () => {
  op = await startDemoProvider();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.get(path);
    if (route) route(res); else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const good = await makeKey('RS256', 'good');
  const serve = (path: string, d: Record<string, unknown>, keys: unknown[] = [good.publicJwk]) => {
    routes.set(`${path}/.well-known/openid-configuration`, json(d));
    routes.set(`${path}/jwks`, json({ keys }));
  };
  serve('/good', doc('/good'));
  serve('/mismatch', doc('/mismatch', { issuer: `${base}/mismatch/` }));
  serve('/missing', doc('/missing', { jwks_uri: undefined, subject_types_supported: undefined }));
  serve('/http', { ...doc('/http'), token_endpoint: 'http://op.example/token', userinfo_endpoint: 'https://op.example/me#frag', authorization_endpoint: '/relative' });
  serve('/norsa', doc('/norsa', { id_token_signing_alg_values_supported: ['ES256', 'none'], code_challenge_methods_supported: ['plain'] }));
  const priv = await makeKey('RS256', 'leaky');
  const { exportJWK } = await import('jose');
  serve('/private', doc('/private'), [{ ...(await exportJWK(priv.privateKey)), kid: 'leaky' }]);
  const { generateKeyPairSync } = await import('node:crypto');
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  serve('/weak', doc('/weak'), [{ ...weak, kid: 'a' }, { ...good.publicJwk, kid: 'a' }]);
  serve('/expired', doc('/expired'), [{ ...good.publicJwk, x5c: [selfSignedCert(new Date('2020-01-01'), new Date('2020-02-01'))] }]);
  serve('/expiring', doc('/expiring'), [{ ...good.publicJwk, x5c: [selfSignedCert(new Date(Date.now() - 86400_000), new Date(Date.now() + 10 * 86400_000))] }]);
  // RFC 8414 only, with the path-insertion rule.
  routes.set('/.well-known/oauth-authorization-server/as', json(doc('/as')));
  routes.set('/as/jwks', json({ keys: [good.publicJwk] }));
  routes.set('/badjson/.well-known/openid-configuration', json('{"issuer": '));
  routes.set('/array/.well-known/openid-configuration', json([1, 2]));
  routes.set('/e500/.well-known/openid-configuration', (res) => res.writeHead(500).end('<h1>oops</h1>'));
  routes.set('/redirect/.well-known/openid-configuration', (res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
  routes.set('/big/.well-known/openid-configuration', json({ issuer: 'x', pad: 'x'.repeat(1024 * 1024 + 1) }));
  routes.set('/slow/.well-known/openid-configuration', (res) => { setTimeout(() => json(doc('/slow'))(res), 4000).unref(); });
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await op.close();
});

async function discover(path: string, ...extra: string[]) {
  const r = await runCli(['discover', path.startsWith('http') ? path : `${base}${path}`, '--json', ...extra]);
  return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined, status: (id: string) => (JSON.parse(r.stdout).checks as Row[]).find((c) => c.id === id)?.status };
}

test('a real oidc-provider passes the lint; metadata and keys are kept whole in --json', async () => {
  const r = await discover(op.issuer);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.doc.valid, true);
  assert.equal(r.doc.metadata.issuer, op.issuer);
  assert.equal(r.doc.url, `${op.issuer}/.well-known/openid-configuration`);
  assert.equal(r.doc.jwks.keys[0].kid, 'demo-rs256');
  assert.ok('claims_parameter_supported' in r.doc.metadata, 'no member of the document is dropped');
  assert.equal(r.status('discovery.https'), 'warn', 'http on loopback is a warning');
});

test('the human output has endpoints, capabilities, keys and the lint summary, and no ANSI in a pipe', async () => {
  const r = await runCli(['discover', op.issuer]);
  assert.equal(r.code, 0);
  for (const heading of ['Endpoints', 'Capabilities', 'Keys', 'Lint']) assert.match(r.stdout, new RegExp(heading));
  assert.match(r.stdout, /passed, 0 failed/);
  assert.doesNotMatch(r.stdout, /\u001b\[/);
});

test('--raw prints the document exactly as served', async () => {
  const r = await runCli(['discover', `${base}/good`, '--raw']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), doc('/good'));
});

test('a full well-known URL is accepted', async () => {
  const r = await discover(`${base}/good/.well-known/openid-configuration`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.status('discovery.issuer'), 'pass');
});

test('falls back to RFC 8414 metadata, path inserted after the host, and says which answered', async () => {
  const r = await discover('/as');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.doc.source, 'oauth-authorization-server');
  assert.equal(r.doc.url, `${base}/.well-known/oauth-authorization-server/as`);
  assert.match(r.stderr, /answered 404; using .*oauth-authorization-server/);
});

const lintCases: Array<[string, string, string, string]> = [
  ['an issuer that differs by a trailing slash fails', '/mismatch', 'discovery.issuer', 'fail'],
  ['missing REQUIRED members fail', '/missing', 'discovery.jwks_uri', 'fail'],
  ['http, relative and fragment endpoints fail', '/http', 'discovery.token_endpoint', 'fail'],
  ['a relative endpoint fails', '/http', 'discovery.authorization_endpoint', 'fail'],
  ['an endpoint with a fragment fails', '/http', 'discovery.userinfo_endpoint', 'fail'],
  ['RS256 missing from ID token algs fails', '/norsa', 'discovery.id_token_signing_alg_values_supported', 'fail'],
  ['alg none advertised for ID tokens warns', '/norsa', 'discovery.alg_none', 'warn'],
  ['PKCE plain only warns', '/norsa', 'discovery.code_challenge_methods_supported', 'warn'],
  ['private key material in the JWKS fails', '/private', 'jwks.private_key_material', 'fail'],
  ['an RSA key under 2048 bits fails', '/weak', 'jwks.rsa_size', 'fail'],
  ['duplicate kids fail', '/weak', 'jwks.kid', 'fail'],
  ['an expired x5c certificate fails', '/expired', 'jwks.x5c', 'fail'],
  ['an x5c certificate expiring within 30 days warns', '/expiring', 'jwks.x5c', 'warn'],
];
for (const [name, path, id, status] of lintCases) {
  test(`lint: ${name}`, async () => {
    const r = await discover(path);
    assert.equal(r.status(id), status, JSON.stringify(r.doc.checks.find((c: Row) => c.id === id)));
    assert.equal(r.code, r.doc.valid ? 0 : 1);
  });
}

test('published private keys are called out loudly in the human output', async () => {
  const r = await runCli(['discover', `${base}/private`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /PRIVATE KEY MATERIAL IS PUBLISHED/);
});

const badInputs: Array<[string, string[], number, RegExp]> = [
  ['not a URL', ['discover', 'not a url'], 2, /is not a URL/],
  ['connection refused', ['discover', 'http://127.0.0.1:9'], 3, /connection refused/],
  ['invalid JSON', ['discover', '/badjson'], 3, /is not JSON/],
  ['a JSON array', ['discover', '/array'], 3, /an array/],
  ['HTTP 404 at both locations', ['discover', '/nothing-here'], 3, /HTTP 404/],
  ['HTTP 500', ['discover', '/e500'], 3, /HTTP 500/],
  ['a redirect', ['discover', '/redirect'], 3, /redirect to http:\/\/127\.0\.0\.1:1\/elsewhere/],
  ['a document over 1 MiB', ['discover', '/big'], 3, /1048576-byte limit/],
  ['a slow server', ['discover', '/slow', '--timeout', '1'], 3, /no answer within 1 s/],
];
for (const [name, args, code, message] of badInputs) {
  test(`bad input: ${name} → exit ${code} with one sentence naming the URL`, async () => {
    const r = await runCli(args.map((a) => (a.startsWith('/') ? `${base}${a}` : a)));
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}
