// "The provider advertises no such endpoint" is one error in every command: exit 2, code
// endpoint_not_advertised, and a hint naming an option that the command really has. One command
// per kind of endpoint, against a local server whose discovery document lacks that endpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startCli } from '../helpers/cli-session.js';
import { metadataFor, startDocServer, type DocServer } from '../helpers/doc-server.js';

let srv: DocServer;
let home: string;
let env: Record<string, string>;

before(async () => {
  srv = await startDocServer();
  home = await mkdtemp(join(tmpdir(), 'oidc-probe-endpoints-'));
  env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    OIDC_PROBE_CLIENT_SECRET: 'a-client-secret',
  };
});
after(async () => {
  await srv?.close();
  await rm(home, { recursive: true, force: true });
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const JWS = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ sub: 'alice' })}.c2ln`;

interface Case {
  command: string;
  field: string;
  args: (issuer: string) => string[];
  /** The option the hint must name. */
  option: string;
}

const CASES: Case[] = [
  {
    command: 'login',
    field: 'authorization_endpoint',
    args: (i) => [
      'login',
      '--issuer',
      i,
      '--client-id',
      'c',
      '--no-browser',
      '--redirect-uri',
      'http://127.0.0.1:0/cb',
    ],
    option: '--issuer',
  },
  {
    command: 'token',
    field: 'token_endpoint',
    args: (i) => ['token', '--issuer', i, '--client-id', 'c', '--grant', 'client_credentials', '--no-cache'],
    option: '--issuer',
  },
  {
    command: 'token',
    field: 'device_authorization_endpoint',
    args: (i) => ['token', '--issuer', i, '--client-id', 'c', '--grant', 'device_code', '--no-cache'],
    option: '--issuer',
  },
  {
    command: 'userinfo',
    field: 'userinfo_endpoint',
    args: (i) => ['userinfo', 'an-access-token', '--issuer', i],
    option: '--endpoint',
  },
  {
    command: 'introspect',
    field: 'introspection_endpoint',
    args: (i) => ['introspect', 'an-access-token', '--issuer', i, '--client-id', 'c'],
    option: '--endpoint',
  },
  {
    command: 'revoke',
    field: 'revocation_endpoint',
    args: (i) => ['revoke', 'a-refresh-token', '--issuer', i, '--client-id', 'c'],
    option: '--endpoint',
  },
  {
    command: 'logout',
    field: 'end_session_endpoint',
    args: (i) => ['logout', '--issuer', i, '--client-id', 'c', '--no-browser'],
    option: '--endpoint',
  },
  { command: 'verify', field: 'jwks_uri', args: (i) => ['verify', JWS, '--issuer', i], option: '--jwks' },
];

for (const c of CASES) {
  test(`${c.command} without ${c.field}: exit 2, endpoint_not_advertised, a hint naming ${c.option}`, async () => {
    // metadataFor has no device, introspection, revocation or end-session endpoint; the others are removed.
    srv.setRoutes((base) => ({
      '/.well-known/openid-configuration': { body: metadataFor(base, { [c.field]: undefined }) },
    }));
    const run = await runCli(['--json', ...c.args(srv.base)], { env });
    assert.equal(run.code, 2, run.stderr);
    const { error } = JSON.parse(run.stdout) as {
      error: { code: string; message: string; hint: string; exit: number };
    };
    assert.equal(error.code, 'endpoint_not_advertised');
    assert.equal(error.exit, 2);
    assert.equal(error.message, `${srv.base} advertises no ${c.field} in its metadata`);
    const named = `${c.option}(?![\\w-])`;
    assert.match(error.hint, new RegExp(named));
    assert.match(run.stderr, new RegExp(`^error: .*advertises no ${c.field}.*\\nhint: .*${named}`, 's'));
    // The option named is one this command really has.
    const help = await runCli([c.command, '--help'], { env });
    assert.match(help.stdout, new RegExp(`^\\s+${c.option} <`, 'm'), `${c.command} --help lists ${c.option}`);
  });
}

test('logout --endpoint: the end-session endpoint as given, without discovery', { timeout: 60_000 }, async () => {
  srv.setRoutes(() => ({}));
  const before = srv.requests.length;
  const endpoint = `${srv.base}/logout-here`;
  const session = startCli(['--json', 'logout', '--endpoint', endpoint, '--client-id', 'c', '--no-browser'], { env });
  const url = await session.urlLine(`${endpoint}?`);
  assert.ok(url, session.stderr());
  const back = new URL(new URL(url).searchParams.get('post_logout_redirect_uri')!);
  back.searchParams.set('state', new URL(url).searchParams.get('state')!);
  assert.equal((await fetch(back)).status, 200);
  const run = await session.done;
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { end_session_endpoint: string }).end_session_endpoint, endpoint);
  assert.deepEqual(srv.requests.slice(before), [], 'no discovery request');
});
