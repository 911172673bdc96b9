// Token exchange (RFC 8693) and JWT bearer (RFC 7523) through oidc-provider's grant-type extension
// point: the provider authenticates the client and hands the grant's parameters to a handler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO_CLIENT_SECRET,
  DEMO_EXTENSION_CLIENT,
  startDemoProvider,
  type DemoProvider,
} from '../../../demo/provider.js';
import { runCli } from '../../helpers/cli.js';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const PASSWORD = 'password';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
let op: DemoProvider;
const { privateKey: assertionKey, publicKey: assertionPublic } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFile = join(mkdtempSync(join(tmpdir(), 'oidc-probe-jb-')), 'k.pem');
writeFileSync(keyFile, assertionKey.export({ type: 'pkcs8', format: 'pem' }));
let verified: Record<string, unknown> | undefined;

/** The provider side of RFC 7523 §3: signature, iss, sub, aud (our token endpoint), exp. */
async function assertionFromOurKey(jwt: string): Promise<boolean> {
  const { jwtVerify } = await import('jose');
  try {
    const { payload } = await jwtVerify(jwt, assertionPublic, {
      issuer: DEMO_EXTENSION_CLIENT,
      audience: `${op.issuer}/token`,
    });
    verified = payload;
    return true;
  } catch {
    return false;
  }
}
const seen: Array<Record<string, unknown>> = [];

before(async () => {
  op = await startDemoProvider({
    extraGrants: [
      {
        name: EXCHANGE,
        params: [
          'subject_token',
          'subject_token_type',
          'actor_token',
          'actor_token_type',
          'requested_token_type',
          'audience',
          'resource',
          'scope',
        ],
        handler: async (ctx) => {
          seen.push({ ...ctx.oidc.params, client: ctx.oidc.client.clientId });
          ctx.body = {
            access_token: `exchanged-for-${String(ctx.oidc.params.audience)}`,
            issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            token_type: 'Bearer',
            expires_in: 300,
          };
        },
      },
      {
        // oidc-provider does not implement the legacy password grant; this handler plays it.
        name: PASSWORD,
        params: ['username', 'password', 'scope'],
        handler: async (ctx) => {
          seen.push({ ...ctx.oidc.params, client: ctx.oidc.client.clientId });
          ctx.body =
            ctx.oidc.params.password === 'correct horse'
              ? { access_token: `pw-for-${String(ctx.oidc.params.username)}`, token_type: 'Bearer', expires_in: 300 }
              : undefined;
          if (!ctx.body) {
            ctx.status = 400;
            ctx.body = { error: 'invalid_grant', error_description: 'wrong password' };
          }
        },
      },
      {
        name: JWT_BEARER,
        params: ['assertion', 'scope'],
        handler: async (ctx) => {
          seen.push({ ...ctx.oidc.params, client: ctx.oidc.client.clientId });
          if (
            ctx.oidc.params.assertion !== 'a.b.c' &&
            !(await assertionFromOurKey(String(ctx.oidc.params.assertion)))
          ) {
            ctx.status = 400;
            ctx.body = { error: 'invalid_grant', error_description: 'bad assertion' };
            return;
          }
          ctx.body = { access_token: 'from-assertion', token_type: 'Bearer', expires_in: 300 };
        },
      },
    ],
  });
});
after(async () => {
  await op.close();
});

const env = { OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET, XDG_CACHE_HOME: '/nonexistent-cache-never-written' };
const client = () => ['--issuer', op.issuer, '--client-id', DEMO_EXTENSION_CLIENT, '--no-cache'];

test(
  'token exchange sends subject token, its type, actor token and audience, and prints the issued ' + 'token',
  async () => {
    seen.length = 0;
    const r = await runCli(
      [
        'token',
        '--grant',
        'token_exchange',
        ...client(),
        '--subject-token',
        'subj-123',
        '--actor-token',
        'act-456',
        '--audience',
        'https://api.example',
        '--output',
        'raw',
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'exchanged-for-https://api.example\n');
    assert.equal(seen[0]!.subject_token, 'subj-123');
    assert.equal(seen[0]!.subject_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    assert.equal(seen[0]!.actor_token, 'act-456');
    assert.equal(seen[0]!.client, DEMO_EXTENSION_CLIENT, 'the provider authenticated the client');
  },
);

test('token exchange without --subject-token is a usage error', async () => {
  const r = await runCli(['token', '--grant', 'token_exchange', ...client()], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--subject-token/);
});

test("JWT bearer sends the assertion; a rejected assertion is the provider's invalid_grant (exit 4)", async () => {
  const ok = await runCli(['token', '--grant', 'jwt_bearer', ...client(), '--assertion', 'a.b.c', '--output', 'raw'], {
    env,
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'from-assertion\n');
  const bad = await runCli(['token', '--grant', 'jwt_bearer', ...client(), '--assertion', 'x.y.z'], { env });
  assert.equal(bad.code, 4);
  assert.match(bad.stderr, /invalid_grant.*bad assertion/);
});

test('JWT bearer without --assertion signs one with --private-key (iss = client, aud = token endpoint)', async () => {
  verified = undefined;
  const r = await runCli(
    [
      'token',
      '--grant',
      'jwt_bearer',
      ...client(),
      '--auth-method',
      'client_secret_basic',
      '--private-key',
      keyFile,
      '--assertion-subject',
      'user-42',
      '--output',
      'raw',
    ],
    { env },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'from-assertion\n');
  const got = verified as Record<string, unknown> | undefined;
  assert.equal(got?.sub, 'user-42');
  assert.ok(typeof got?.jti === 'string');
});

test('password grant: sends username and password from a file, warns that the BCP forbids it', async () => {
  seen.length = 0;
  const pw = join(mkdtempSync(join(tmpdir(), 'oidc-probe-pw-')), 'pw');
  writeFileSync(pw, 'correct horse\n');
  const r = await runCli(
    ['token', '--grant', 'password', ...client(), '--username', 'gina', '--password-file', pw, '--output', 'raw'],
    { env },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'pw-for-gina\n');
  assert.match(r.stderr, /Security BCP/);
  assert.ok(!r.stderr.includes('correct horse'), 'the password is not echoed');
  assert.equal(seen[0]!.password, 'correct horse');
});
