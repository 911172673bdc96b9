import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient } from '../../src/io/http.js';
import { NetworkError, ProviderError } from '../../src/errors.js';

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
        break;
      case '/oauth-error':
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"invalid_client","error_description":"bad secret"}');
        break;
      case '/500':
        res.writeHead(500).end('<h1>oops</h1>');
        break;
      case '/array':
        res.writeHead(200, { 'content-type': 'application/json' }).end('[1,2]');
        break;
      case '/big':
        res.writeHead(200, { 'content-type': 'application/json' }).end('"' + 'x'.repeat(1024 * 1024 + 10) + '"');
        break;
      case '/big-chunked': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 20; i++) res.write(chunk);
        res.end();
        break;
      }
      case '/slow':
        setTimeout(() => res.writeHead(200).end('{}'), 3000).unref();
        break;
      case '/redirect':
        res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
        break;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const http = createHttpClient({ timeoutMs: 1000 });

test('a 2xx JSON object comes back parsed', async () => {
  const { json } = await http.json({ url: `${base}/ok`, what: 'test document' });
  assert.deepEqual(json, { a: 1 });
});

test('an OAuth error body becomes a ProviderError (exit 4) with error and description', async () => {
  await assert.rejects(
    http.json({ url: `${base}/oauth-error`, what: 'token endpoint' }),
    (e: unknown) =>
      e instanceof ProviderError && e.exit === 4 && e.error === 'invalid_client' && e.errorDescription === 'bad secret',
  );
});

test('a non-2xx without an OAuth error body is a NetworkError (exit 3) naming the status', async () => {
  await assert.rejects(
    http.json({ url: `${base}/500`, what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && /HTTP 500/.test(e.message),
  );
});

test('a JSON array is refused: an object was expected', async () => {
  await assert.rejects(
    http.json({ url: `${base}/array`, what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && /not an object/.test(e.message),
  );
});

test('a body over 1 MiB is refused, whether its length is declared or streamed', async () => {
  await assert.rejects(
    http.request({ url: `${base}/big`, what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && e.code === 'too_large',
  );
  await assert.rejects(
    http.request({ url: `${base}/big-chunked`, what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && e.code === 'too_large',
  );
});

test('a server slower than the timeout is a timeout NetworkError', async () => {
  await assert.rejects(
    http.request({ url: `${base}/slow`, what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && e.code === 'timeout',
  );
});

test('a refused connection is named as such', async () => {
  await assert.rejects(
    http.request({ url: 'http://127.0.0.1:9/', what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && e.code === 'connection_refused',
  );
});

test('a redirect is not followed and the message says where it pointed', async () => {
  await assert.rejects(
    http.json({ url: `${base}/redirect`, what: 'test document' }),
    (e: unknown) => e instanceof NetworkError && /redirect to http:\/\/127\.0\.0\.1:1\/elsewhere/.test(e.message),
  );
});

test('observers see every exchange, failed ones included', async () => {
  const seen: string[] = [];
  const observed = createHttpClient({
    timeoutMs: 1000,
    observers: [(e) => seen.push(`${e.request.url} ${e.response?.status ?? e.error?.code}`)],
  });
  await observed.request({ url: `${base}/ok`, what: 't' });
  await observed.request({ url: 'http://127.0.0.1:9/', what: 't' }).catch(() => undefined);
  assert.deepEqual(seen, [`${base}/ok 200`, 'http://127.0.0.1:9/ connection_refused']);
});
