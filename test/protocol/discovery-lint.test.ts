import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIssuerIdentity, lintDiscovery } from '../../src/protocol/discovery-lint.js';
import { discoveryTargets, oauthMetadataUrl } from '../../src/net/discovery.js';

test('RFC 8414 §3.1: the well-known segment goes between host and path', () => {
  assert.equal(oauthMetadataUrl('https://op.example/tenant/1'), 'https://op.example/.well-known/oauth-authorization-server/tenant/1');
  assert.equal(oauthMetadataUrl('https://op.example'), 'https://op.example/.well-known/oauth-authorization-server');
});

test('a full well-known URL names its issuer', () => {
  assert.equal(discoveryTargets('https://op.example/t/.well-known/openid-configuration').expectedIssuer, 'https://op.example/t');
  assert.equal(discoveryTargets('https://op.example/.well-known/oauth-authorization-server/t').expectedIssuer, 'https://op.example/t');
});

test('issuer identity is exact: a trailing slash fails and says so', () => {
  const c = checkIssuerIdentity({ issuer: 'https://op.example/' }, 'https://op.example');
  assert.equal(c.status, 'fail');
  assert.match(c.message, /trailing slash/);
});

test('unknown members are listed, not rejected', () => {
  const rows = lintDiscovery({ issuer: 'https://a', x_vendor_flag: true }, 'https://a');
  const row = rows.find((r) => r.id === 'discovery.unknown_fields')!;
  assert.equal(row.status, 'pass');
  assert.match(row.message, /x_vendor_flag/);
});

test('a code response type without authorization_code in grant_types_supported warns', () => {
  const rows = lintDiscovery({ issuer: 'https://a', response_types_supported: ['code'], grant_types_supported: ['client_credentials'] }, 'https://a');
  assert.equal(rows.find((r) => r.id === 'discovery.grant_types_supported')!.status, 'warn');
});
