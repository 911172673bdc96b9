import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metadataLocations, oauthMetadataUrl, openidConfigurationUrl } from '../../src/io/discovery.js';

test('RFC 8414 §3.1 example: the well-known string goes between the host and the issuer path', () => {
  assert.equal(
    oauthMetadataUrl('https://example.com/issuer1'),
    'https://example.com/.well-known/oauth-authorization-server/issuer1',
  );
  assert.equal(
    oauthMetadataUrl('https://example.com/issuer1/'),
    'https://example.com/.well-known/oauth-authorization-server/issuer1',
  );
  assert.equal(oauthMetadataUrl('https://example.com'), 'https://example.com/.well-known/oauth-authorization-server');
});

test('Discovery §4.1: openid-configuration is appended after the issuer path, a terminating slash removed', () => {
  assert.equal(
    openidConfigurationUrl('https://example.com/issuer1/'),
    'https://example.com/issuer1/.well-known/openid-configuration',
  );
  assert.equal(openidConfigurationUrl('https://example.com'), 'https://example.com/.well-known/openid-configuration');
});

test('an issuer gives the OpenID location first, RFC 8414 second, and is expected exactly as typed', () => {
  const { expectedIssuer, locations } = metadataLocations('https://login.example.test/tenant/');
  assert.equal(expectedIssuer, 'https://login.example.test/tenant/');
  assert.deepEqual(locations, [
    { url: 'https://login.example.test/tenant/.well-known/openid-configuration', source: 'openid-configuration' },
    {
      url: 'https://login.example.test/.well-known/oauth-authorization-server/tenant',
      source: 'oauth-authorization-server',
    },
  ]);
});

test('a full openid-configuration URL is asked alone; the issuer is what precedes the suffix', () => {
  const { expectedIssuer, locations } = metadataLocations(
    'https://login.example.test/tenant/.well-known/openid-configuration',
  );
  assert.equal(expectedIssuer, 'https://login.example.test/tenant');
  assert.deepEqual(
    locations.map((l) => l.source),
    ['openid-configuration'],
  );
});

test('a full RFC 8414 URL is asked alone; the issuer is the host plus what follows the well-known string', () => {
  const withPath = metadataLocations('https://login.example.test/.well-known/oauth-authorization-server/tenant');
  assert.equal(withPath.expectedIssuer, 'https://login.example.test/tenant');
  assert.deepEqual(withPath.locations, [
    {
      url: 'https://login.example.test/.well-known/oauth-authorization-server/tenant',
      source: 'oauth-authorization-server',
    },
  ]);
  assert.equal(
    metadataLocations('https://login.example.test/.well-known/oauth-authorization-server').expectedIssuer,
    'https://login.example.test',
  );
});

test('a full openid-configuration URL with a trailing slash is asked alone, as it is, naming the standard URL', () => {
  const { expectedIssuer, locations } = metadataLocations(
    'https://login.example.test/tenant/.well-known/openid-configuration/',
  );
  assert.equal(expectedIssuer, 'https://login.example.test/tenant');
  assert.deepEqual(locations, [
    {
      url: 'https://login.example.test/tenant/.well-known/openid-configuration/',
      source: 'openid-configuration',
      standardUrl: 'https://login.example.test/tenant/.well-known/openid-configuration',
    },
  ]);
});
