import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, EncryptJWT, exportJWK, generateKeyPair, generateSecret, type JWK } from 'jose';
import { ProtocolInputError } from '../../src/protocol/input-error.js';
import {
  checkJweAlg,
  clientSecretDecryptionKey,
  decryptionCandidates,
  decryptJwe,
  jweKeyMismatch,
  validateEncryptedJwt,
  type DecryptionKey,
} from '../../src/protocol/jwe.js';
import type { KeySource } from '../../src/protocol/jws-signature.js';
import { makeKey, mintIdToken, type TestKey } from '../helpers/tokens.js';

let rsaEnc: { privateJwk: JWK; publicJwk: JWK };
let ecEnc: { privateJwk: JWK; publicJwk: JWK };
let signer: TestKey;
let opKeys: KeySource;

async function encKeyPair(alg: string, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, use: 'enc' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'enc' },
  };
}

before(async () => {
  rsaEnc = await encKeyPair('RSA-OAEP-256', 'rsa-enc');
  ecEnc = await encKeyPair('ECDH-ES', 'ec-enc');
  signer = await makeKey('RS256', 'op-sig');
  opKeys = { kind: 'jwks', jwks: { keys: [signer.publicJwk] }, origin: 'op jwks', remote: false };
});

/** A nested JWT as Core 10.2 has it: signed by the provider, then encrypted to the client. */
async function nested(inner: string, to: JWK, alg: string, enc = 'A256GCM', extra: Record<string, unknown> = {}) {
  const { importJWK } = await import('jose');
  return new CompactEncrypt(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg, enc, cty: 'JWT', ...(to.kid ? { kid: to.kid } : {}), ...extra })
    .encrypt(await importJWK(to, alg));
}

const rsaKey = (): DecryptionKey => ({ jwk: rsaEnc.privateJwk, origin: 'rsa.pem' });
const ecKey = (): DecryptionKey => ({ jwk: ecEnc.privateJwk, origin: 'ec.jwk' });

test('a signed-then-encrypted ID token is decrypted and then verified like any other', async () => {
  const token = await nested(await mintIdToken(signer), rsaEnc.publicJwk, 'RSA-OAEP-256');
  const v = await validateEncryptedJwt(token, [ecKey(), rsaKey()], opKeys, {
    issuer: 'https://op.test',
    audience: ['client-1'],
    nonce: 'nonce-1',
    type: 'id_token',
  });
  assert.equal(v.valid, true, JSON.stringify(v.checks.filter((c) => c.status === 'fail')));
  const row = (id: string) => v.checks.find((c) => c.id === id);
  assert.equal(row('jwe.alg')?.status, 'pass');
  assert.match(row('jwe.alg')!.message, /RSA-OAEP-256, enc A256GCM; fits the key from rsa\.pem/);
  assert.equal(row('jwe.decrypt')?.status, 'pass');
  assert.equal(row('signature')?.status, 'pass');
  assert.equal(row('nonce')?.status, 'pass');
  assert.equal(v.payload.sub, 'alice');
  assert.equal(v.jweHeader.alg, 'RSA-OAEP-256');
  assert.equal(v.header.alg, 'RS256');
});

test('an ECDH-ES encrypted token is opened with the EC key', async () => {
  const token = await nested(await mintIdToken(signer), ecEnc.publicJwk, 'ECDH-ES', 'A128CBC-HS256');
  const out = await decryptJwe(token, [rsaKey(), ecKey()]);
  assert.equal(out.checks.find((c) => c.id === 'jwe.decrypt')?.status, 'pass');
  assert.equal(out.key?.origin, 'ec.jwk');
});

test('a tampered inner signature still fails after a clean decryption', async () => {
  const good = await mintIdToken(signer);
  const [h, p, s] = good.split('.');
  const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
  const v = await validateEncryptedJwt(
    await nested(tampered, rsaEnc.publicJwk, 'RSA-OAEP-256'),
    [rsaKey()],
    opKeys,
    {},
  );
  assert.equal(v.checks.find((c) => c.id === 'jwe.decrypt')?.status, 'pass');
  assert.equal(v.checks.find((c) => c.id === 'signature')?.status, 'fail');
  assert.equal(v.valid, false);
  assert.equal(v.payload.sub, 'alice', 'the decoded claims are still shown');
});

test('a key of the right type that is not the recipient fails jwe.decrypt as a row', async () => {
  const stranger = await encKeyPair('RSA-OAEP-256', 'rsa-enc');
  const token = await nested(await mintIdToken(signer), rsaEnc.publicJwk, 'RSA-OAEP-256');
  const out = await decryptJwe(token, [{ jwk: stranger.privateJwk, origin: 'other.pem' }]);
  const row = out.checks.find((c) => c.id === 'jwe.decrypt')!;
  assert.equal(row.status, 'fail');
  assert.match(row.message, /encrypted to another key or altered/);
  assert.equal(out.plaintext, undefined);
});

