import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAuthParts, chooseClientAuthMethod, MissingClientSecret } from '../../src/protocol/client-auth.js';

const client = { clientId: 'my client:1', clientSecret: 's3cr3t/+=' };

test('client_secret_basic form-encodes id and secret before joining them (RFC 6749 §2.3.1)', () => {
  const { headers, form } = clientAuthParts('client_secret_basic', client);
  const decoded = Buffer.from(headers.authorization!.replace(/^Basic /, ''), 'base64').toString();
  assert.equal(decoded, 'my+client%3A1:s3cr3t%2F%2B%3D');
  assert.deepEqual(form, {});
});

test('client_secret_post puts id and secret in the form, no header', () => {
  assert.deepEqual(clientAuthParts('client_secret_post', client), {
    headers: {},
    form: { client_id: 'my client:1', client_secret: 's3cr3t/+=' },
  });
});

test('none sends only client_id', () => {
  assert.deepEqual(clientAuthParts('none', { clientId: 'c' }), { headers: {}, form: { client_id: 'c' } });
});

test('tls_client_auth sends client_id in the body; the certificate authenticates (RFC 8705 §2)', () => {
  assert.deepEqual(clientAuthParts('tls_client_auth', { clientId: 'c' }), { headers: {}, form: { client_id: 'c' } });
});

test('a secret method without a secret throws MissingClientSecret naming the method', () => {
  assert.throws(
    () => clientAuthParts('client_secret_basic', { clientId: 'c' }),
    (err: unknown) => err instanceof MissingClientSecret && err.method === 'client_secret_basic',
  );
});

test('an empty secret counts as no secret', () => {
  assert.throws(() => clientAuthParts('client_secret_post', { clientId: 'c', clientSecret: '' }), MissingClientSecret);
});

test('the JWT methods are not built here', () => {
  assert.throws(() => clientAuthParts('private_key_jwt', { clientId: 'c' }), /client assertion builder/);
});

test('the default without a secret is none', () => {
  assert.equal(
    chooseClientAuthMethod({ hasSecret: false, hasPrivateKey: false, supported: ['client_secret_basic'] }),
    'none',
  );
});

test('the default with a secret is client_secret_basic when nothing is advertised (RFC 8414 §2 default)', () => {
  assert.equal(
    chooseClientAuthMethod({ hasSecret: true, hasPrivateKey: false, supported: undefined }),
    'client_secret_basic',
  );
});

test('the default with a secret is client_secret_post when only that is advertised', () => {
  assert.equal(
    chooseClientAuthMethod({
      hasSecret: true,
      hasPrivateKey: false,
      supported: ['private_key_jwt', 'client_secret_post'],
    }),
    'client_secret_post',
  );
});

test('a private key means private_key_jwt when no method is named (RFC 7523 §2.2), with or without a secret', () => {
  assert.equal(chooseClientAuthMethod({ hasSecret: false, hasPrivateKey: true }), 'private_key_jwt');
  assert.equal(
    chooseClientAuthMethod({ hasSecret: true, hasPrivateKey: true, supported: ['client_secret_basic'] }),
    'private_key_jwt',
  );
});

test('a method the user named wins over every default', () => {
  assert.equal(
    chooseClientAuthMethod({ explicit: 'client_secret_post', hasSecret: true, hasPrivateKey: true }),
    'client_secret_post',
  );
});
