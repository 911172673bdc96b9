import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIssuer, lintDiscovery, type DiscoveryLintInput } from '../../src/protocol/discovery-lint.js';

const ISSUER = 'https://op.example.test';
const good = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const m: Record<string, unknown> = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete m[k];
    else m[k] = v;
  }
  return m;
};
const lint = (metadata: Record<string, unknown>, extra: Partial<DiscoveryLintInput> = {}) =>
  lintDiscovery({ metadata, expectedIssuer: ISSUER, source: 'openid-configuration', ...extra });
const row = (checks: ReturnType<typeof lint>, id: string) => {
  const r = checks.find((c) => c.id === id);
  assert.ok(r, `no ${id}`);
  return r;
};

test('a complete https document has no failures and no warnings', () => {
  const checks = lint(good());
  assert.deepEqual(
    checks.filter((c) => c.status === 'fail' || c.status === 'warn'),
    [],
  );
});

test(
  'issuer: identical passes; a trailing slash is a mismatch with a hint; http off loopback ' + 'fails; missing fails',
  () => {
    assert.equal(checkIssuer(ISSUER, ISSUER).status, 'pass');
    const slash = checkIssuer(`${ISSUER}/`, ISSUER);
    assert.equal(slash.status, 'fail');
    assert.match(slash.message, /differ only by a trailing slash/);
    assert.equal(checkIssuer('HTTPS://op.example.test', ISSUER).status, 'fail', 'no case normalisation either');
    assert.equal(checkIssuer('http://op.example.test', 'http://op.example.test').status, 'fail');
    assert.equal(checkIssuer('http://localhost:8080', 'http://localhost:8080').status, 'warn');
    assert.equal(checkIssuer(undefined, ISSUER).status, 'fail');
  },
);

test('endpoints: http on loopback (127.x, ::1, localhost) warns; a non-URL value fails', () => {
  const checks = lint(
    good({
      token_endpoint: 'http://[::1]:9000/token',
      userinfo_endpoint: 'http://localhost/me',
      revocation_endpoint: 42,
    }),
  );
  assert.equal(row(checks, 'discovery.token_endpoint').status, 'warn');
  assert.equal(row(checks, 'discovery.userinfo_endpoint').status, 'warn');
  assert.equal(row(checks, 'discovery.revocation_endpoint').status, 'fail');
});

test('token_endpoint is not required when only implicit response types are offered (Discovery §3)', () => {
  const checks = lint(good({ token_endpoint: undefined, response_types_supported: ['id_token', 'id_token token'] }));
  assert.equal(
    checks.some((c) => c.id === 'discovery.token_endpoint'),
    false,
  );
  assert.equal(
    row(checks, 'discovery.grant_types_supported').status,
    'pass',
    'the default grant types include implicit',
  );
});

test('an RFC 8414 document: OpenID-only fields absent are warnings or skips, not failures', () => {
  const checks = lint(
    good({ jwks_uri: undefined, subject_types_supported: undefined, id_token_signing_alg_values_supported: undefined }),
    { source: 'oauth-authorization-server' },
  );
  assert.equal(row(checks, 'discovery.jwks_uri').status, 'warn');
  assert.equal(row(checks, 'discovery.subject_types_supported').status, 'skip');
  assert.equal(row(checks, 'discovery.id_token_signing_alg_values_supported').status, 'skip');
  assert.equal(
    checks.some((c) => c.status === 'fail'),
    false,
  );
});

test('PKCE: absent warns, S256 passes, plain only warns', () => {
  assert.equal(
    row(lint(good({ code_challenge_methods_supported: undefined })), 'discovery.code_challenge_methods_supported')
      .status,
    'warn',
  );
  assert.equal(
    row(
      lint(good({ code_challenge_methods_supported: ['plain', 'S256'] })),
      'discovery.code_challenge_methods_supported',
    ).status,
    'pass',
  );
  assert.equal(
    row(lint(good({ code_challenge_methods_supported: ['plain'] })), 'discovery.code_challenge_methods_supported')
      .status,
    'warn',
  );
});

