// The transport in-process, against real servers on 127.0.0.1: Debian's tinyproxy (absolute-form
// for http targets, CONNECT for https), a proxy that hangs up on every connection, HTTPS servers
// with trusted and untrusted certificates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkError } from '../../src/errors.js';
import { bypassesProxy, createDispatcher, parseProxyUrl, proxyFor, type TlsSettings } from '../../src/io/transport.js';
import { createHttpClient, type HttpClient } from '../../src/io/http.js';
import { haveMicrosocks, startMicrosocks } from '../helpers/microsocks.js';
import { haveTinyproxy, startClosingProxy, startTinyproxy, type TestProxy } from '../helpers/tinyproxy.js';
import { makePrivateCa, type PrivateCa, startHttpsServer, type TestHttpsServer } from '../helpers/tls-server.js';
import { makeCertifiedKey } from '../helpers/x509.js';

const skip = haveTinyproxy ? false : 'tinyproxy is not installed (apt-get install tinyproxy)';
const noSocks = haveMicrosocks ? false : 'microsocks is not installed (apt-get install microsocks)';

let plain: Server;
let plainUrl: string;
let lastHeaders: IncomingHttpHeaders = {};
let ca: PrivateCa;
let trusted: TestHttpsServer;
let untrusted: TestHttpsServer;
let proxy: TestProxy;

before(async () => {
  plain = createServer((req, res) => {
    lastHeaders = req.headers;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  ca = makePrivateCa();
  trusted = await startHttpsServer(ca.certPem, ca.keyPem);
  const now = Math.floor(Date.now() / 1000);
  const selfSigned = makeCertifiedKey({ cn: 'untrusted.test', notBefore: now - 60, notAfter: now + 86_400, kid: 'x' });
  untrusted = await startHttpsServer(selfSigned.certPem, selfSigned.keyPem);
  // CONNECT only to the two HTTPS servers: http targets must not be tunnelled.
  if (haveTinyproxy) proxy = await startTinyproxy({ connectPorts: [trusted.port, untrusted.port] });
});
after(async () => {
  plain.closeAllConnections();
  plain.close();
  await Promise.all([trusted.close(), untrusted.close(), proxy?.close()]);
});

function client(env: NodeJS.ProcessEnv, tls: TlsSettings = {}, timeoutMs = 5_000): HttpClient {
  return createHttpClient({
    timeoutMs,
    dispatcher: createDispatcher({ tls, timeoutMs, env }),
    proxyOf: (url) => proxyFor(new URL(url), env)?.host,
  });
}

async function failure(p: Promise<unknown>): Promise<NetworkError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof NetworkError, String(err));
    return err;
  }
  assert.fail('the request succeeded');
}

test('an http target goes through the proxy as an absolute-form request, not a CONNECT tunnel', { skip }, async () => {
  const http = client({ HTTP_PROXY: proxy.url });
  const { json } = await http.json({ url: `${plainUrl}/.well-known/openid-configuration`, what: 'discovery document' });
  assert.equal(json.path, '/.well-known/openid-configuration');
  assert.match(String(lastHeaders.via), /tinyproxy/, 'the request came through tinyproxy');
  assert.match(proxy.log(), new RegExp(`GET ${plainUrl}/\\.well-known/openid-configuration HTTP/1\\.1`));
  assert.doesNotMatch(proxy.log(), new RegExp(`CONNECT ${plainUrl.replace('http://', '')}`));
});

test('an https target goes through a CONNECT tunnel, trusting the given CA', { skip }, async () => {
  const before = trusted.connections();
  const http = client({ HTTPS_PROXY: proxy.url }, { ca: ca.caPem });
  const { json } = await http.json({ url: `${trusted.url}/jwks`, what: 'JWKS' });
  assert.equal(json.path, '/jwks');
  assert.match(proxy.log(), new RegExp(`CONNECT 127\\.0\\.0\\.1:${trusted.port}`));
  assert.equal(trusted.connections() - before, 1);
});

