// Linting a provider's metadata (OpenID Connect Discovery 1.0 §3 and §4.3, RFC 8414, RFC 9207,
// RFC 7636, OAuth 2.0 Security BCP). Pure: the document and the issuer asked for in, rows out.
import { fail, pass, skip, warn, type Check } from './checks.js';

export type Metadata = Record<string, unknown>;

/** Discovery §3: REQUIRED members (token_endpoint only when not implicit-only). */
const REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'];
const RECOMMENDED = ['userinfo_endpoint', 'registration_endpoint', 'scopes_supported', 'claims_supported'];

/** Every member defined by Discovery §3, RFC 8414 and the extensions people commonly publish. */
export const KNOWN_FIELDS = new Set([
  ...REQUIRED, ...RECOMMENDED,
  'acr_values_supported', 'subject_types_supported', 'id_token_encryption_alg_values_supported', 'id_token_encryption_enc_values_supported',
  'userinfo_signing_alg_values_supported', 'userinfo_encryption_alg_values_supported', 'userinfo_encryption_enc_values_supported',
  'request_object_signing_alg_values_supported', 'request_object_encryption_alg_values_supported', 'request_object_encryption_enc_values_supported',
  'response_modes_supported', 'grant_types_supported', 'token_endpoint_auth_methods_supported', 'token_endpoint_auth_signing_alg_values_supported',
  'display_values_supported', 'claim_types_supported', 'service_documentation', 'claims_locales_supported', 'ui_locales_supported',
  'claims_parameter_supported', 'request_parameter_supported', 'request_uri_parameter_supported', 'require_request_uri_registration',
  'op_policy_uri', 'op_tos_uri', 'revocation_endpoint', 'revocation_endpoint_auth_methods_supported', 'revocation_endpoint_auth_signing_alg_values_supported',
  'introspection_endpoint', 'introspection_endpoint_auth_methods_supported', 'introspection_endpoint_auth_signing_alg_values_supported',
  'code_challenge_methods_supported', 'end_session_endpoint', 'check_session_iframe', 'frontchannel_logout_supported',
  'frontchannel_logout_session_supported', 'backchannel_logout_supported', 'backchannel_logout_session_supported',
  'device_authorization_endpoint', 'pushed_authorization_request_endpoint', 'require_pushed_authorization_requests',
  'dpop_signing_alg_values_supported', 'authorization_response_iss_parameter_supported', 'authorization_signing_alg_values_supported',
  'authorization_encryption_alg_values_supported', 'authorization_encryption_enc_values_supported', 'mtls_endpoint_aliases',
  'tls_client_certificate_bound_access_tokens', 'backchannel_authentication_endpoint', 'backchannel_token_delivery_modes_supported',
  'backchannel_authentication_request_signing_alg_values_supported', 'backchannel_user_code_parameter_supported',
  'signed_metadata', 'authorization_details_types_supported', 'require_signed_request_object', 'prompt_values_supported',
  'introspection_signing_alg_values_supported', 'introspection_encryption_alg_values_supported', 'introspection_encryption_enc_values_supported',
  'userinfo_jwks_uri', 'registration_endpoint', 'protected_resources',
]);