test('PKCE: an unregistered method beside S256 warns and names it (RFC 7636 §6.2 registry: plain, S256)', () => {
  const r = row(
    lint(good({ code_challenge_methods_supported: ['S256', 'RS256'] })),
    'discovery.code_challenge_methods_supported',
  );
  assert.equal(r.status, 'warn');
  assert.match(r.message, /unregistered.*"RS256"/);
});

test('PKCE: plain only with an unregistered method warns about both', () => {
  const r = row(
    lint(good({ code_challenge_methods_supported: ['plain', 'S512'] })),
    'discovery.code_challenge_methods_supported',
  );
  assert.equal(r.status, 'warn');
  assert.match(r.message, /"plain" only/);
  assert.match(r.message, /"S512"/);
});

test('RFC 9207 iss parameter: absent warns, true passes', () => {
  assert.equal(
    row(
      lint(good({ authorization_response_iss_parameter_supported: undefined })),
      'discovery.authorization_response_iss_parameter_supported',
    ).status,
    'warn',
  );
});

test('grant types inconsistent with response types warn, naming what is missing', () => {
  const r = row(
    lint(good({ response_types_supported: ['code', 'code id_token'], grant_types_supported: ['refresh_token'] })),
    'discovery.grant_types_supported',
  );
  assert.equal(r.status, 'warn');
  assert.match(r.message, /authorization_code .* and implicit/);
});

test('unknown fields are listed as information, never failed; registered ones are not listed', () => {
  const r = row(
    lint(good({ x_custom: 1, frontchannel_logout_supported: true, 'vendor:thing': 'y' })),
    'discovery.unknown_fields',
  );
  assert.equal(r.status, 'pass');
  assert.match(r.message, /^info: 2 fields .*: x_custom, vendor:thing$/);
});

test('document URLs must be absolute but may be http', () => {
  const checks = lint(good({ op_policy_uri: 'policy.html', service_documentation: 'http://docs.example.test' }));
  assert.equal(row(checks, 'discovery.op_policy_uri').status, 'fail');
  assert.equal(row(checks, 'discovery.service_documentation').status, 'pass');
});

test('mTLS endpoint aliases follow the endpoint rules (RFC 8705 §5)', () => {
  const ok = row(
    lint(good({ mtls_endpoint_aliases: { token_endpoint: 'https://mtls.op.example.test/token' } })),
    'discovery.mtls_endpoint_aliases',
  );
  assert.equal(ok.status, 'pass');
  const bad = row(
    lint(
      good({
        mtls_endpoint_aliases: {
          token_endpoint: 'http://mtls.op.example.test/token',
          revocation_endpoint: 'https://mtls.op.example.test/revoke',
        },
      }),
    ),
    'discovery.mtls_endpoint_aliases',
  );
  assert.equal(bad.status, 'fail');
  assert.match(bad.message, /^mtls_endpoint_aliases\.token_endpoint is not https/);
});

test('a workload-identity issuer: no authorization_endpoint is a skip, and the login-only rows are gone', () => {
  const checks = lint(
    good({
      authorization_endpoint: undefined,
      token_endpoint: undefined,
      code_challenge_methods_supported: undefined,
      authorization_response_iss_parameter_supported: undefined,
      response_types_supported: ['id_token'],
    }),
  );
  assert.equal(row(checks, 'discovery.authorization_endpoint').status, 'skip');
  assert.match(row(checks, 'discovery.authorization_endpoint').message, /workload-identity/);
  for (const id of [
    'discovery.code_challenge_methods_supported',
    'discovery.authorization_response_iss_parameter_supported',
    'discovery.response_types_implicit',
    'discovery.grant_types_supported',
  ])
    assert.equal(
      checks.find((c) => c.id === id),
      undefined,
      id,
    );
  assert.equal(checks.filter((c) => c.status === 'fail').length, 0);
});

test('a provider missing its authorization_endpoint but not shaped like a workload issuer still fails', () => {
  const checks = lint(good({ authorization_endpoint: undefined }));
  assert.equal(row(checks, 'discovery.authorization_endpoint').status, 'fail');
  assert.ok(checks.find((c) => c.id === 'discovery.code_challenge_methods_supported'));
});
