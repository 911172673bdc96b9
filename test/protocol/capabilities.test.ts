import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowOf, summarizeCapabilities } from '../../src/protocol/capabilities.js';

const value = (m: Record<string, unknown>, name: string) =>
  summarizeCapabilities(m).find((c) => c.name === name)?.value;

test('response types map to their flows (Core 3)', () => {
  assert.equal(flowOf('code'), 'authorization code');
  assert.equal(flowOf('id_token token'), 'implicit');
  assert.equal(flowOf('code id_token token'), 'hybrid');
  assert.equal(flowOf('none'), 'none');
  assert.equal(flowOf('vendor_thing'), 'other');
});

test('flows are grouped by kind', () => {
  assert.equal(
    value({ response_types_supported: ['code', 'code id_token', 'id_token'] }, 'flows (response types)'),
    'authorization code: code; hybrid: code id_token; implicit: id_token',
  );
});

test('absent fields show the spec defaults and say they are defaults', () => {
  const m = { response_types_supported: ['code'] };
  assert.equal(value(m, 'grant types'), 'authorization code, implicit (default, not advertised)');
  assert.equal(value(m, 'response modes'), 'query, fragment (default, not advertised)');
  assert.equal(value(m, 'client authentication'), 'client_secret_basic (default, not advertised)');
  assert.equal(value(m, 'PKCE'), 'not advertised');
  assert.equal(value(m, 'request objects (RFC 9101)'), 'request no; request_uri yes (default)');
});

test('PAR, DPoP, JARM, request objects and logout variants are read from their fields', () => {
  const m = {
    pushed_authorization_request_endpoint: 'https://op.example.test/par',
    require_pushed_authorization_requests: true,
    dpop_signing_alg_values_supported: ['ES256'],
    response_modes_supported: ['query', 'query.jwt', 'jwt'],
    authorization_signing_alg_values_supported: ['PS256'],
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: ['PS256'],
    require_signed_request_object: true,
    end_session_endpoint: 'https://op.example.test/logout',
    frontchannel_logout_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    code_challenge_methods_supported: ['plain'],
  };
  assert.equal(value(m, 'PAR (RFC 9126)'), 'yes, required');
  assert.equal(value(m, 'DPoP (RFC 9449)'), 'yes (ES256)');
  assert.equal(value(m, 'JARM'), 'yes (query.jwt, jwt) signed with PS256');
  assert.equal(
    value(m, 'request objects (RFC 9101)'),
    'request yes; request_uri no; signed with PS256; signed request objects required',
  );
  assert.equal(value(m, 'logout'), 'RP-initiated, front-channel, back-channel (with sid)');
  assert.equal(value(m, 'PKCE'), 'only plain');
  assert.equal(value({}, 'logout'), 'none advertised');
});
