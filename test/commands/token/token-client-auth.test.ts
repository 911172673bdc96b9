// Each client authentication method against a real oidc-provider (client_credentials grant).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLIENT_SECRET, startDemoProvider, type DemoProvider } from '../../../demo/provider.js';
import { runCli } from '../../helpers/cli.js';

let op: DemoProvider;
const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-auth-'));
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFile = join(dir, 'client.pem');
writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
const otherKeyFile = join(dir, 'other.pem');
writeFileSync(
  otherKeyFile,
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
);

const machine = (id: string, method: string, extra: Record<string, unknown> = {}) => ({
  client_id: id,
  token_endpoint_auth_method: method,
  redirect_uris: [],
  response_types: [],
  grant_types: ['client_credentials'],
  ...extra,
});

before(async () => {
  op = await startDemoProvider({
    extraClients: [
      machine('m-post', 'client_secret_post', { client_secret: DEMO_CLIENT_SECRET }),
      machine('m-jwt', 'client_secret_jwt', { client_secret: DEMO_CLIENT_SECRET }),
      machine('m-pkjwt', 'private_key_jwt', {
        jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'client-key', alg: 'ES256', use: 'sig' }] },
        token_endpoint_auth_signing_alg: 'ES256',
      }),
    ],
  });
});
after(async () => {
  await op.close();
});

const run = (clientId: string, ...extra: string[]) =>
  runCli(['token', '--issuer', op.issuer, '--client-id', clientId, '--no-cache', '--output', 'json', ...extra], {
    env: { OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET },
  });

for (const [clientId, method, extra] of [
  ['m-post', 'client_secret_post', []],
  ['m-jwt', 'client_secret_jwt', []],
  ['m-pkjwt', 'private_key_jwt', ['--private-key', keyFile]],
] as const) {
  test(`${method} is accepted by oidc-provider`, async () => {
    const r = await run(clientId, '--auth-method', method, ...extra);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.auth_method, method);
    assert.equal(typeof doc.access_token, 'string');
  });
}

test('private_key_jwt with the wrong key is invalid_client (exit 4) with a hint', async () => {
  const r = await run('m-pkjwt', '--auth-method', 'private_key_jwt', '--private-key', otherKeyFile);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /invalid_client/);
  assert.match(r.stderr, /client authentication was private_key_jwt/);
});

test('a private key that does not fit the alg is a usage error (exit 2)', async () => {
  const r = await run(
    'm-pkjwt',
    '--auth-method',
    'private_key_jwt',
    '--private-key',
    keyFile,
    '--signing-alg',
    'RS256',
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /does not fit RS256/);
});
