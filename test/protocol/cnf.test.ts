import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateKeyPair, SignJWT, EncryptJWT, generateSecret } from 'jose';
import {
  accessTokenContent,
  certificateThumbprint,
  checkAccessTokenCertificateBinding,
  checkCertificateBinding,
} from '../../src/protocol/cnf.js';
import { makeCertifiedKey, type CertifiedKey } from '../helpers/x509.js';

let client: CertifiedKey;
let other: CertifiedKey;

before(() => {
  const now = Math.floor(Date.now() / 1000);
  client = makeCertifiedKey({ cn: 'client-1', notBefore: now - 60, notAfter: now + 3600, kid: 'c' });
  other = makeCertifiedKey({ cn: 'client-2', notBefore: now - 60, notAfter: now + 3600, kid: 'o' });
});

async function accessToken(claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(privateKey);
}

test('the thumbprint is base64url SHA-256 of the certificate DER (RFC 8705 §3.1)', () => {
  assert.equal(
    certificateThumbprint(client.certPem),
    createHash('sha256').update(client.certificate.raw).digest('base64url'),
  );
  assert.notEqual(certificateThumbprint(client.certPem), certificateThumbprint(other.certPem));
});

test('cnf passes when the token is bound to the certificate presented', async () => {
  const tp = certificateThumbprint(client.certPem);
  const row = checkAccessTokenCertificateBinding(await accessToken({ cnf: { 'x5t#S256': tp } }), tp, true);
  assert.equal(row.id, 'cnf');
  assert.equal(row.status, 'pass');
});

test('cnf fails when the token is bound to another certificate', async () => {
  const row = checkAccessTokenCertificateBinding(
    await accessToken({ cnf: { 'x5t#S256': certificateThumbprint(other.certPem) } }),
    certificateThumbprint(client.certPem),
    false,
  );
  assert.equal(row.status, 'fail');
  assert.match(row.message, /another certificate/);
});

test('an unbound token fails when the provider promises bound tokens and warns otherwise', async () => {
  const token = await accessToken({ sub: 'x' });
  const tp = certificateThumbprint(client.certPem);
  assert.equal(checkAccessTokenCertificateBinding(token, tp, true).status, 'fail');
  assert.equal(checkAccessTokenCertificateBinding(token, tp, false).status, 'warn');
});

test('opaque and encrypted tokens are skipped: the client cannot read them', async () => {
  assert.equal(checkAccessTokenCertificateBinding('2YotnFZFEjr1zCsicMWpAA', 'tp', true).status, 'skip');
  const jwe = await new EncryptJWT({ cnf: { 'x5t#S256': 'tp' } })
    .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
    .encrypt(await generateSecret('A128GCM'));
  assert.deepEqual(accessTokenContent(jwe), { kind: 'encrypted' });
  assert.equal(checkAccessTokenCertificateBinding(jwe, 'tp', true).status, 'skip');
});

test('an introspection answer shows the binding in its own cnf (RFC 8705 §3.2)', () => {
  const tp = certificateThumbprint(client.certPem);
  const row = checkCertificateBinding({ active: true, cnf: { 'x5t#S256': tp } }, tp, false, 'the introspected token');
  assert.equal(row.status, 'pass');
  assert.match(row.message, /^the introspected token is bound/);
  assert.equal(checkCertificateBinding({ active: true }, tp, true, 'the introspected token').status, 'fail');
});
