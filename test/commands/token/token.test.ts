// `token` against a real oidc-provider on 127.0.0.1, and the cache as files on disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO_CI_CLIENT,
  DEMO_CLIENT_SECRET,
  DEMO_CONFIDENTIAL_CLIENT,
  startDemoProvider,
  type DemoProvider,
} from '../../../demo/provider.js';
import { signInThroughForms } from '../../../demo/http-user-agent.js';
import { runCli } from '../../helpers/cli.js';
import { startCli } from '../../helpers/cli-session.js';
import { loadsOf } from '../../helpers/loads.js';

let op: DemoProvider;
let fake: Server;
let fakeBase: string;
let fakeTokenBody = '';
let lastTokenRequest = '';

before(async () => {
  op = await startDemoProvider();
  // A provider whose token endpoint answers what the test says (non-JSON, expires_in as a string).
  fake = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer: fakeBase,
          token_endpoint: `${fakeBase}/token`,
          device_authorization_endpoint: `${fakeBase}/device`,
          token_endpoint_auth_methods_supported: ['client_secret_post'],
        }),
      );
    } else if (req.url === '/device') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          device_code: 'dc',
          user_code: 'ABCD-EFGH',
          verification_uri: `${fakeBase}/activate`,
          expires_in: 2,
          interval: 1,
        }),
      );
    } else if (fakeTokenBody === 'pending') {
      req.resume();
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'authorization_pending' }));
    } else {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        lastTokenRequest = body;
      });
      res
        .writeHead(200, { 'content-type': fakeTokenBody.startsWith('{') ? 'application/json' : 'text/html' })
        .end(fakeTokenBody);
    }
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeBase = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
after(async () => {
  fake.closeAllConnections();
  fake.close();
  await op.close();
});

const totalHits = () => [...op.hits.values()].reduce((a, b) => a + b, 0);
const tokenHits = () => op.hits.get('/token') ?? 0;

async function freshCache(): Promise<Record<string, string>> {
  return {
    XDG_CACHE_HOME: await mkdtemp(join(tmpdir(), 'oidc-probe-cache-')),
    OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET,
  };
}
const ci = () => ['token', '--issuer', op.issuer, '--client-id', DEMO_CI_CLIENT];

