// `userinfo --dpop-key` and `userinfo --decryption-key` (and `revoke --dpop-key`) end to end against
// a real oidc-provider that demands DPoP nonces and encrypts userinfo: the tokens come from a real
// `login` through the provider's forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { runInProcess } from '../../helpers/in-process.js';
import { loginThroughForms } from '../../helpers/login-through-forms.js';
import { startOidcProvider, type RunningOidcProvider } from '../../providers/oidc-provider.js';

const SECRET = 'advanced-userinfo-secret-for-loopback-only';
const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-userinfo-advanced-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

let op: RunningOidcProvider;
let encKeyFile: string;
let dpopKeyFile: string;

const client = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_secret: SECRET,
  application_type: 'native',
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: ['http://127.0.0.1/callback'],
  ...extra,
});

before(async () => {
  const enc = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  encKeyFile = file('client-enc.json', { ...(await exportJWK(enc.privateKey)), kid: 'client-enc' });
  const encPublic = { ...(await exportJWK(enc.publicKey)), kid: 'client-enc', use: 'enc', alg: 'RSA-OAEP-256' };
  dpopKeyFile = file('dpop.json', await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
  op = await startOidcProvider({
    clients: [
      client('dpop-client'),
      client('enc-client', {
        userinfo_signed_response_alg: 'RS256',
        userinfo_encrypted_response_alg: 'RSA-OAEP-256',
        userinfo_encrypted_response_enc: 'A256GCM',
        jwks: { keys: [encPublic] },
      }),
    ],
    features: { revocation: { enabled: true } },
    advanced: { dpopNonce: true, encryption: true },
  });
});
after(async () => {
  await op?.close();
});

interface Row {
  id: string;
  status: string;
}

async function accessToken(clientId: string, args: string[]): Promise<string> {
  const run = await loginThroughForms(
    [
      '--json',
      '--issuer',
      op.issuer,
      '--client-id',
      clientId,
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--scope',
      'openid profile',
      '--no-userinfo',
      ...args,
    ],
    { env: { OIDC_PROBE_CLIENT_SECRET: SECRET } },
  );
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return (JSON.parse(run.stdout) as { tokens: { access_token: string } }).tokens.access_token;
}

const userinfo = (token: string, args: string[]) =>
  runInProcess(['userinfo', token, '--issuer', op.issuer, '--json', ...args]);

test('--dpop-key: a DPoP-bound token is presented with a proof, and the nonce challenge answered', async () => {
  const token = await accessToken('dpop-client', ['--dpop-key', dpopKeyFile]);
  const ok = await userinfo(token, ['--dpop-key', dpopKeyFile]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  const doc = JSON.parse(ok.stdout) as { claims: { sub: string }; dpop: { jkt: string } };
  assert.equal(doc.claims.sub, 'alice');
  // Without the key the token is refused: it is bound, so a Bearer presentation is worthless.
  const bare = await userinfo(token, []);
  assert.equal(bare.code, 4, bare.stderr);
  const other = file('other.json', await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
  const stolen = await userinfo(token, ['--dpop-key', other]);
  assert.equal(stolen.code, 4, stolen.stderr);
});

test('revoke --dpop-key: the request carries a proof the provider accepts', async () => {
  const token = await accessToken('dpop-client', ['--dpop-key', dpopKeyFile]);
  const r = await runInProcess(
    ['revoke', token, '--issuer', op.issuer, '--client-id', 'dpop-client', '--dpop-key', dpopKeyFile, '--json'],
    { env: { OIDC_PROBE_CLIENT_SECRET: SECRET } },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const after = await userinfo(token, ['--dpop-key', dpopKeyFile]);
  assert.equal(after.code, 4, 'the revoked token no longer works');
});

test('--decryption-key: an encrypted userinfo answer is decrypted, then verified', async () => {
  const token = await accessToken('enc-client', []);
  const ok = await userinfo(token, ['--client-id', 'enc-client', '--decryption-key', encKeyFile]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  const doc = JSON.parse(ok.stdout) as { encrypted: boolean; claims: { sub: string }; checks: Row[] };
  assert.equal(doc.encrypted, true);
  assert.equal(doc.claims.sub, 'alice');
  for (const id of ['jwe.alg', 'jwe.decrypt', 'signature', 'iss', 'aud'])
    assert.equal(doc.checks.find((c) => c.id === id)?.status, 'pass', id);

  const without = await userinfo(token, ['--client-id', 'enc-client']);
  assert.equal(without.code, 1, without.stdout);
  const rows = (JSON.parse(without.stdout) as { checks: Row[] }).checks;
  assert.equal(rows.find((c) => c.id === 'format')?.status, 'fail');

  const ec = file('ec.json', await exportJWK((await generateKeyPair('ECDH-ES', { extractable: true })).privateKey));
  const wrong = await userinfo(token, ['--client-id', 'enc-client', '--decryption-key', ec]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.equal((JSON.parse(wrong.stdout) as { error: { code: string } }).error.code, 'decryption_key_mismatch');
});
