// A secret typed on the command line (visible in ps and shell history) gets a one-line warning on
// stderr; the same secret from the environment, a file or a profile does not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { runCli } from '../helpers/cli.js';
import { startDocServer, type DocServer } from '../helpers/doc-server.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const WARNING = /^warning: --(client-)?secret on the command line is visible to other users in ps/m;

let srv: DocServer;
let home: string;
let env: Record<string, string>;
let token: string;
/** The Authorization header of each introspection request. */
const authorizations: (string | undefined)[] = [];

before(async () => {
  srv = await startDocServer(() => ({
    '/introspect': (req, res) => {
      authorizations.push(req.headers.authorization);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"active":true,"sub":"alice"}');
    },
  }));
  home = await mkdtemp(join(tmpdir(), 'oidc-probe-secrets-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
  token = await new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
});
after(async () => {
  await srv?.close();
  await rm(home, { recursive: true, force: true });
});

test('verify --secret warns once on stderr; --json stays one document; --secret-file does not warn', async () => {
  const typed = await runCli(['--json', 'verify', token, '--secret', SECRET], { env });
  assert.equal(typed.code, 0, typed.stderr);
  assert.match(typed.stderr, WARNING);
  assert.match(typed.stderr, /use --secret-file instead/);
  assert.equal(typed.stderr.match(/warning:/g)?.length, 1);
  assert.ok(!typed.stderr.includes(SECRET), 'the warning does not repeat the secret');
  assert.equal((JSON.parse(typed.stdout) as { valid: boolean }).valid, true);

  const file = join(home, 'secret');
  await writeFile(file, SECRET, { mode: 0o600 });
  const fromFile = await runCli(['verify', token, '--secret-file', file], { env });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.doesNotMatch(fromFile.stderr, WARNING);
});

test('--client-secret warns; the same secret from the environment or a profile does not', async () => {
  const introspect = ['introspect', 'a-token', '--endpoint', `${srv.base}/introspect`, '--client-id', 'c'];
  const typed = await runCli([...introspect, '--client-secret', 's3cret'], { env });
  assert.equal(typed.code, 0, typed.stderr);
  assert.match(typed.stderr, WARNING);
  assert.match(typed.stderr, /use OIDC_PROBE_CLIENT_SECRET or --client-secret-file instead/);

  const fromEnv = await runCli(introspect, { env: { ...env, OIDC_PROBE_CLIENT_SECRET: 's3cret' } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.doesNotMatch(fromEnv.stderr, /warning:/);

  const config = join(home, 'config.json');
  await writeFile(config, JSON.stringify({ profiles: { ci: { client_secret: 's3cret' } } }), { mode: 0o600 });
  const fromProfile = await runCli([...introspect, '--config', config, '--profile', 'ci'], { env });
  assert.equal(fromProfile.code, 0, fromProfile.stderr);
  assert.doesNotMatch(fromProfile.stderr, /warning:/);
  // The secret reached the provider each time, as client_secret_basic.
  const basic = `Basic ${Buffer.from('c:s3cret').toString('base64')}`;
  assert.deepEqual(authorizations, [basic, basic, basic]);
});
