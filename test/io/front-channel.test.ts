import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFrontChannel, type FrontChannel, type FrontChannelOutcome } from '../../src/io/front-channel.js';
import { launchChromium } from '../helpers/browser.js';

// A bare server around the front channel, recording what it classified.
let server: Server;
let base: string;
let channel: FrontChannel;
const outcomes: FrontChannelOutcome[] = [];

function reset(): void {
  channel = createFrontChannel('/callback', { maxBody: 4096 });
  outcomes.length = 0;
}

before(async () => {
  reset();
  server = createServer((req, res) => {
    void channel.classify(req).then((o) => {
      outcomes.push(o);
      if (o.kind === 'response') res.writeHead(200, { 'content-type': 'text/html' }).end('<p id="done">received</p>');
      else if (o.kind === 'page') res.writeHead(o.status, o.headers).end(o.body);
      else if (o.kind === 'refused') res.writeHead(o.status, { 'content-type': 'text/plain' }).end(o.warning);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

function send(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('a GET with parameters is a query response', async () => {
  reset();
  assert.equal(await send('GET', '/callback?code=c1&state=s1'), 200);
  assert.deepEqual(outcomes[0], { kind: 'response', channel: 'query', params: { code: 'c1', state: 's1' } });
});

test('a form-encoded POST to the redirect path is a form_post response', async () => {
  reset();
  assert.equal(
    await send('POST', '/callback', 'code=c2&state=s2', {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    }),
    200,
  );
  assert.deepEqual(outcomes[0], { kind: 'response', channel: 'form_post', params: { code: 'c2', state: 's2' } });
});

test("a GET without parameters gets the relay page, naming this run's one-time path, with a nonce CSP", async () => {
  reset();
  assert.equal(await send('GET', '/callback'), 200);
  const o = outcomes[0]!;
  assert.equal(o.kind, 'page');
  if (o.kind !== 'page') return;
  assert.ok(o.body.includes(JSON.stringify(channel.relayPath)));
  assert.match(channel.relayPath, /^\/callback\/relay\/[A-Za-z0-9_-]{22}$/);
  const nonce = /script-src 'nonce-([^']+)'/.exec(o.headers['content-security-policy']!)![1]!;
  assert.ok(o.body.includes(`<script nonce="${nonce}">`));
  assert.match(o.body, /<noscript>.*needs JavaScript/s);
});

test('each run gets a different one-time relay path', () => {
  assert.notEqual(createFrontChannel('/cb').relayPath, createFrontChannel('/cb').relayPath);
});

test('the relay POST is a fragment response, once; a second POST to the spent path is refused', async () => {
  reset();
  assert.equal(await send('POST', channel.relayPath, 'id_token=x&state=s3', FORM), 200);
  assert.deepEqual(outcomes[0], { kind: 'response', channel: 'fragment', params: { id_token: 'x', state: 's3' } });
  assert.equal(await send('POST', channel.relayPath, 'id_token=y&state=s3', FORM), 409);
  assert.equal(outcomes[1]!.kind, 'refused');
});

test('a relay POST to a wrong one-time path is refused with a warning', async () => {
  reset();
  assert.equal(await send('POST', '/callback/relay/not-this-run', 'state=s', FORM), 404);
  const o = outcomes[0]!;
  assert.ok(o.kind === 'refused' && /unknown one-time path.*still waiting/.test(o.warning));
});

test('a form_post or relay POST with a wrong content type is refused (415)', async () => {
  reset();
  assert.equal(await send('POST', '/callback', '{"code":"c"}', { 'content-type': 'application/json' }), 415);
  assert.equal(await send('POST', channel.relayPath, 'code=c', { 'content-type': 'text/plain' }), 415);
  assert.ok(outcomes.every((o) => o.kind === 'refused' && /content type/.test(o.warning)));
});

test('an oversized body is refused (413), declared or streamed, and the relay path stays unspent', async () => {
  reset();
  const big = `code=${'x'.repeat(5000)}`;
  assert.equal(await send('POST', '/callback', big, FORM), 413);
  // Chunked, without content-length: caught while reading.
  assert.equal(
    await new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}${channel.relayPath}`,
        { method: 'POST', headers: { ...FORM, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(big.slice(0, 3000));
      req.end(big.slice(3000));
    }),
    413,
  );
  assert.equal(await send('POST', channel.relayPath, 'state=ok', FORM), 200);
});

test("other paths are not the front channel's business", async () => {
  reset();
  assert.equal(await send('GET', '/favicon.ico'), 404);
  assert.deepEqual(outcomes[0], { kind: 'other' });
});

test('in Chromium the relay page POSTs the fragment and clears it from the address bar', {
  timeout: 60_000,
}, async () => {
  reset();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/callback#id_token=tok.en.sig&state=s%20t&access_token=AT`);
    await page.waitForSelector('#done', { timeout: 30_000 });
    const response = outcomes.find((o) => o.kind === 'response');
    assert.deepEqual(response, {
      kind: 'response',
      channel: 'fragment',
      params: { id_token: 'tok.en.sig', state: 's t', access_token: 'AT' },
    });
    assert.ok(!page.url().includes('#'), page.url());
    assert.ok(!page.url().includes('tok.en.sig'));
  } finally {
    await browser.close();
  }
});

test('in Chromium without a fragment the page says so and sends nothing', { timeout: 60_000 }, async () => {
  reset();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/callback`);
    await page.waitForFunction('/no authorization response/.test(document.body.textContent)', undefined, {
      timeout: 30_000,
    });
    assert.ok(outcomes.every((o) => o.kind !== 'response'));
  } finally {
    await browser.close();
  }
});

test('in Chromium with script disabled the page explains that it needs JavaScript', { timeout: 60_000 }, async () => {
  reset();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/callback#id_token=x&state=y`);
    assert.match((await page.textContent('body')) ?? '', /This page needs JavaScript/);
    assert.ok(outcomes.every((o) => o.kind !== 'response'));
  } finally {
    await browser.close();
  }
});
