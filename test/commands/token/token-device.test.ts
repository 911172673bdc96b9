// The device flow (RFC 8628) against a provider whose answers the test chooses: polling intervals
// that would make a tight loop, and answers that are the provider's fault (exit 3) or its OAuth
// error (exit 4).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';

interface Script {
  device: Record<string, unknown>;
  /** Status, content type and body of every poll. */
  poll: [number, string, string];
  polls: number;
}
let server: Server;
let base: string;
const scripts = new Map<string, Script>();

before(async () => {
  // One provider per client id: /<client>/.well-known/…, /<client>/device, /<client>/token.
  server = createServer((req, res) => {
    req.resume();
    const [, client, ...rest] = (req.url ?? '').split('/');
    const script = scripts.get(client!);
    const path = rest.join('/');
    const issuer = `${base}/${client}`;
    if (!script) return void res.writeHead(404).end();
    if (path === '.well-known/openid-configuration')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer,
          token_endpoint: `${issuer}/token`,
          device_authorization_endpoint: `${issuer}/device`,
          token_endpoint_auth_methods_supported: ['none'],
        }),
      );
    if (path === 'device')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(script.device));
    script.polls++;
    const [status, type, body] = script.poll;
    res.writeHead(status, { 'content-type': type }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const device = (extra: Record<string, unknown>) => ({
  device_code: 'dc-1',
  user_code: 'WDJB-MJHT',
  verification_uri: `${base}/activate`,
  expires_in: 3,
  ...extra,
});
const pending: Script['poll'] = [400, 'application/json', JSON.stringify({ error: 'authorization_pending' })];

function run(client: string, script: Omit<Script, 'polls'>) {
  const s = { ...script, polls: 0 };
  scripts.set(client, s);
  const r = runCli(
    ['token', '--grant', 'device_code', '--issuer', `${base}/${client}`, '--client-id', client, '--no-cache'],
    { env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'oidc-probe-device-')) }, timeoutMs: 30_000 },
  );
  return r.then((out) => ({ ...out, polls: s.polls }));
}

test('an interval that would poll in a tight loop is clamped to 5 s, with a warning', { timeout: 60_000 }, async () => {
  const [negative, tiny] = await Promise.all([
    run('negative', { device: device({ interval: -1 }), poll: pending }),
    run('tiny', { device: device({ interval: 0.001 }), poll: pending }),
  ]);
  for (const r of [negative, tiny]) {
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /device code expired/);
    // The code lives 3 s: with a 5 s interval there is no time for even one poll.
    assert.equal(r.polls, 0);
    assert.match(r.stderr, /interval .* is below the 5 s minimum; polling every 5 s/);
  }
});

test('a device authorization response without device_code is exit 3', async () => {
  const r = await run('no-code', {
    device: { user_code: 'X', verification_uri: `${base}/a`, expires_in: 60 },
    poll: pending,
  });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /has no device_code \(RFC 8628 §3\.2\)/);
});

test('while polling: a non-2xx without an OAuth error is exit 3, an OAuth error exit 4', {
  timeout: 60_000,
}, async () => {
  const [broken, denied] = await Promise.all([
    run('broken', { device: device({ expires_in: 60 }), poll: [502, 'text/html', '<html>bad gateway</html>'] }),
    run('denied', {
      device: device({ expires_in: 60 }),
      poll: [
        400,
        'application/json',
        JSON.stringify({ error: 'access_denied', error_description: 'the user said no' }),
      ],
    }),
  ]);
  assert.equal(broken.code, 3, broken.stderr);
  assert.match(broken.stderr, /answered HTTP 502/);
  assert.equal(denied.code, 4, denied.stderr);
  assert.match(denied.stderr, /access_denied.*the user said no/);
  assert.equal(broken.polls, 1);
  assert.equal(denied.polls, 1);
});