test('a key that does not fit the alg is bad input with one sentence naming the key', async () => {
  const token = await nested(await mintIdToken(signer), rsaEnc.publicJwk, 'RSA-OAEP-256');
  await assert.rejects(decryptJwe(token, [ecKey()]), (err: unknown) => {
    assert.ok(err instanceof ProtocolInputError);
    assert.equal(err.code, 'decryption_key_mismatch');
    assert.match(err.message, /no decryption key fits this JWE \(alg RSA-OAEP-256, enc A256GCM\)/);
    assert.match(
      err.message,
      /ec\.jwk \(kid "ec-enc"\) is an EC P-256 private key, but RSA-OAEP-256 needs an RSA private key/,
    );
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
});

test('a key with the wrong length for dir + enc does not fit', async () => {
  const k16 = await exportJWK(await generateSecret('A128GCM', { extractable: true }));
  const k32 = await exportJWK(await generateSecret('A256GCM', { extractable: true }));
  assert.equal(jweKeyMismatch('dir', 'A128GCM', k16), undefined);
  assert.match(jweKeyMismatch('dir', 'A256GCM', k16)!, /needs a 256-bit key/);
  assert.equal(jweKeyMismatch('dir', 'A128CBC-HS256', k32), undefined);
  assert.match(jweKeyMismatch('A128KW', 'A128GCM', k32)!, /needs a 128-bit key/);
  assert.match(jweKeyMismatch('RSA-OAEP', 'A128GCM', rsaEnc.publicJwk)!, /public key/);
  assert.match(jweKeyMismatch('RSA-OAEP', 'A128GCM', { ...rsaEnc.privateJwk, use: 'sig' })!, /"use" is "sig"/);
  assert.match(jweKeyMismatch('RSA-OAEP', 'A128GCM', { ...rsaEnc.privateJwk, alg: 'RSA-OAEP-256' })!, /meant for/);
});

test('the key whose kid the header names is tried first', () => {
  const a = { jwk: { ...rsaEnc.privateJwk, kid: 'a' }, origin: 'a' };
  const b = { jwk: { ...rsaEnc.privateJwk, kid: 'b' }, origin: 'b' };
  const order = decryptionCandidates({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'b' }, [a, b]);
  assert.deepEqual(
    order.map((k) => k.origin),
    ['b', 'a'],
  );
});

test('jwe.alg refuses PBES2, unknown algs and a missing enc, and honours an allow-list', () => {
  assert.equal(checkJweAlg({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).status, 'pass');
  assert.match(checkJweAlg({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' }).message, /password-based/);
  assert.equal(checkJweAlg({ alg: 'RSA1_5', enc: 'A128GCM' }).status, 'fail');
  assert.equal(checkJweAlg({ alg: 'none', enc: 'A128GCM' }).status, 'fail');
  assert.match(checkJweAlg({ alg: 'RSA-OAEP' }).message, /no enc/);
  assert.equal(checkJweAlg({ alg: 'RSA-OAEP', enc: 'A999GCM' }).status, 'fail');
  assert.equal(checkJweAlg({ alg: 'RSA-OAEP', enc: 'A128GCM' }, ['RSA-OAEP-256']).status, 'fail');
});

test('a refused alg skips decryption rather than trying any key', async () => {
  const jwe = await new CompactEncrypt(new TextEncoder().encode('x'))
    .setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' })
    .encrypt(new TextEncoder().encode('password'));
  const out = await decryptJwe(jwe, [rsaKey()]);
  assert.deepEqual(
    out.checks.map((c) => [c.id, c.status]),
    [
      ['jwe.alg', 'fail'],
      ['jwe.decrypt', 'skip'],
    ],
  );
});

test('without a decryption key jwe.decrypt is skipped and nothing is read', async () => {
  const token = await nested(await mintIdToken(signer), rsaEnc.publicJwk, 'RSA-OAEP-256');
  const out = await decryptJwe(token, []);
  assert.equal(out.checks.find((c) => c.id === 'jwe.decrypt')?.status, 'skip');
  assert.equal(out.plaintext, undefined);
});

test('an encrypted but unsigned claims set fails the signature row and still shows its claims', async () => {
  const { importJWK } = await import('jose');
  const token = await new EncryptJWT({ sub: 'bob', iss: 'https://op.test' })
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
    .encrypt(await importJWK(rsaEnc.publicJwk, 'RSA-OAEP-256'));
  const v = await validateEncryptedJwt(token, [rsaKey()], opKeys, {});
  assert.equal(v.valid, false);
  const sig = v.checks.find((c) => c.id === 'signature')!;
  assert.equal(sig.status, 'fail');
  assert.match(sig.message, /not a signed JWT/);
  assert.equal(v.payload.sub, 'bob');
});

test('Core 10.2: a key derived from the client secret decrypts a token encrypted with it', async () => {
  const secret = 'a-client-secret-of-some-length-1234567890';
  for (const [alg, enc] of [
    ['A128KW', 'A128GCM'],
    ['A256KW', 'A256CBC-HS512'],
    ['dir', 'A256CBC-HS512'],
    ['dir', 'A128GCM'],
  ] as const) {
    const key = clientSecretDecryptionKey(secret, alg, enc)!;
    const { importJWK } = await import('jose');
    const token = await new CompactEncrypt(new TextEncoder().encode(await mintIdToken(signer)))
      .setProtectedHeader({ alg, enc, cty: 'JWT' })
      .encrypt(await importJWK(key.jwk, alg));
    const out = await decryptJwe(token, [key]);
    assert.equal(out.checks.find((c) => c.id === 'jwe.decrypt')?.status, 'pass', `${alg} ${enc}`);
  }
  assert.equal(clientSecretDecryptionKey(secret, 'RSA-OAEP', 'A128GCM'), undefined);
});
