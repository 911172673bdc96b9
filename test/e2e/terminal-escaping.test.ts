// Hostile text from a token, a discovery document, a JWKS, a token endpoint, a device
// authorization response and a WWW-Authenticate header, through the built binary: the raw bytes
// on stdout and stderr hold no terminal control, bidi or invisible character; --json keeps every
// value exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { metadataFor, startDocServer, type DocServer } from '../helpers/doc-server.js';
import { assertNoRawControls, HOSTILE_TEXT as H } from '../helpers/terminal.js';

interface ByteRun {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** The binary as a user runs it, its output kept as bytes. */
async function run(args: string[], extraEnv: Record<string, string> = {}): Promise<ByteRun> {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-escaping-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    CI: 'true',
    ...extraEnv,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, stdio: 'pipe' });
  child.stdin.end();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}

function assertClean(r: ByteRun, what: string): void {
  assertNoRawControls(r.stdout, `${what}: stdout`);
  assertNoRawControls(r.stderr, `${what}: stderr`);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const header = { alg: 'RS256', kid: H, typ: 'JWT' };
const claims = { iss: `https://op.test/${H}`, sub: H, [`name${H}`]: H, groups: [H, H], nested: { [H]: { deep: H } } };
const token = `${b64(header)}.${b64(claims)}.c2ln`;

let server: DocServer;
let deviceAnswer: Record<string, unknown> = {};
before(async () => {
  server = await startDocServer((base) => ({
    '/.well-known/openid-configuration': {
      body: metadataFor(base, {
        service_documentation: `${base}/${H}`,
        op_policy_uri: H,
        device_authorization_endpoint: `${base}/device`,
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        mtls_endpoint_aliases: { [H]: H },
      }),
    },
    '/jwks': { body: { keys: [{ kty: 'RSA', kid: H, use: H, alg: H, n: H, e: 'AQAB' }] } },
    '/token': {
      status: 400,
      body: { error: `invalid_client${H}`, error_description: H, error_uri: `https://op.test/${H}` },
    },
    '/device': (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(deviceAnswer));
    },
    '/userinfo': (_req, res) => {
      // obs-text (RFC 9110 §5.5): bytes 0x80-0xFF are allowed in a field value and read as Latin-1,
      // so 0x9B arrives as U+009B, a one-byte CSI for terminals that read C1 controls.
      res
        .writeHead(401, {
          'www-authenticate': 'Bearer error="invalid_token", error_description="\x9b2J\x9b31mgone\x85"',
        })
        .end();
    },
  }));
});
after(() => server.close());

test('decode: a token with controls in its header, claim names and values', async () => {
  const human = await run(['decode', token]);
  assert.equal(human.code, 0, human.stderr.toString());
  assertClean(human, 'decode');
  assert.match(human.stdout.toString(), /\\x1b\[2J\\x1b\]0;pwned\\x07x\\r/);
  const json = await run(['decode', token, '--json']);
  const parsed = JSON.parse(json.stdout.toString('utf8'));
  assert.deepEqual(parsed.payload, claims, '--json keeps every value exactly');
  assert.equal(parsed.header.kid, H);
});

test('verify: the decoded claims and the check messages', async () => {
  const r = await run(['verify', token, '--issuer', 'https://op.test', '--secret', 'not-the-key']);
  assert.equal(r.code === 1 || r.code === 2, true, r.stderr.toString());
  assertClean(r, 'verify');
});

test('discover: metadata, endpoints, aliases, a broken key with a hostile kid', async () => {
  const human = await run(['discover', server.base]);
  assertClean(human, 'discover');
  assert.match(human.stdout.toString(), /\\u202e/);
  const json = await run(['discover', server.base, '--json']);
  const parsed = JSON.parse(json.stdout.toString('utf8'));
  assert.equal(parsed.metadata.op_policy_uri, H, '--json keeps every value exactly');
  assert.equal(parsed.jwks.keys[0].kid, H);
});

test('a token endpoint error: error, error_description and error_uri on stderr', async () => {
  const args = ['token', '--grant', 'client_credentials', '--issuer', server.base, '--client-id', 'c', '--no-cache'];
  const env = { OIDC_PROBE_CLIENT_SECRET: 's3cr3t' };
  const human = await run(args, env);
  assert.equal(human.code, 4, human.stderr.toString());
  assertClean(human, 'token error');
  assert.match(human.stderr.toString(), /error_uri: https:\/\/op\.test\/\\x1b/);
  const json = await run([...args, '--json'], env);
  assert.equal(json.code, 4);
  assertClean({ ...json, stdout: Buffer.alloc(0) }, 'token error --json (stderr)');
  const error = JSON.parse(json.stdout.toString('utf8')).error;
  assert.equal(error.error_description, H, '--json keeps the description exactly');
  assert.equal(error.error_uri, `https://op.test/${H}`);
});

test('the device flow: user_code and verification URI as the provider sent them, then its error', async () => {
  deviceAnswer = {
    device_code: 'dc',
    user_code: `AB${H}CD`,
    verification_uri: `http://127.0.0.1/${H}`,
    verification_uri_complete: `http://127.0.0.1/${H}?c=1`,
    expires_in: 30,
    interval: 1,
  };
  const r = await run(['token', '--grant', 'device_code', '--issuer', server.base, '--client-id', 'c', '--no-cache'], {
    OIDC_PROBE_CLIENT_SECRET: 's3cr3t',
  });
  assert.equal(r.code, 4, r.stderr.toString());
  assertClean(r, 'device flow');
  assert.match(r.stderr.toString(), /enter the code AB\\x1b\[2J/);
});

test('userinfo: a WWW-Authenticate challenge with C1 controls as obs-text', async () => {
  const r = await run(['userinfo', 'at-123', '--endpoint', `${server.base}/userinfo`]);
  assert.equal(r.code, 4, r.stderr.toString());
  assertClean(r, 'userinfo');
  assert.match(r.stderr.toString(), /\\x9b2J\\x9b31mgone\\x85/);
});