/** Members whose value is an endpoint or document URL. */
export const URL_FIELDS = [
  'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'registration_endpoint', 'revocation_endpoint',
  'introspection_endpoint', 'end_session_endpoint', 'check_session_iframe', 'device_authorization_endpoint',
  'pushed_authorization_request_endpoint', 'backchannel_authentication_endpoint', 'service_documentation', 'op_policy_uri', 'op_tos_uri',
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

export function lintDiscovery(metadata: Metadata, expectedIssuer: string): Check[] {
  return [
    checkIssuerIdentity(metadata, expectedIssuer),
    ...checkRequired(metadata),
    checkRs256(metadata),
    checkAlgNone(metadata),
    ...checkEndpointUrls(metadata),
    checkPkce(metadata),
    checkImplicit(metadata),
    checkIssParameter(metadata),
    checkGrantTypes(metadata),
    checkUnknownFields(metadata),
  ];
}

/** Discovery §4.3: identical, no normalisation (a trailing slash counts). */
export function checkIssuerIdentity(metadata: Metadata, expected: string): Check {
  const iss = metadata.issuer;
  if (typeof iss !== 'string') return fail('discovery.issuer', 'the document has no issuer (Discovery §3 requires it)');
  if (iss === expected) return pass('discovery.issuer', `issuer is identical to the URL asked for`, { expected, actual: iss });
  const slash = iss.replace(/\/+$/, '') === expected.replace(/\/+$/, '') ? ' (only a trailing slash differs, and that still counts)' : '';
  return fail('discovery.issuer', `issuer "${iss}" is not identical to "${expected}"${slash}: ID tokens would fail their iss check (Discovery §4.3)`, { expected, actual: iss });
}

function checkRequired(metadata: Metadata): Check[] {
  const rows: Check[] = [];
  const implicitOnly = (strings(metadata.response_types_supported) ?? []).every((t) => !t.split(' ').includes('code'));
  for (const field of REQUIRED) {
    if (field === 'issuer') continue;
    const present = metadata[field] !== undefined;
    if (present) continue;
    if (field === 'token_endpoint' && implicitOnly && strings(metadata.response_types_supported)) {
      rows.push(skip('discovery.token_endpoint', 'no token_endpoint; allowed because only implicit response types are advertised'));
      continue;
    }
    rows.push(fail(`discovery.${field}`, `${field} is missing (REQUIRED by Discovery §3)`));
  }
  const missingRecommended = RECOMMENDED.filter((f) => metadata[f] === undefined);
  rows.push(missingRecommended.length
    ? warn('discovery.recommended', `RECOMMENDED members missing: ${missingRecommended.join(', ')} (Discovery §3)`)
    : pass('discovery.recommended', 'every RECOMMENDED member is present'));
  if (rows.filter((r) => r.status === 'fail').length === 0) rows.unshift(pass('discovery.required', 'every REQUIRED member is present (Discovery §3)'));
  return rows;
}

function checkRs256(metadata: Metadata): Check {
  const algs = strings(metadata.id_token_signing_alg_values_supported);
  if (!algs) return skip('discovery.id_token_signing_alg_values_supported', 'not advertised');
  if (algs.includes('RS256')) return pass('discovery.id_token_signing_alg_values_supported', `ID token algs: ${algs.join(', ')} (RS256 included, as Discovery §3 requires)`);
  return fail('discovery.id_token_signing_alg_values_supported', `RS256 is not among ${algs.join(', ')}; Discovery §3 says it MUST be included`);
}

function checkAlgNone(metadata: Metadata): Check {
  const algs = strings(metadata.id_token_signing_alg_values_supported) ?? [];
  if (algs.includes('none')) return warn('discovery.alg_none', '"none" is advertised for ID tokens: unsigned ID tokens are only acceptable from the token endpoint, never the front channel');
  return pass('discovery.alg_none', '"none" is not advertised for ID tokens');
}

function checkEndpointUrls(metadata: Metadata): Check[] {
  const rows: Check[] = [];
  const bad: string[] = [];
  const loopbackHttp: string[] = [];
  const endpoints: Array<[string, unknown]> = URL_FIELDS.filter((f) => metadata[f] !== undefined).map((f) => [f, metadata[f]]);
  const aliases = metadata.mtls_endpoint_aliases;
  if (aliases && typeof aliases === 'object') for (const [k, v] of Object.entries(aliases)) endpoints.push([`mtls_endpoint_aliases.${k}`, v]);
  for (const [field, value] of endpoints) {
    let url: URL | undefined;
    try { url = typeof value === 'string' ? new URL(value) : undefined; } catch { url = undefined; }
    if (!url) { rows.push(fail(`discovery.${field}`, `${field} is not an absolute URL: ${JSON.stringify(value)}`)); bad.push(field); continue; }
    if (url.hash) { rows.push(fail(`discovery.${field}`, `${field} has a fragment (${url.hash}); endpoints must not (RFC 6749 §3.1)`)); bad.push(field); continue; }
    if (url.protocol === 'https:') continue;
    if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) { loopbackHttp.push(field); continue; }
    rows.push(fail(`discovery.${field}`, `${field} is ${url.protocol.replace(':', '')}, not https: ${value as string} (RFC 6749 §3.1, §3.2 require TLS)`));
    bad.push(field);
  }
  if (loopbackHttp.length) rows.push(warn('discovery.https', `plain http on loopback for ${loopbackHttp.join(', ')}: fine for local testing, never in production`));
  if (bad.length === 0 && loopbackHttp.length === 0) rows.push(pass('discovery.https', `all ${endpoints.length} endpoints are absolute https URLs without fragments`));
  return rows;
}

