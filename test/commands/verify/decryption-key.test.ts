// `decode --decryption-key` and `verify --decryption-key`: encrypted (nested) JWTs, as a user runs
// the built binary. Keys and tokens are minted here with jose and node:crypto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactEncrypt } from 'jose';
import { ANSI, runCli } from '../../helpers/cli.js';
import { makeKey, mintIdToken, type TestKey } from '../../helpers/tokens.js';

let dir: string;
let env: Record<string, string>;
let signer: TestKey;
let recipient: { publicKey: KeyObject; privateKey: KeyObject };
let keyPem: string;
let jwksFile: string;
let nestedToken: string;

const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function encrypt(inner: string, to: KeyObject): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
    .encrypt(to);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-probe-decryption-'));
  env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
  signer = await makeKey('RS256', 'op-1');
  recipient = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyPem = file('client-enc.pem', recipient.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  jwksFile = file('op-jwks.json', JSON.stringify({ keys: [signer.publicJwk] }));
  nestedToken = await encrypt(await mintIdToken(signer), recipient.publicKey);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  id: string;
  status: string;
  message: string;
}

test('decode --decryption-key opens a nested JWT and decodes what is inside, unverified', async () => {
  const r = await runCli(['decode', '--json', '--decryption-key', keyPem, nestedToken], { env });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    format: string;
    checks: Row[];
    valid: boolean;
    nested: { payload: Record<string, unknown>; signature_verified: boolean };
  };
  assert.equal(doc.format, 'JWE');
  assert.deepEqual(
    doc.checks.map((c) => [c.id, c.status]),
    [
      ['jwe.alg', 'pass'],
      ['jwe.decrypt', 'pass'],
    ],
  );
  assert.equal(doc.valid, true);
  assert.equal(doc.nested.payload.sub, 'alice');
  assert.equal(doc.nested.signature_verified, false);
  const human = await runCli(['decode', '--decryption-key', keyPem, nestedToken], { env });
  assert.equal(human.code, 0);
  assert.match(human.stdout, /jwe\.decrypt/);
  assert.match(human.stdout, /decrypted content, not verified/);
  assert.match(human.stdout, /alice/);
  assert.doesNotMatch(human.stdout, ANSI);
});

test('decode with a key of the right type that is not the recipient: jwe.decrypt fails, exit 1', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wrong = file('other.pem', other.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  const r = await runCli(['decode', '--json', '--decryption-key', wrong, nestedToken], { env });
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { checks: Row[]; valid: boolean; nested?: unknown };
  assert.equal(doc.checks.find((c) => c.id === 'jwe.decrypt')?.status, 'fail');
  assert.equal(doc.valid, false);
  assert.equal(doc.nested, undefined);
});

test('a decryption key that does not fit the JWE alg is exit 2 with one sentence', async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecPem = file('ec.pem', ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  for (const command of ['decode', 'verify']) {
    const extra = command === 'verify' ? ['--jwks', jwksFile] : [];
    const r = await runCli([command, ...extra, '--decryption-key', ecPem, nestedToken], { env });
    assert.equal(r.code, 2, `${command}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: no decryption key fits this JWE \(alg RSA-OAEP-256, enc A256GCM\): /);
    assert.match(r.stderr, /is an EC P-256 private key, but RSA-OAEP-256 needs an RSA private key/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a public key given as the decryption key is exit 2', async () => {
  const pub = file('pub.pem', recipient.publicKey.export({ format: 'pem', type: 'spki' }) as string);
  const r = await runCli(['decode', '--decryption-key', pub, nestedToken], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is a public key or certificate; decryption needs the private key/);
});

test('verify --decryption-key decrypts, then runs every check of the inner ID token', async () => {
  const args = ['verify', '--json', '--decryption-key', keyPem, '--jwks', jwksFile];
  const expect = ['--issuer', 'https://op.test', '--audience', 'client-1', '--nonce', 'nonce-1', '--type', 'id_token'];
  const r = await runCli([...args, ...expect, nestedToken], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const doc = JSON.parse(r.stdout) as {
    valid: boolean;
    jwe_header: Record<string, unknown>;
    header: Record<string, unknown>;
    payload: Record<string, unknown>;
    checks: Row[];
  };
  assert.equal(doc.valid, true);
  assert.equal(doc.jwe_header.alg, 'RSA-OAEP-256');
  assert.equal(doc.header.kid, 'op-1');
  assert.equal(doc.payload.sub, 'alice');
  for (const id of ['jwe.alg', 'jwe.decrypt', 'signature', 'iss', 'aud', 'nonce'])
    assert.equal(doc.checks.find((c) => c.id === id)?.status, 'pass', id);
});

test('verify of an encrypted token whose inner claims fail exits 1 and still shows the claims', async () => {
  const token = await encrypt(await mintIdToken(signer, { claims: { iss: 'https://evil.test' } }), recipient.publicKey);
  const r = await runCli(
    ['verify', '--json', '--decryption-key', keyPem, '--jwks', jwksFile, '--issuer', 'https://op.test', token],
    { env },
  );
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { checks: Row[]; payload: Record<string, unknown> };
  assert.equal(doc.checks.find((c) => c.id === 'iss')?.status, 'fail');
  assert.equal(doc.payload.iss, 'https://evil.test');
});

test('verify of a JWE without --decryption-key is exit 2 and says how to decrypt it', async () => {
  const r = await runCli(['verify', '--jwks', jwksFile, nestedToken], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /encrypted JWT \(JWE, 5 segments\)/);
  assert.match(r.stderr, /hint: pass --decryption-key/);
});
