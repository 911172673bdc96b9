// The HTTP edge as users meet it: private CAs, --insecure, proxies, --verbose and --har without
// secrets, and the endpoint commands (introspect, revoke, userinfo) against real servers.
import { makePrivateCa } from '../helpers/tls-server.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEMO_CI_CLIENT, DEMO_CLIENT_SECRET, startDemoProvider, type DemoProvider } from '../../demo/provider.js';
import { runCli } from '../helpers/cli.js';
import { makeKey, mintIdToken } from '../helpers/tokens.js';

let op: DemoProvider;
let tlsServer: Server;
let tlsBase: string;
let caFile: string;
let proxy: Server;
let proxyBase: string;
const proxied: string[] = [];
let plain: Server;
let plainBase: string;
let dir: string;

function makeCa(): { ca: string; key: string; cert: string } {
  const made = makePrivateCa('oidc-probe test CA');
  dir = dirname(made.caFile);
  return { ca: made.caFile, key: made.keyPem, cert: made.certPem };
}

before(async () => {
  op = await startDemoProvider();
  const { ca, key, cert } = makeCa();
  caFile = ca;
  tlsServer = createHttpsServer({ key, cert }, (req, res) => {
    const iss = tlsBase;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify(
        req.url === '/jwks'
          ? { keys: [] }
          : {
              issuer: iss,
              jwks_uri: `${iss}/jwks`,
              authorization_endpoint: `${iss}/auth`,
              token_endpoint: `${iss}/token`,
              response_types_supported: ['code'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
            },
      ),
    );
  }) as unknown as Server;
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  // A forward proxy on loopback (absolute-form requests), recording what went through it.
  proxy = createHttpServer((req, res) => {
    proxied.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  // undici tunnels every request through CONNECT, http targets included.
  proxy.on('connect', (req, socket, head) => {
    proxied.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyBase = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  // A UserInfo endpoint that answers by the token it is given.
  const idKey = await makeKey('RS256', 'ui');
  const signed = await mintIdToken(idKey, { claims: { sub: 'alice', nonce: undefined } });
  plain = createHttpServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    if (auth === 'Bearer json-token')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ sub: 'alice', email: 'a@example.test' }));
    else if (auth === 'Bearer jwt-token') res.writeHead(200, { 'content-type': 'application/jwt' }).end(signed);
    else
      res
        .writeHead(401, {
          'www-authenticate':
            'Bearer realm="test", error="invalid_token", error_description="The access token expired"',
        })
        .end();
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});

after(async () => {
  for (const s of [tlsServer, proxy, plain]) {
    s.closeAllConnections();
    s.close();
  }
  await op.close();
});

const env = () => ({
  XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'oidc-probe-c-')),
  OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET,
});

test('a certificate from an unknown CA is exit 3, naming the certificate and how to trust it', async () => {
  const r = await runCli(['discover', tlsBase]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /TLS failure/);
  assert.match(r.stderr, /CN=127\.0\.0\.1/);
  assert.match(r.stderr, /oidc-probe test CA/);
  assert.match(r.stderr, /--ca-file/);
});