function checkPkce(metadata: Metadata): Check {
  const methods = strings(metadata.code_challenge_methods_supported);
  if (!methods) return warn('discovery.code_challenge_methods_supported', 'PKCE support is not advertised (RFC 8414 code_challenge_methods_supported); clients cannot tell whether S256 works');
  if (methods.includes('S256')) return pass('discovery.code_challenge_methods_supported', `PKCE: ${methods.join(', ')}`);
  return warn('discovery.code_challenge_methods_supported', `PKCE offers only ${methods.join(', ')}: "plain" protects nothing if the request leaks; S256 is expected (RFC 7636 §4.2)`);
}

function checkImplicit(metadata: Metadata): Check {
  const types = strings(metadata.response_types_supported) ?? [];
  const tokenTypes = types.filter((t) => t.split(' ').includes('token'));
  if (tokenTypes.length) return pass('discovery.implicit', `informational: response types that return an access token in the front channel are advertised (${tokenTypes.join(', ')}); the OAuth 2.0 Security BCP §2.1.2 says not to use them`);
  return pass('discovery.implicit', 'informational: no response type returns an access token in the front channel');
}

function checkIssParameter(metadata: Metadata): Check {
  if (metadata.authorization_response_iss_parameter_supported === true) return pass('discovery.authorization_response_iss_parameter_supported', 'RFC 9207: the iss parameter comes with authorization responses (mix-up defence)');
  return warn('discovery.authorization_response_iss_parameter_supported', 'RFC 9207 iss parameter not advertised: clients talking to several providers have no mix-up defence from it');
}

/** RFC 8414 §2 / Discovery §3: grant_types_supported (default authorization_code, implicit) must cover the response types. */
function checkGrantTypes(metadata: Metadata): Check {
  const types = strings(metadata.response_types_supported);
  if (!types) return skip('discovery.grant_types_supported', 'no response_types_supported to compare with');
  const grants = strings(metadata.grant_types_supported) ?? ['authorization_code', 'implicit'];
  const needsCode = types.some((t) => t.split(' ').includes('code'));
  const needsImplicit = types.some((t) => t.split(' ').some((p) => p === 'token' || p === 'id_token') && !t.split(' ').includes('code'));
  const missing = [needsCode && !grants.includes('authorization_code') ? 'authorization_code' : '', needsImplicit && !grants.includes('implicit') ? 'implicit' : ''].filter(Boolean);
  if (missing.length) return warn('discovery.grant_types_supported', `response types ${types.join(', ')} need grant types ${missing.join(', ')}, which grant_types_supported (${grants.join(', ')}) lacks`);
  return pass('discovery.grant_types_supported', `grant types ${grants.join(', ')} cover the response types`);
}

function checkUnknownFields(metadata: Metadata): Check {
  const unknown = Object.keys(metadata).filter((k) => !KNOWN_FIELDS.has(k));
  if (!unknown.length) return pass('discovery.unknown_fields', 'informational: every member is a registered one');
  return pass('discovery.unknown_fields', `informational: members not in the specifications (kept, not rejected): ${unknown.join(', ')}`);
}
