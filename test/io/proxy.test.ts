// The built binary behind real proxies: Debian's tinyproxy (which, like most proxies, allows CONNECT
// only to port 443 by default) and a proxy that hangs up on every connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoProvider, type DemoProvider } from '../../demo/provider.js';
import { runCli } from '../helpers/cli.js';
import { haveTinyproxy, startClosingProxy, startTinyproxy, type TestProxy } from '../helpers/tinyproxy.js';
import { startHttpsServer, type TestHttpsServer } from '../helpers/tls-server.js';
import { makeCertifiedKey } from '../helpers/x509.js';

const skip = haveTinyproxy ? false : 'tinyproxy is not installed (apt-get install tinyproxy)';
let op: DemoProvider;
let untrusted: TestHttpsServer;
let proxy: TestProxy;

before(async () => {
  op = await startDemoProvider();
  const now = Math.floor(Date.now() / 1000);
  const cert = makeCertifiedKey({ cn: 'behind-the-proxy.test', notBefore: now - 60, notAfter: now + 86_400, kid: 'p' });
  untrusted = await startHttpsServer(cert.certPem, cert.keyPem);
  if (haveTinyproxy) proxy = await startTinyproxy({ connectPorts: [443, untrusted.port] });
});
after(async () => {
  await Promise.all([op.close(), untrusted.close(), proxy?.close()]);
});

const env = (proxyUrl: string) => ({
  HTTP_PROXY: proxyUrl,
  HTTPS_PROXY: proxyUrl,
  NO_PROXY: '',
  no_proxy: '',
  http_proxy: undefined,
  https_proxy: undefined,
  XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'oidc-probe-proxy-')),
});

test('discover through tinyproxy: an http issuer is fetched with absolute-form requests', { skip }, async () => {
  const r = await runCli(['discover', op.issuer, '--json'], { env: env(proxy.url) });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).metadata.issuer, op.issuer);
  assert.match(proxy.log(), new RegExp(`GET ${op.issuer}/\\.well-known/openid-configuration HTTP/1\\.1`));
});

test('a proxy that hangs up on every connection: exit 3 within --timeout, naming the proxy', async () => {
  const closing = await startClosingProxy();
  try {
    for (const issuer of [op.issuer, 'https://127.0.0.1:1']) {
      const r = await runCli(['discover', issuer, '--timeout', '3'], { env: env(closing.url), timeoutMs: 20_000 });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`closed.*${new URL(closing.url).host}|${new URL(closing.url).host}.*closed`));
    }
  } finally {
    await closing.close();
  }
});

test('an untrusted certificate behind tinyproxy is named without a connection around the proxy', { skip }, async () => {
  const before = untrusted.connections();
  const r = await runCli(['discover', untrusted.url], { env: env(proxy.url) });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /TLS failure/);
  assert.match(r.stderr, /CN=behind-the-proxy\.test/);
  assert.match(proxy.log(), new RegExp(`CONNECT 127\\.0\\.0\\.1:${untrusted.port}`));
  assert.equal(untrusted.connections() - before, 1, 'one connection, through the proxy');
});