test('client_credentials with --output raw prints the access token and a newline, nothing else', async () => {
  const env = await freshCache();
  const r = await runCli([...ci(), '--output', 'raw'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[A-Za-z0-9_-]{20,}\n$/);
});

test('in a pipe the default output is raw, ready for $(…)', async () => {
  const r = await runCli(ci(), { env: await freshCache() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
});

test('a cached token is reused with zero requests to the provider, not even discovery', async () => {
  const env = await freshCache();
  const first = await runCli(ci(), { env });
  const before = totalHits();
  const second = await runCli(ci(), { env });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.equal(totalHits(), before, 'no request reached the provider');
});

test('a cached token loads neither node:crypto nor node:child_process nor sockets (start-up stays light)', async () => {
  const env = await freshCache();
  const first = await runCli([...ci(), '--output', 'raw'], { env });
  assert.equal(first.code, 0, first.stderr);
  const cached = loadsOf([...ci(), '--output', 'raw'], env);
  assert.equal(cached.status, 0);
  assert.equal(cached.stdout, first.stdout, 'the cached token');
  for (const builtin of ['crypto', 'child_process', 'net', 'stream'])
    assert.equal(cached.builtins.has(builtin), false, `a cache hit loaded ${builtin}`);
});

test('the cache directory is 0700 and its files 0600', async () => {
  const env = await freshCache();
  await runCli(ci(), { env });
  const dir = join(env.XDG_CACHE_HOME!, 'oidc-probe', 'tokens');
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1);
  assert.equal((await stat(join(dir, files[0]!))).mode & 0o777, 0o600);
  assert.equal(
    (await readdir(dir)).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp')).length,
    0,
    'no lock or temp file left behind',
  );
});

test('a token with less than --min-ttl left is fetched again', async () => {
  const env = await freshCache();
  const first = await runCli(ci(), { env });
  const before = tokenHits();
  const again = await runCli([...ci(), '--min-ttl', '100000', '--json'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(tokenHits(), before + 1);
  const doc = JSON.parse(again.stdout);
  assert.equal(doc.cache.action, 'fetch');
  assert.notEqual(doc.access_token, first.stdout.trim());
});

test('--no-cache neither reads nor writes the cache', async () => {
  const env = await freshCache();
  await runCli([...ci(), '--no-cache'], { env });
  await assert.rejects(readdir(join(env.XDG_CACHE_HOME!, 'oidc-probe', 'tokens')));
});

test('a corrupt cache file is ignored with a warning and replaced', async () => {
  const env = await freshCache();
  await runCli(ci(), { env });
  const dir = join(env.XDG_CACHE_HOME!, 'oidc-probe', 'tokens');
  const file = join(dir, (await readdir(dir))[0]!);
  await writeFile(file, '{ this is not json');
  const r = await runCli(ci(), { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /unreadable.*ignoring it/);
  JSON.parse(await readFile(file, 'utf8'));
});

test('parallel jobs with an empty cache fetch the token once and all get it', async () => {
  const env = await freshCache();
  const before = tokenHits();
  const runs = await Promise.all([1, 2, 3, 4].map(() => runCli(ci(), { env })));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(runs.map((r) => r.stdout)).size, 1, 'every job printed the same token');
  assert.equal(tokenHits() - before, 1, 'one request to the token endpoint');
});

test('login --cache, then token --grant refresh_token refreshes it once it expires, with the Core 12.2 checks', {
  timeout: 60_000,
}, async () => {
  const env = await freshCache();
  const session = startCli(
    [
      'login',
      '--issuer',
      op.issuer,
      '--client-id',
      DEMO_CONFIDENTIAL_CLIENT,
      '--no-browser',
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--scope',
      'openid offline_access profile',
      '--prompt',
      'consent',
      '--cache',
      '--json',
    ],
    { env },
  );
  const url = await session.urlLine(`${op.issuer}/auth?`);
  assert.ok(url);
  await signInThroughForms(url, 'dana');
  const login = await session.done;
  assert.equal(login.code, 0, login.stderr);
  assert.equal(typeof JSON.parse(login.stdout).tokens.refresh_token, 'string');
  // Still fresh: reused from the cache.
  const reuse = await runCli(
    ['token', '--grant', 'refresh_token', '--issuer', op.issuer, '--client-id', DEMO_CONFIDENTIAL_CLIENT, '--json'],
    { env },
  );
  assert.equal(JSON.parse(reuse.stdout).cache.action, 'reuse', reuse.stderr);
  // Treated as too close to expiry: refreshed with the cached refresh token.
  const refreshed = await runCli(
    [
      'token',
      '--grant',
      'refresh_token',
      '--issuer',
      op.issuer,
      '--client-id',
      DEMO_CONFIDENTIAL_CLIENT,
      '--min-ttl',
      '100000',
      '--json',
    ],
    { env },
  );
  assert.equal(refreshed.code, 0, refreshed.stderr + refreshed.stdout);
  const doc = JSON.parse(refreshed.stdout);
  assert.equal(doc.cache.action, 'refresh');
  assert.notEqual(doc.access_token, JSON.parse(login.stdout).tokens.access_token);
  for (const id of ['refresh_iss', 'refresh_sub', 'refresh_aud'])
    assert.equal(doc.checks.find((c: { id: string }) => c.id === id)?.status, 'pass', id);
});

const bad: Array<[string, () => Promise<string[]>, number, RegExp]> = [
  [
    'an unknown grant lists the valid ones',
    async () => [...ci(), '--grant', 'magic'],
    2,
    /valid grants: client_credentials, refresh_token/,
  ],
  [
    'an unknown auth method lists the valid ones',
    async () => [...ci(), '--auth-method', 'psychic'],
    2,
    /valid methods: client_secret_basic/,
  ],
  [
    'a missing issuer names the flag and the variable',
    async () => ['token', '--client-id', 'x'],
    2,
    /--issuer.*OIDC_PROBE_ISSUER/,
  ],
  [
    'a private key that does not parse',
    async () => {
      const p = join(await mkdtemp(join(tmpdir(), 'k-')), 'k.pem');
      await writeFile(p, '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n');
      return [...ci(), '--no-cache', '--auth-method', 'private_key_jwt', '--private-key', p];
    },
    2,
    /does not parse as a private key/,
  ],
];
for (const [name, args, code, message] of bad) {
  test(`bad input: ${name} (exit ${code})`, async () => {
    const r = await runCli(await args(), { env: await freshCache() });
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  });
}

test('invalid_client is exit 4 with a hint naming the method used and the methods advertised', async () => {
  const r = await runCli([...ci(), '--no-cache'], {
    env: { ...(await freshCache()), OIDC_PROBE_CLIENT_SECRET: 'wrong-secret-123' },
  });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /invalid_client/);
  assert.match(r.stderr, /client authentication was client_secret_basic; the provider advertises .*client_secret_post/);
  assert.ok(!r.stderr.includes('wrong-secret-123'));
});

test('a token endpoint that does not answer JSON is exit 3', async () => {
  fakeTokenBody = '<html>maintenance</html>';
  const r = await runCli(['token', '--issuer', fakeBase, '--client-id', 'c', '--no-cache'], {
    env: await freshCache(),
  });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /did not answer with JSON/);
});

test('expires_in as a string is accepted', async () => {
  fakeTokenBody = JSON.stringify({ access_token: 'tok-from-fake', token_type: 'Bearer', expires_in: '3600' });
  const r = await runCli(['token', '--issuer', fakeBase, '--client-id', 'c', '--no-cache', '--json'], {
    env: await freshCache(),
  });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.ok(Math.abs(doc.expires_at - (Date.now() / 1000 + 3600)) < 60);
});

test('client_secret_jwt authenticates with a signed assertion', async () => {
  fakeTokenBody = JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 60 });
  const r = await runCli(
    ['token', '--issuer', fakeBase, '--client-id', 'c', '--no-cache', '--auth-method', 'client_secret_jwt'],
    { env: await freshCache() },
  );
  assert.equal(r.code, 0, r.stderr);
  const form = new URLSearchParams(lastTokenRequest);
  assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  assert.equal(form.get('client_secret'), null, 'the secret itself is not sent');
  const { jwtVerify } = await import('jose');
  const { payload, protectedHeader } = await jwtVerify(
    form.get('client_assertion')!,
    new TextEncoder().encode(DEMO_CLIENT_SECRET),
    { audience: `${fakeBase}/token`, issuer: 'c', subject: 'c' },
  );
  assert.equal(protectedHeader.alg, 'HS256');
  assert.ok(typeof payload.jti === 'string' && payload.jti.length >= 16);
  assert.ok(payload.exp! - payload.iat! <= 60, 'short-lived');
});

test('a device code that expires before the user finishes is exit 5', { timeout: 30_000 }, async () => {
  fakeTokenBody = 'pending';
  const r = await runCli(['token', '--grant', 'device_code', '--issuer', fakeBase, '--client-id', 'c', '--no-cache'], {
    env: await freshCache(),
  });
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /ABCD-EFGH/);
  assert.match(r.stderr, /device code expired/);
  assert.equal(r.stdout, '');
});
