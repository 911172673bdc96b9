import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mtlsAlias } from '../../src/protocol/mtls.js';

const metadata = {
  token_endpoint: 'https://op/token',
  mtls_endpoint_aliases: { token_endpoint: 'https://mtls.op/token' },
};

test('with a client certificate the mTLS alias is used (RFC 8705 §5)', () => {
  assert.equal(mtlsAlias(metadata, 'token_endpoint', true), 'https://mtls.op/token');
});
test('without one, or without an alias, there is none', () => {
  assert.equal(mtlsAlias(metadata, 'token_endpoint', false), undefined);
  assert.equal(mtlsAlias(metadata, 'userinfo_endpoint', true), undefined);
});
