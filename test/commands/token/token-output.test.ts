// `token --output exec-credential` (a kubectl credential plugin answer, from the cache when it can)
// and `--output env` (shell assignments for eval and $GITHUB_ENV), against rogue-op and a small
// provider of the test's own whose token endpoint answers what the test says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { startCli } from '../../helpers/cli-session.js';
import { loginArgs } from '../../helpers/login-args.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp, type RogueOp } from '../../providers/rogue-op.js';
import { envAssignments, execCredential } from '../../../src/protocol/token-output.js';

let fake: Server;
let fakeBase: string;
let fakeToken: Record<string, unknown> = {};
let fakeTokenCalls = 0;

before(async () => {
  fake = createServer((req, res) => {
    req.resume();
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration')
      return json({
        issuer: fakeBase,
        token_endpoint: `${fakeBase}/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    fakeTokenCalls++;
    return json(fakeToken);
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeBase = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
after(() => {
  fake.closeAllConnections();
  fake.close();
});

const home = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oidc-probe-output-'));
  return {
    HOME: dir,
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    OIDC_PROBE_CLIENT_SECRET: 's',
  };
};
const fakeToken_ = (args: string[]) => ['token', '--issuer', fakeBase, '--client-id', 'c', ...args];

interface Credential {
  apiVersion: string;
  kind: string;
  status: { token: string; expirationTimestamp?: string };
}

test('exec-credential without an ID token: the access token and its expiry, then the same from the cache', async () => {
  fakeToken = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 };
  const env = await home();
  const calls = fakeTokenCalls;
  const first = await runCli(fakeToken_(['--output', 'exec-credential']), { env });
  assert.equal(first.code, 0, first.stderr);
  const credential = JSON.parse(first.stdout) as Credential;
  assert.equal(credential.apiVersion, 'client.authentication.k8s.io/v1');
  assert.equal(credential.kind, 'ExecCredential');
  assert.equal(credential.status.token, 'at-1');
  const expiry = Date.parse(credential.status.expirationTimestamp!);
  assert.ok(Math.abs(expiry - (Date.now() + 3_600_000)) < 120_000, credential.status.expirationTimestamp);
  assert.match(credential.status.expirationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const second = await runCli(fakeToken_(['--output', 'exec-credential']), { env });
  assert.equal(second.stdout, first.stdout);
  assert.equal(fakeTokenCalls, calls + 1, 'kubectl asking again is served from the cache');
});

test('exec-credential without a known expiry leaves expirationTimestamp out', async () => {
  fakeToken = { access_token: 'opaque', token_type: 'Bearer' };
  const r = await runCli(fakeToken_(['--output', 'exec-credential', '--no-cache']), { env: await home() });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Credential).status, { token: 'opaque' });
});

test('a token that fails its checks prints nothing for kubectl or the shell, exit 1', async () => {
  fakeToken = { access_token: 'at', token_type: 'Mac' };
  for (const output of ['exec-credential', 'env']) {
    const r = await runCli(fakeToken_(['--output', output, '--no-cache']), { env: await home() });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no token printed: token_type/);
  }
});

test('--json and --output exec-credential (or env) contradict each other: exit 2', async () => {
  for (const output of ['exec-credential', 'env']) {
    const r = await runCli(['--json', ...fakeToken_(['--output', output])], { env: await home() });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /contradict/);
  }
});

test('env: a token of the usual characters is bare; anything else is quoted so that eval gives it back', async () => {
  fakeToken = { access_token: "a b'c$(touch /tmp/x)", token_type: 'Bearer', expires_in: 60 };
  const r = await runCli(fakeToken_(['--output', 'env', '--no-cache']), { env: await home() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "ACCESS_TOKEN='a b'\\''c$(touch /tmp/x)'\n");
  const sh = spawnSync('sh', ['-c', 'eval "$(cat)"; printf %s "$ACCESS_TOKEN"'], { input: r.stdout, encoding: 'utf8' });
  assert.equal(sh.stdout, "a b'c$(touch /tmp/x)");
  fakeToken = { access_token: 'eyJ.abc-_~+/=', token_type: 'Bearer' };
  const plain = await runCli(fakeToken_(['--output', 'env', '--no-cache']), { env: await home() });
  assert.equal(plain.stdout, "ACCESS_TOKEN='eyJ.abc-_~+/='\n", 'a tilde is quoted: bash expands it after =');
  fakeToken = { access_token: 'eyJhbGciOi.eyJzdWIi.sig-_', token_type: 'Bearer' };
  const jwt = await runCli(fakeToken_(['--output', 'env', '--no-cache']), { env: await home() });
  assert.equal(jwt.stdout, 'ACCESS_TOKEN=eyJhbGciOi.eyJzdWIi.sig-_\n');
});

test('env: a token with a newline (which would add a line to $GITHUB_ENV) is refused, exit 1', async () => {
  fakeToken = { access_token: 'good\nGITHUB_PATH=/tmp', token_type: 'Bearer' };
  const r = await runCli(fakeToken_(['--output', 'env', '--no-cache']), { env: await home() });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /ACCESS_TOKEN has characters outside RFC 6749's VSCHAR/);
});

/** login --cache against rogue-op: the tokens `token --grant refresh_token` finds in the cache. */
async function loggedIn(op: RogueOp, env: Record<string, string>): Promise<void> {
  // Core 11: serve gives a refresh token for offline_access.
  const session = startCli(loginArgs(op, '--no-browser', '--cache', '--scope', 'openid profile email offline_access'), {
    env: { ...env, OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
  });
  const url = await session.urlLine(`${op.issuer}/authorize`);
  assert.ok(url, session.stderr());
  await deliverAuthorizationResponse(url);
  assert.equal((await session.done).code, 0);
}

test('after login --cache: exec-credential gives the ID token with its exp from the cache; env gives both tokens', {
  timeout: 60_000,
}, async () => {
  const op = await startRogueOp();
  try {
    const env = { ...(await home()), OIDC_PROBE_CLIENT_SECRET: op.clientSecret };
    await loggedIn(op, env);
    const calls = op.calls.token;
    const args = ['token', '--grant', 'refresh_token', '--issuer', op.issuer, '--client-id', op.clientId];
    const r = await runCli([...args, '--output', 'exec-credential'], { env });
    assert.equal(r.code, 0, r.stderr);
    const credential = JSON.parse(r.stdout) as Credential;
    const [, payload] = credential.status.token.split('.');
    const { exp, aud } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number; aud: string };
    assert.equal(aud, op.clientId, 'the ID token, for the API server to verify');
    assert.equal(credential.status.expirationTimestamp, new Date(exp * 1000).toISOString().replace('.000Z', 'Z'));
    assert.equal(op.calls.token, calls, 'from the cache');
    const lines = (await runCli([...args, '--output', 'env'], { env })).stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split('=')[0]),
      ['ACCESS_TOKEN', 'ID_TOKEN'],
    );
    assert.equal(lines[1], `ID_TOKEN=${credential.status.token}`);

    // An ID token with less than --min-ttl left is refreshed, even though the access token would do.
    const dir = join(env.XDG_CACHE_HOME, 'oidc-probe', 'tokens');
    const file = join(dir, (await readdir(dir)).find((f) => f.endsWith('.json'))!);
    const entry = JSON.parse(await readFile(file, 'utf8')) as { expires_at: number };
    entry.expires_at = Math.floor(Date.now() / 1000) + 86_400;
    await writeFile(file, JSON.stringify(entry), { mode: 0o600 });
    const again = await runCli([...args, '--output', 'exec-credential', '--min-ttl', '900', '--json'], { env });
    assert.equal(again.code, 2, 'json contradicts');
    const refreshed = await runCli([...args, '--output', 'exec-credential', '--min-ttl', '900'], { env });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(op.calls.token, calls + 1, 'refreshed for the ID token');
    assert.notEqual((JSON.parse(refreshed.stdout) as Credential).status.token, credential.status.token);
  } finally {
    await op.close();
  }
});

test('the formats on their own: ID token first, RFC 3339 without fractions; assignments in order', () => {
  assert.deepEqual(execCredential({ accessToken: 'a', accessTokenExpiresAt: 1_700_000_000.7 }).status, {
    token: 'a',
    expirationTimestamp: '2023-11-14T22:13:20Z',
  });
  assert.deepEqual(envAssignments({ ACCESS_TOKEN: 'a', ID_TOKEN: undefined }), { text: 'ACCESS_TOKEN=a' });
  assert.deepEqual(envAssignments({ ACCESS_TOKEN: 'a\u00e9' }), {
    refused: "ACCESS_TOKEN has characters outside RFC 6749's VSCHAR (a token never has): not printed",
  });
});