test('an untrusted certificate behind the proxy is named from the failed handshake itself', { skip }, async () => {
  const before = untrusted.connections();
  const connects = () => proxy.log().split(`CONNECT 127.0.0.1:${untrusted.port}`).length - 1;
  const connectsBefore = connects();
  const err = await failure(
    client({ HTTPS_PROXY: proxy.url }).request({ url: untrusted.url, what: 'discovery document' }),
  );
  assert.equal(err.code, 'tls');
  assert.equal(err.exit, 3);
  assert.match(err.message, /self-signed certificate for "CN=untrusted\.test" issued by "CN=untrusted\.test"/);
  assert.match(err.hint ?? '', /--ca-file/);
  // One connection, and it came through the proxy: nothing went around it to look at the certificate.
  assert.equal(untrusted.connections() - before, 1);
  assert.equal(connects() - connectsBefore, 1);
});

test('a certificate for another name is refused, naming it', async () => {
  // The CA is trusted, but the certificate is for CN=untrusted.test, not 127.0.0.1.
  const now = Math.floor(Date.now() / 1000);
  const other = makeCertifiedKey({ cn: 'elsewhere.test', notBefore: now - 60, notAfter: now + 86_400, kid: 'y' });
  const server = await startHttpsServer(other.certPem, other.keyPem);
  try {
    const err = await failure(client({}, { ca: other.certPem }).request({ url: server.url, what: 'JWKS' }));
    assert.equal(err.code, 'tls');
    assert.match(err.message, /ERR_TLS_CERT_ALTNAME_INVALID/);
    assert.match(err.message, /CN=elsewhere\.test/);
  } finally {
    await server.close();
  }
});

test('--insecure accepts the untrusted certificate', async () => {
  const { json } = await client({}, { insecure: true }).json({ url: `${untrusted.url}/x`, what: 'JWKS' });
  assert.equal(json.path, '/x');
});

test('a proxy that hangs up on every connection fails the request once (exit 3), for http and https', async () => {
  const closing = await startClosingProxy();
  try {
    const env = { HTTP_PROXY: closing.url, HTTPS_PROXY: closing.url };
    for (const url of [`${plainUrl}/a`, `${trusted.url}/b`]) {
      const before = closing.connections();
      const err = await failure(client(env, { ca: ca.caPem }).request({ url, what: 'discovery document' }));
      assert.equal(err.exit, 3);
      assert.match(err.message, /closed/);
      assert.match(err.message, new RegExp(`proxy.*${new URL(closing.url).host}`));
      // Not a loop of reconnections: undici's own tunnel reconnects thousands of times a second.
      assert.ok(closing.connections() - before <= 2, `${closing.connections() - before} connections`);
    }
  } finally {
    await closing.close();
  }
});

test('a proxy that refuses connections is exit 3 naming the proxy', async () => {
  const env = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' };
  for (const url of [`${plainUrl}/a`, `${trusted.url}/b`]) {
    const err = await failure(client(env).request({ url, what: 'JWKS' }));
    assert.equal(err.exit, 3);
    assert.match(err.message, /refused/);
    assert.match(err.message, /127\.0\.0\.1:9/);
  }
});

test('tinyproxy refusing CONNECT to a port it does not allow is one sentence naming the answer', { skip }, async () => {
  const strict = await startTinyproxy({ connectPorts: [443] });
  try {
    const err = await failure(client({ HTTPS_PROXY: strict.url }).request({ url: trusted.url, what: 'JWKS' }));
    assert.equal(err.code, 'proxy');
    assert.match(err.message, new RegExp(`answered 403 to CONNECT 127\\.0\\.0\\.1:${trusted.port}`));
  } finally {
    await strict.close();
  }
});

test('a SOCKS5 proxy carries http and https targets, with TLS verified inside it', { skip: noSocks }, async () => {
  const socks = await startMicrosocks();
  try {
    const env = { HTTP_PROXY: socks.url, HTTPS_PROXY: socks.url };
    const { json } = await client(env).json({ url: `${plainUrl}/over-socks?a=1`, what: 'JWKS' });
    assert.equal(json.path, '/over-socks?a=1');
    const before = trusted.connections();
    const tls = await client(env, { ca: ca.caPem }).json({ url: `${trusted.url}/jwks`, what: 'JWKS' });
    assert.equal(tls.json.path, '/jwks');
    assert.equal(trusted.connections() - before, 1);
    const err = await failure(client(env).request({ url: untrusted.url, what: 'discovery document' }));
    assert.equal(err.code, 'tls');
    assert.match(err.message, /self-signed certificate for "CN=untrusted\.test"/);
    // An IPv6 literal goes to the proxy as an address (RFC 1928 §5, ATYP 04), not as a name.
    const v6 = createServer((req, res) => res.end(JSON.stringify({ path: req.url, host: req.headers.host })));
    await new Promise<void>((r) => v6.listen(0, '::1', r));
    try {
      const port = (v6.address() as AddressInfo).port;
      const got = await client(env).json({ url: `http://[::1]:${port}/v6`, what: 'JWKS' });
      assert.deepEqual(got.json, { path: '/v6', host: `[::1]:${port}` });
    } finally {
      v6.close();
    }
  } finally {
    await socks.close();
  }
});

