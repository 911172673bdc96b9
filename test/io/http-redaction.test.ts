// --verbose and --har against a token endpoint that does not say it answers JSON: what the client
// parses and accepts is redacted there too; what it cannot parse is withheld.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const ACCESS_TOKEN = 'at-served-as-text-plain-0123456789';
const REFRESH_TOKEN = 'rt-served-with-a-bom-9876543210';
let server: Server;
let base: string;
let tokenBody = '';
let tokenType = 'text/plain';

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/.well-known/openid-configuration')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token` }));
    else res.writeHead(200, { 'content-type': tokenType }).end(tokenBody);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function run(extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-redact-'));
  const har = join(dir, 'run.har');
  const done = runCli(
    ['token', '--issuer', base, '--client-id', 'c', '--no-cache', '--verbose', '--har', har, '--json', ...extra],
    { env: { XDG_CACHE_HOME: dir, OIDC_PROBE_CLIENT_SECRET: 'client-secret-xyz' } },
  );
  return done.then((r) => ({ ...r, har: readFileSync(har, 'utf8') }));
}

test('a token response as text/plain with a BOM is accepted, and redacted in the trace and the HAR', async () => {
  tokenType = 'text/plain; charset=utf-8';
  const response = { access_token: ACCESS_TOKEN, token_type: 'Bearer', refresh_token: REFRESH_TOKEN, expires_in: 60 };
  tokenBody = `\uFEFF${JSON.stringify(response)}`;
  const r = await run();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).access_token, ACCESS_TOKEN, 'the client parsed and accepted it');
  for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN]) {
    assert.ok(!r.stderr.includes(secret), `the trace shows ${secret}`);
    assert.ok(!r.har.includes(secret), `the HAR shows ${secret}`);
  }
  assert.match(r.stderr, /"token_type":"Bearer"/, 'the rest of the body is still shown');
});

test('a token endpoint answer that cannot be parsed is withheld unless --show-secrets', async () => {
  tokenType = 'text/html';
  tokenBody = `<html>your token is ${ACCESS_TOKEN}</html>`;
  const r = await run();
  assert.equal(r.code, 3, r.stderr);
  assert.ok(!r.stderr.includes(ACCESS_TOKEN));
  assert.ok(!r.har.includes(ACCESS_TOKEN));
  assert.match(r.stderr, /withheld: \d+ chars that could not be parsed/);
  const shown = await run(['--show-secrets']);
  assert.ok(shown.stderr.includes(ACCESS_TOKEN));
  assert.ok(shown.har.includes(ACCESS_TOKEN));
});
