// DPoP keys, decryption keys and authorization details read from files the user names: what is
// accepted, and the one sentence (exit 2) for everything else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, generateSecret } from 'jose';
import { UsageError } from '../../src/errors.js';
import { readAuthorizationDetails } from '../../src/io/authorization-details.js';
import { loadDecryptionKeys } from '../../src/io/decryption-keys.js';
import { loadDpopKey } from '../../src/io/dpop-key.js';

let dir: string;
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'oidc-probe-keys-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const isUsage = (code: string, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof UsageError, String(err));
  assert.equal(err.exit, 2);
  assert.equal(err.code, code);
  assert.match(err.message, message);
  assert.doesNotMatch(err.message, /\n/);
  return true;
};

test('a DPoP key from a PEM private key or a private JWK, or a fresh one when no file is named', async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = await loadDpopKey(file('ec.pem', ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string));
  assert.equal(pem.alg, 'ES256');
  const jwk = await loadDpopKey(file('ec.json', JSON.stringify(ec.privateKey.export({ format: 'jwk' }))));
  assert.equal(jwk.thumbprint, pem.thumbprint, 'the same key either way');
  const fresh = await loadDpopKey(undefined);
  assert.notEqual(fresh.thumbprint, pem.thumbprint);
});

test('a DPoP key file that is not an asymmetric private key is a usage error', async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = file('pub.pem', ec.publicKey.export({ format: 'pem', type: 'spki' }) as string);
  await assert.rejects(loadDpopKey(pub), isUsage('bad_dpop_key', /is a public key or certificate/));
  const oct = file('oct.json', JSON.stringify(await exportJWK(await generateSecret('HS256', { extractable: true }))));
  await assert.rejects(loadDpopKey(oct), isUsage('bad_dpop_key', /^--dpop-key .*oct\.json is a symmetric key/));
  const pubJwk = file('pub.json', JSON.stringify(ec.publicKey.export({ format: 'jwk' })));
  await assert.rejects(loadDpopKey(pubJwk), isUsage('bad_dpop_key', /is a public key/));
  await assert.rejects(loadDpopKey(file('junk.txt', 'hello')), isUsage('bad_dpop_key', /neither a PEM file nor a JWK/));
  await assert.rejects(loadDpopKey(join(dir, 'missing.pem')), isUsage('unreadable_file', /no such file/));
});

test('decryption keys: PEM private keys and the private keys of a JWKS, several files at once', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = await generateKeyPair('ECDH-ES', { extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(ec.privateKey)), kid: 'ec-enc' },
      { ...(await exportJWK(ec.publicKey)), kid: 'public-only' },
    ],
  };
  const keys = await loadDecryptionKeys([
    file('rsa.pem', rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string),
    file('keys.json', JSON.stringify(jwks)),
  ]);
  assert.deepEqual(
    keys.map((k) => [k.jwk.kty, k.jwk.kid, k.origin.replace(dir, 'DIR')]),
    [
      ['RSA', undefined, '--decryption-key DIR/rsa.pem'],
      ['EC', 'ec-enc', '--decryption-key DIR/keys.json'],
    ],
  );
});

test('a decryption key file with only public keys, a certificate, or junk is a usage error', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pubPem = file('rsa-pub.pem', rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string);
  await assert.rejects(loadDecryptionKeys([pubPem]), isUsage('bad_decryption_key', /public key or certificate/));
  const pubJwk = file('rsa-pub.json', JSON.stringify(rsa.publicKey.export({ format: 'jwk' })));
  await assert.rejects(loadDecryptionKeys([pubJwk]), isUsage('bad_decryption_key', /only public keys/));
  await assert.rejects(loadDecryptionKeys([file('bad.json', '{"keys": [')]), isUsage('bad_decryption_key', /not JSON/));
});

test('authorization details inline or from @file; bad content is one sentence naming where it came from', async () => {
  const inline = await readAuthorizationDetails('[{"type":"payment_initiation"}]');
  assert.deepEqual(inline, [{ type: 'payment_initiation' }]);
  const path = file('rar.json', '[{"type":"account_information","actions":["read"]}]');
  assert.equal((await readAuthorizationDetails(`@${path}`))[0]!.type, 'account_information');
  await assert.rejects(
    readAuthorizationDetails('{"type":"x"}'),
    isUsage('bad_authorization_details', /^--authorization-details is an object, not a JSON array of objects/),
  );
  await assert.rejects(
    readAuthorizationDetails(`@${file('bad-rar.json', '[{"actions":[]}]')}`),
    isUsage('bad_authorization_details', /bad-rar\.json has an entry 1 without "type"/),
  );
  await assert.rejects(readAuthorizationDetails(`@${join(dir, 'nope.json')}`), isUsage('unreadable_file', /no such/));
});