test('a SOCKS5 proxy that wants a username and password (RFC 1929)', { skip: noSocks }, async () => {
  const socks = await startMicrosocks({ user: 'probe', password: 's3cret' });
  const host = new URL(socks.url).host;
  const fetchThrough = (proxyUrl: string) =>
    client({ HTTP_PROXY: proxyUrl }).json({ url: `${plainUrl}/with-password`, what: 'JWKS' });
  try {
    assert.equal((await fetchThrough(socks.url)).json.path, '/with-password');
    const wrong = await failure(fetchThrough(socks.url.replace('s3cret', 'wrong')));
    assert.equal(wrong.code, 'proxy');
    assert.equal(wrong.exit, 3);
    assert.match(wrong.message, new RegExp(`the proxy socks5://${host} refused the username and password`));
    const none = await failure(fetchThrough(socks.url.replace('probe:s3cret@', '')));
    assert.equal(none.code, 'proxy');
    assert.match(none.message, /accepts none of the authentication methods offered/);
  } finally {
    await socks.close();
  }
  // Gone: the request fails naming the proxy, and does not go around it.
  const gone = await failure(fetchThrough(socks.url));
  assert.equal(gone.code, 'proxy');
  assert.match(gone.message, new RegExp(`the proxy socks5://${host} refused the connection`));
});

test('NO_PROXY: hosts, subdomains, ports and *', () => {
  const u = (s: string) => new URL(s);
  assert.equal(bypassesProxy(u('http://idp.example.test/x'), 'example.test'), true);
  assert.equal(bypassesProxy(u('http://example.test/x'), '.example.test'), true);
  assert.equal(bypassesProxy(u('http://a.example.test/x'), '*.example.test'), true);
  assert.equal(bypassesProxy(u('http://notexample.test/x'), 'example.test'), false);
  assert.equal(bypassesProxy(u('http://127.0.0.1:8080/x'), '127.0.0.1:8080'), true);
  assert.equal(bypassesProxy(u('http://127.0.0.1:8081/x'), '127.0.0.1:8080'), false);
  assert.equal(bypassesProxy(u('https://idp.test/x'), 'idp.test:443'), true);
  assert.equal(bypassesProxy(u('https://any.test/x'), 'a, b *'), true);
  assert.equal(bypassesProxy(u('https://any.test/x'), ''), false);
});

test('the proxy for a target: https falls back to HTTP_PROXY, lower case first; a bare host:port is http', () => {
  const t = new URL('https://idp.test/');
  assert.equal(proxyFor(t, { HTTP_PROXY: 'http://p:1' })?.href, 'http://p:1/');
  assert.equal(proxyFor(t, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:1' })?.host, 'a:1');
  assert.equal(proxyFor(new URL('http://idp.test/'), { HTTPS_PROXY: 'http://p:1' }), undefined);
  assert.equal(proxyFor(t, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'idp.test' }), undefined);
  assert.equal(parseProxyUrl('127.0.0.1:3128').href, 'http://127.0.0.1:3128/');
  assert.throws(() => parseProxyUrl('ftp://p:1'), /scheme ftp:/);
});

test('a kept-alive connection the server drops as it is reused: a GET is sent again, a POST is not', async () => {
  // The server answers the first request on each connection and hangs up on the second, as a
  // server closing an idle connection just as the client reuses it does.
  let connections = 0;
  const server = createServer((req, res) => {
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    if (socket.served > 1) return void socket.destroy();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: connections }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  try {
    const http = client({});
    await http.json({ url, what: 'JWKS' });
    const again = await http.json({ url, what: 'JWKS' });
    assert.equal(connections, 2, 'the GET went again on a new connection');
    assert.equal(again.json.n, 2);
    const err = await failure(http.request({ url, what: 'token endpoint', method: 'POST', body: 'a=b' }));
    assert.equal(err.code, 'connection_reset', 'a POST that may have been acted on is not sent twice');
    assert.equal(connections, 2);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