test('--ca-file trusts the private CA', async () => {
  const r = await runCli(['discover', tlsBase, '--ca-file', caFile, '--json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).metadata.issuer, tlsBase);
});

test('a --ca-file over 1 MiB is exit 2 without being read whole, like every file an option names', async () => {
  const big = join(mkdtempSync(join(tmpdir(), 'oidc-probe-ca-')), 'huge.pem');
  writeFileSync(big, 'x'.repeat(2 * 1024 * 1024));
  const r = await runCli(['discover', tlsBase, '--ca-file', big, '--json']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, 'file_too_large');
  assert.match(JSON.parse(r.stdout).error.message, /--ca-file .*huge\.pem is over 1 MiB/);
});

test('--insecure connects anyway, with a loud warning', async () => {
  const r = await runCli(['discover', tlsBase, '--insecure', '--json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.match(r.stderr, /--insecure: TLS certificates are NOT verified/);
});

test('HTTP_PROXY sends the requests through the proxy', async () => {
  proxied.length = 0;
  const r = await runCli(['discover', op.issuer, '--json'], {
    env: { HTTP_PROXY: proxyBase, http_proxy: proxyBase, NO_PROXY: '', no_proxy: '' },
  });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const host = new URL(op.issuer).host;
  assert.ok(
    proxied.some((u) => u === `CONNECT ${host}` || u === `${op.issuer}/.well-known/openid-configuration`),
    `proxy saw: ${proxied.join(', ')}`,
  );
});

test('a proxy that refuses connections is exit 3', async () => {
  const r = await runCli(['discover', op.issuer], {
    env: { HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', NO_PROXY: '', no_proxy: '' },
  });
  assert.equal(r.code, 3, r.stderr);
});

test('--verbose and --har show the exchanges but never the secret or the tokens; --show-secrets does', async () => {
  const har = join(dir, 'run.har');
  const r = await runCli(
    [
      'token',
      '--issuer',
      op.issuer,
      '--client-id',
      DEMO_CI_CLIENT,
      '--no-cache',
      '--auth-method',
      'client_secret_post',
      '--verbose',
      '--har',
      har,
    ],
    { env: env() },
  );
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  const harText = readFileSync(har, 'utf8');
  for (const secret of [DEMO_CLIENT_SECRET, token]) {
    assert.ok(!r.stderr.includes(secret), 'the trace hides it');
    assert.ok(!harText.includes(secret), 'the HAR hides it');
  }
  assert.match(r.stderr, /→ POST .*\/token/);
  assert.match(r.stderr, /client_secret=%5Bredacted/);
  const doc = JSON.parse(harText);
  assert.equal(doc.log.version, '1.2');
  assert.ok(doc.log.entries.length >= 2);
  const shown = await runCli(
    [
      'token',
      '--issuer',
      op.issuer,
      '--client-id',
      DEMO_CI_CLIENT,
      '--no-cache',
      '--auth-method',
      'client_secret_post',
      '--verbose',
      '--show-secrets',
    ],
    { env: env() },
  );
  assert.ok(shown.stderr.includes(shown.stdout.trim()), 'with --show-secrets the token is in the trace');
});

test('an unwritable --har path is exit 2 before any request is made', async () => {
  const before = [...op.hits.values()].reduce((a, b) => a + b, 0);
  const r = await runCli(['discover', op.issuer, '--har', '/nonexistent-dir/x.har']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot write the HAR file/);
  assert.equal(
    [...op.hits.values()].reduce((a, b) => a + b, 0),
    before,
  );
});

test('introspect: an active token passes; after revoke it is inactive (exit 1)', async () => {
  const e = env();
  const got = await runCli(['token', '--issuer', op.issuer, '--client-id', DEMO_CI_CLIENT, '--no-cache'], { env: e });
  const token = got.stdout.trim();
  const client = ['--issuer', op.issuer, '--client-id', DEMO_CI_CLIENT];
  // An opaque token may start with "-": after "--" it is the argument, not an option.
  const active = await runCli(['introspect', ...client, '--json', '--', token], { env: e });
  assert.equal(active.code, 0, active.stderr);
  assert.equal(JSON.parse(active.stdout).response.active, true);
  const revoked = await runCli(['revoke', ...client, '--token-type-hint', 'access_token', '--', token], { env: e });
  assert.equal(revoked.code, 0, revoked.stderr);
  const inactive = await runCli(['introspect', ...client, '--json', '--', token], { env: e });
  assert.equal(inactive.code, 1);
  assert.equal(JSON.parse(inactive.stdout).checks[0].id, 'active');
});

test('userinfo: a JSON answer, its sub compared with --sub', async () => {
  const ok = await runCli(['userinfo', 'json-token', '--endpoint', `${plainBase}/me`, '--sub', 'alice', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).claims.email, 'a@example.test');
  const mismatch = await runCli(['userinfo', 'json-token', '--endpoint', `${plainBase}/me`, '--sub', 'bob']);
  assert.equal(mismatch.code, 1);
});

test('userinfo: an application/jwt answer is decoded', async () => {
  const r = await runCli(['userinfo', 'jwt-token', '--endpoint', `${plainBase}/me`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).format, 'jwt');
});

test("userinfo: 401 with WWW-Authenticate is exit 4 showing the header's error", async () => {
  const r = await runCli(['userinfo', 'stale-token', '--endpoint', `${plainBase}/me`]);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /invalid_token.*expired/);
});

test('userinfo: an ID token instead of an access token is exit 2 with the reason', async () => {
  const idToken = await mintIdToken(await makeKey('RS256', 'x'));
  const r = await runCli(['userinfo', idToken, '--endpoint', `${plainBase}/me`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ID token, not an access token/);
});
