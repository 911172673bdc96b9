// One test per row of the contract's exit-code table (cli-contract.md "Exit codes"), each run as
// a user would (in process, real local servers), plus the closed set of error codes itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { ERROR_CODES, EXIT } from '../src/errors.js';
import { startDocServer, metadataFor } from './helpers/doc-server.js';
import { runCli } from './helpers/cli.js';
import { startCli } from './helpers/cli-session.js';

const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!');
const hs256 = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);

function errorOf(stdout: string): { code: string; exit: number } {
  return (JSON.parse(stdout) as { error: { code: string; exit: number } }).error;
}

test('every error code maps to one of the contract exit codes 2, 3, 4, 5 or 130', () => {
  const allowed = new Set<number>([EXIT.usage, EXIT.network, EXIT.provider, EXIT.userStep, EXIT.interrupted]);
  for (const [code, exit] of Object.entries(ERROR_CODES)) assert.ok(allowed.has(exit), `${code} → ${exit}`);
});

test('exit 0: done, every check passed', async () => {
  const r = await runCli(['verify', await hs256({ sub: 'a' }), '--secret', new TextDecoder().decode(secret)]);
  assert.equal(r.code, 0, r.stderr);
});

test('exit 1: a check ran and failed (the signature), and the JSON says valid: false', async () => {
  const r = await runCli([
    '--json',
    'verify',
    await hs256({ sub: 'a' }),
    '--secret',
    'another-secret-of-32-bytes-or-more!!',
  ]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { valid: boolean; checks: { id: string; status: string }[] };
  assert.equal(doc.valid, false);
  assert.equal(doc.checks.find((c) => c.id === 'signature')?.status, 'fail');
});

test('exit 2: usage — input that is not a JWT, with its stable code in --json', async () => {
  const r = await runCli(['--json', 'decode', 'not-a-jwt']);
  assert.equal(r.code, 2);
  assert.deepEqual(errorOf(r.stdout), { ...errorOf(r.stdout), code: 'not_a_jwt', exit: 2 });
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
});

test('exit 3: network — connection refused', async () => {
  // Port 9 (discard) has no listener on these machines; a port freed by the test could be taken by another
  // file's server.
  const port = 9;
  const r = await runCli(['--json', 'discover', `http://127.0.0.1:${port}`]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(errorOf(r.stdout).code, 'connection_refused');
});

test('exit 4: the provider answered with an OAuth error, shown with its description', async () => {
  const op = await startDocServer((base) => ({
    '/.well-known/openid-configuration': { body: metadataFor(base) },
    '/token': { status: 401, body: { error: 'invalid_client', error_description: 'unknown client' } },
  }));
  try {
    const r = await runCli(['--json', 'token', '--issuer', op.base, '--client-id', 'c', '--no-cache'], {
      env: { OIDC_PROBE_CLIENT_SECRET: 's' },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.equal(errorOf(r.stdout).code, 'provider_error');
    assert.match(r.stderr, /invalid_client.*unknown client/);
  } finally {
    await op.close();
  }
});

test('exit 5: the user step did not finish — no callback before --timeout', async () => {
  const op = await startDocServer((base) => ({
    '/.well-known/openid-configuration': { body: metadataFor(base) },
    '/jwks': { body: { keys: [] } },
  }));
  try {
    const r = await runCli(
      ['--json', 'login', '--issuer', op.base, '--client-id', 'c', '--no-browser', '--timeout', '1'],
      { env: {} },
    );
    assert.equal(r.code, 5, r.stderr);
    assert.equal(errorOf(r.stdout).code, 'callback_timeout');
  } finally {
    await op.close();
  }
});

test('exit 130: interrupted while waiting for the callback; the listener is closed first', async () => {
  const op = await startDocServer((base) => ({
    '/.well-known/openid-configuration': { body: metadataFor(base) },
    '/jwks': { body: { keys: [] } },
  }));
  try {
    const session = startCli([
      'login',
      '--issuer',
      op.base,
      '--client-id',
      'c',
      '--no-browser',
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
    ]);
    const url = await session.urlLine(`${op.base}/`);
    assert.ok(url, session.stderr());
    const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
    session.kill('SIGINT');
    const r = await session.done;
    assert.equal(r.code, 130);
    assert.match(r.stderr, /interrupted/);
    await assert.rejects(fetch(redirectUri), 'the listener no longer answers');
  } finally {
    await op.close();
  }
});
