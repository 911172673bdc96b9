// Lint of a provider's metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2). Pure: the document
// and the issuer that was asked in, rows out. Informational rows use status "pass" with a message
// that starts with "info:" (the contract has no "info" status).
import { fail, pass, skip, warn, type Check } from './checks.js';
import { isWorkloadIdentityMetadata } from './provider-quirks.js';

export interface DiscoveryLintInput {
  metadata: Record<string, unknown>;
  /** The issuer the user asked for, as typed (or derived from the well-known URL they typed). */
  expectedIssuer: string;
  /** Which well-known document answered: RFC 8414 documents need not carry the OpenID-only fields. */
  source: 'openid-configuration' | 'oauth-authorization-server';
}

/** Fields that hold endpoint URLs a client calls: absolute, no fragment, https (RFC 8414 §2, Discovery §3). */
export const ENDPOINT_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'registration_endpoint',
  'end_session_endpoint',
  'check_session_iframe',
  'revocation_endpoint',
  'introspection_endpoint',
  'device_authorization_endpoint',
  'pushed_authorization_request_endpoint',
  'backchannel_authentication_endpoint',
] as const;

/** Fields holding URLs a person reads; they must be absolute URLs but are not called by clients. */
const DOCUMENT_URL_FIELDS = ['service_documentation', 'op_policy_uri', 'op_tos_uri'] as const;

/**
 * Registered metadata names: OpenID Connect Discovery §3, Session/Front-/Back-Channel/RP-Initiated
 * Logout, RFC 8414, RFC 7009, RFC 7662, RFC 8628, RFC 8705, RFC 9101, RFC 9126, RFC 9207, RFC 9449,
 * JARM, CIBA, RFC 9396 and the IANA "OAuth Authorization Server Metadata" registry.
 */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'registration_endpoint',
  'scopes_supported',
  'response_types_supported',
  'response_modes_supported',
  'grant_types_supported',
  'acr_values_supported',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
  'id_token_encryption_alg_values_supported',
  'id_token_encryption_enc_values_supported',
  'userinfo_signing_alg_values_supported',
  'userinfo_encryption_alg_values_supported',
  'userinfo_encryption_enc_values_supported',
  'request_object_signing_alg_values_supported',
  'request_object_encryption_alg_values_supported',
  'request_object_encryption_enc_values_supported',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'display_values_supported',
  'claim_types_supported',
  'claims_supported',
  'service_documentation',
  'claims_locales_supported',
  'ui_locales_supported',
  'claims_parameter_supported',
  'request_parameter_supported',
  'request_uri_parameter_supported',
  'require_request_uri_registration',
  'op_policy_uri',
  'op_tos_uri',
  'check_session_iframe',
  'end_session_endpoint',
  'frontchannel_logout_supported',
  'frontchannel_logout_session_supported',
  'backchannel_logout_supported',
  'backchannel_logout_session_supported',
  'revocation_endpoint',
  'revocation_endpoint_auth_methods_supported',
  'revocation_endpoint_auth_signing_alg_values_supported',
  'introspection_endpoint',
  'introspection_endpoint_auth_methods_supported',
  'introspection_endpoint_auth_signing_alg_values_supported',
  'code_challenge_methods_supported',
  'signed_metadata',
  'device_authorization_endpoint',
  'tls_client_certificate_bound_access_tokens',
  'mtls_endpoint_aliases',
  'introspection_signing_alg_values_supported',
  'introspection_encryption_alg_values_supported',
  'introspection_encryption_enc_values_supported',
  'pushed_authorization_request_endpoint',
  'require_pushed_authorization_requests',
  'require_signed_request_object',
  'authorization_response_iss_parameter_supported',
  'dpop_signing_alg_values_supported',
  'authorization_signing_alg_values_supported',
  'authorization_encryption_alg_values_supported',
  'authorization_encryption_enc_values_supported',
  'backchannel_token_delivery_modes_supported',
  'backchannel_authentication_endpoint',
  'backchannel_authentication_request_signing_alg_values_supported',
  'backchannel_user_code_parameter_supported',
  'authorization_details_types_supported',
  'prompt_values_supported',
  'verified_claims_supported',
  'trust_frameworks_supported',
  'evidence_supported',
  'documents_supported',
  'documents_methods_supported',
  'documents_validation_methods_supported',
  'documents_verification_methods_supported',
  'id_documents_supported',
  'id_documents_verification_methods_supported',
  'electronic_records_supported',
  'claims_in_verified_claims_supported',
  'attachments_supported',
  'digest_algorithms_supported',
  'client_registration_types_supported',
  'federation_registration_endpoint',
  'request_authentication_methods_supported',
  'request_authentication_signing_alg_values_supported',
  'grant_management_actions_supported',
  'grant_management_endpoint',
  'authorization_challenge_endpoint',
  'protected_resources',
]);

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function lintDiscovery(input: DiscoveryLintInput): Check[] {
  const m = input.metadata;
  const checks: Check[] = [checkIssuer(m.issuer, input.expectedIssuer)];
  for (const field of ENDPOINT_FIELDS) {
    const row = checkEndpoint(m, field, input.source);
    if (row) checks.push(row);
  }
  if (m.mtls_endpoint_aliases !== undefined) checks.push(checkMtlsAliases(m.mtls_endpoint_aliases));
  for (const field of DOCUMENT_URL_FIELDS) {
    if (m[field] === undefined) continue;
    const problem = urlProblem(m[field]);
    checks.push(
      problem
        ? fail(`discovery.${field}`, `${field} ${problem}`, { actual: m[field] })
        : pass(`discovery.${field}`, `${field} is an absolute URL`),
    );
  }
  checks.push(
    checkResponseTypes(m.response_types_supported),
    checkSubjectTypes(m.subject_types_supported, input.source),
    checkIdTokenAlgs(m.id_token_signing_alg_values_supported, input.source),
    checkAlgNone(m.id_token_signing_alg_values_supported),
    checkPkce(m.code_challenge_methods_supported),
    checkImplicit(m.response_types_supported),
    checkIssParameter(m.authorization_response_iss_parameter_supported),
    checkGrantTypes(m.grant_types_supported, m.response_types_supported),
    checkUnknownFields(m),
  );
  return isWorkloadIdentityMetadata(m) ? asWorkloadIdentityIssuer(checks) : checks;
}

/** Rows about signing users in, which say nothing about an issuer nobody signs in at. */
const LOGIN_ONLY = new Set([
  'discovery.code_challenge_methods_supported',
  'discovery.authorization_response_iss_parameter_supported',
  'discovery.response_types_implicit',
  'discovery.grant_types_supported',
]);

/**
 * A workload-identity issuer (provider-quirks.ts) publishes discovery only so that its tokens can be
 * verified: no authorization endpoint by design, so its absence is a skip and the login-only rows go.
 */
function asWorkloadIdentityIssuer(checks: Check[]): Check[] {
  return checks
    .filter((c) => !LOGIN_ONLY.has(c.id))
    .map((c) =>
      c.id === 'discovery.authorization_endpoint' && c.status === 'fail'
        ? skip(
            c.id,
            'no authorization_endpoint: this is a workload-identity issuer (tokens minted by a platform for ' +
              'workloads; nobody signs in here), which leaves it out by design',
          )
        : c,
    );
}

/** Discovery §4.3 / RFC 8414 §3.3: identical to the issuer used to build the URL, no normalisation. */
export function checkIssuer(issuer: unknown, expected: string): Check {
  const id = 'discovery.issuer';
  if (issuer === undefined) return fail(id, 'issuer is missing (REQUIRED, Discovery §3)', { expected });
  if (typeof issuer !== 'string') return fail(id, 'issuer is not a string', { expected, actual: issuer });
  if (issuer !== expected) {
    const slashOnly = issuer.replace(/\/+$/, '') === expected.replace(/\/+$/, '');
    const hint = slashOnly ? '; they differ only by a trailing slash, which counts' : '';
    return fail(
      id,
      `issuer mismatch: the document says "${issuer}", you asked for "${expected}" ` +
        `(they must be identical, Discovery §4.3${hint})`,
      { expected, actual: issuer },
    );
  }
  const problem = urlProblem(issuer) ?? (/[?]/.test(issuer) ? 'has a query component' : undefined);
  if (problem) return fail(id, `issuer ${problem} (Discovery §3)`, { actual: issuer });
  const scheme = schemeVerdict(issuer);
  if (scheme === 'http') return fail(id, `issuer "${issuer}" is not https (Discovery §3)`, { actual: issuer });
  if (scheme === 'loopback-http')
    return warn(id, `issuer "${issuer}" is http on loopback: fine for local testing only`, { actual: issuer });
  return pass(id, `issuer is identical to the URL asked: ${issuer}`);
}

function requiredness(
  field: string,
  m: Record<string, unknown>,
  source: DiscoveryLintInput['source'],
): 'fail' | 'warn' | undefined {
  if (field === 'token_endpoint' && onlyImplicit(m.response_types_supported)) return undefined;
  if (field === 'authorization_endpoint' || field === 'token_endpoint') return 'fail';
  if (field === 'jwks_uri') return source === 'openid-configuration' ? 'fail' : 'warn';
  return undefined;
}

function checkEndpoint(
  m: Record<string, unknown>,
  field: string,
  source: DiscoveryLintInput['source'],
): Check | undefined {
  const id = `discovery.${field}`;
  const value = m[field];
  if (value === undefined) {
    const need = requiredness(field, m, source);
    if (need === 'fail')
      return fail(
        id,
        `${field} is missing (REQUIRED, ${source === 'openid-configuration' ? 'Discovery §3' : 'RFC 8414 §2'})`,
      );
    if (need === 'warn') return warn(id, `${field} is missing: OpenID Connect clients need it to verify ID tokens`);
    return undefined;
  }
  return endpointVerdict(id, field, value);
}

function endpointVerdict(id: string, name: string, value: unknown): Check {
  const problem = urlProblem(value);
  if (problem) return fail(id, `${name} ${problem}`, { actual: value });
  const scheme = schemeVerdict(value as string);
  if (scheme === 'http') return fail(id, `${name} is not https: ${value as string}`, { actual: value });
  if (scheme === 'loopback-http') return warn(id, `${name} is http on loopback: fine for local testing only`);
  return pass(id, `${name} is an absolute https URL`);
}

/** RFC 8705 §5: the same rules for every alias; the worst one is the row's status. */
function checkMtlsAliases(value: unknown): Check {
  const id = 'discovery.mtls_endpoint_aliases';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(id, 'mtls_endpoint_aliases is not a JSON object', { actual: value });
  const verdicts = Object.entries(value).map(([name, url]) =>
    endpointVerdict(id, `mtls_endpoint_aliases.${name}`, url),
  );
  const worst = verdicts.find((v) => v.status === 'fail') ?? verdicts.find((v) => v.status === 'warn');
  if (worst)
    return {
      ...worst,
      message: verdicts
        .filter((v) => v.status === worst.status)
        .map((v) => v.message)
        .join('; '),
    };
  return pass(id, `${verdicts.length} mTLS endpoint alias${verdicts.length === 1 ? '' : 'es'}, absolute https URLs`);
}

/** Why a metadata value is not a usable URL, or undefined when it is one. */
function urlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `is not a string (${JSON.stringify(value)})`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not an absolute URL: "${value}"`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `is not an http(s) URL: "${value}"`;
  if (value.includes('#')) return `carries a fragment: "${value}" (RFC 8414 §2)`;
  return undefined;
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** https, http on a loopback host (RFC 8252 §8.3 allows it for local use), or plain http. */
function schemeVerdict(value: string): 'https' | 'loopback-http' | 'http' {
  const url = new URL(value);
  if (url.protocol === 'https:') return 'https';
  return isLoopbackHost(url.hostname) ? 'loopback-http' : 'http';
}

function checkResponseTypes(value: unknown): Check {
  const id = 'discovery.response_types_supported';
  if (value === undefined) return fail(id, 'response_types_supported is missing (REQUIRED, Discovery §3, RFC 8414 §2)');
  if (!isStringArray(value) || value.length === 0)
    return fail(id, 'response_types_supported is not a non-empty array of strings', { actual: value });
  return pass(id, `response types: ${value.join(', ')}`);
}

function checkSubjectTypes(value: unknown, source: DiscoveryLintInput['source']): Check {
  const id = 'discovery.subject_types_supported';
  if (value === undefined) {
    return source === 'openid-configuration'
      ? fail(id, 'subject_types_supported is missing (REQUIRED, Discovery §3)')
      : skip(id, 'subject_types_supported is absent (an RFC 8414 document need not carry it)');
  }
  if (!isStringArray(value) || value.length === 0)
    return fail(id, 'subject_types_supported is not a non-empty array of strings', { actual: value });
  const odd = value.filter((v) => v !== 'public' && v !== 'pairwise');
  if (odd.length)
    return warn(id, `subject_types_supported has values other than public and pairwise: ${odd.join(', ')}`);
  return pass(id, `subject types: ${value.join(', ')}`);
}

/** Discovery §3: REQUIRED, and "The algorithm RS256 MUST be included". */
function checkIdTokenAlgs(value: unknown, source: DiscoveryLintInput['source']): Check {
  const id = 'discovery.id_token_signing_alg_values_supported';
  if (value === undefined) {
    return source === 'openid-configuration'
      ? fail(id, 'id_token_signing_alg_values_supported is missing (REQUIRED, Discovery §3)')
      : skip(id, 'id_token_signing_alg_values_supported is absent (an RFC 8414 document need not carry it)');
  }
  if (!isStringArray(value) || value.length === 0)
    return fail(id, 'id_token_signing_alg_values_supported is not a non-empty array of strings', { actual: value });
  if (!value.includes('RS256'))
    return fail(
      id,
      `RS256 is not in id_token_signing_alg_values_supported (it MUST be included, Discovery §3): ${value.join(', ')}`,
      { expected: 'RS256', actual: value },
    );
  return pass(id, `ID token algorithms include RS256: ${value.join(', ')}`);
}

function checkAlgNone(value: unknown): Check {
  const id = 'discovery.id_token_signing_alg_none';
  if (!isStringArray(value)) return skip(id, 'no list of ID token algorithms to look at');
  if (value.includes('none'))
    return warn(
      id,
      '"none" is advertised for ID tokens: unsigned ID tokens are only acceptable from the token endpoint ' +
        'with the code flow (Core 3.1.3.7)',
    );
  return pass(id, '"none" is not advertised for ID tokens');
}

/** The IANA "PKCE Code Challenge Methods" registry (RFC 7636 §6.2). */
const CODE_CHALLENGE_METHODS: ReadonlySet<string> = new Set(['plain', 'S256']);

/**
 * RFC 7636 §4.2, RFC 9700 §2.1.1: S256 is the method to use; plain only offers no protection against
 * a leaked request.
 */
function checkPkce(value: unknown): Check {
  const id = 'discovery.code_challenge_methods_supported';
  if (value === undefined)
    return warn(
      id,
      'code_challenge_methods_supported is absent: PKCE support is not advertised (RFC 8414 §2, RFC 9700 §2.1.1)',
    );
  if (!isStringArray(value))
    return fail(id, 'code_challenge_methods_supported is not an array of strings', { actual: value });
  // RFC 8414 §2: the values come from the registry; anything else is a provider mistake (e.g. a JWS alg).
  const unregistered = value.filter((v) => !CODE_CHALLENGE_METHODS.has(v));
  const odd = unregistered.length
    ? `unregistered method${unregistered.length === 1 ? '' : 's'} ${unregistered.map((v) => `"${v}"`).join(', ')} ` +
      '(the registry has plain and S256, RFC 7636 §6.2)'
    : '';
  if (value.includes('S256')) {
    if (odd) return warn(id, `PKCE S256 advertised, with ${odd}`, { actual: value });
    return pass(id, `PKCE S256 advertised (${value.join(', ')})`);
  }
  if (value.includes('plain'))
    return warn(
      id,
      `PKCE is advertised with "plain" only; S256 is the method to use (RFC 7636 §4.2)${odd ? `; also ${odd}` : ''}`,
      { expected: 'S256', actual: value },
    );
  return warn(id, `code_challenge_methods_supported lists no known method: ${value.join(', ') || '(empty)'}`);
}

const responseTypeSet = (v: string) => new Set(v.split(' ').filter(Boolean));
/** A response type that returns an access token from the authorization endpoint. */
const issuesTokenInFront = (v: string) => responseTypeSet(v).has('token');
const isImplicitStyle = (v: string) => {
  const s = responseTypeSet(v);
  return !s.has('code') && (s.has('token') || s.has('id_token'));
};

function onlyImplicit(value: unknown): boolean {
  return isStringArray(value) && value.length > 0 && value.every(isImplicitStyle);
}

/**
 * RFC 9700 §2.1.2: the implicit grant (and other response types issuing tokens in the front channel)
 * SHOULD NOT be used.
 */
function checkImplicit(value: unknown): Check {
  const id = 'discovery.response_types_implicit';
  if (!isStringArray(value)) return skip(id, 'no list of response types to look at');
  const front = value.filter((v) => issuesTokenInFront(v) || isImplicitStyle(v));
  if (front.length === 0) return pass(id, 'info: no implicit-style response types advertised');
  return pass(
    id,
    `info: implicit-style response types advertised (${front.join(', ')}); ` +
      'the OAuth 2.0 Security BCP (RFC 9700 §2.1.2) advises against tokens in the front channel',
  );
}

/** RFC 9207 §3: lets clients detect mix-up attacks. */
function checkIssParameter(value: unknown): Check {
  const id = 'discovery.authorization_response_iss_parameter_supported';
  if (value === true) return pass(id, 'the authorization response carries iss (RFC 9207)');
  if (value === undefined || value === false)
    return warn(
      id,
      'authorization_response_iss_parameter_supported is not true: ' +
        'clients cannot use the iss parameter against mix-up attacks (RFC 9207)',
    );
  return fail(id, 'authorization_response_iss_parameter_supported is not a boolean', { actual: value });
}

/**
 * Discovery §3 / RFC 8414 §2: grant types default to ["authorization_code", "implicit"] when absent.
 * Registration §2: a response type with "code" needs authorization_code; one with "id_token" or
 * "token" (tokens from the authorization endpoint) needs implicit.
 */
function checkGrantTypes(grants: unknown, responseTypes: unknown): Check {
  const id = 'discovery.grant_types_supported';
  if (grants !== undefined && !isStringArray(grants))
    return fail(id, 'grant_types_supported is not an array of strings', { actual: grants });
  if (!isStringArray(responseTypes)) return skip(id, 'no response types to compare the grant types with');
  const granted = new Set(grants ?? ['authorization_code', 'implicit']);
  const missing: string[] = [];
  if (responseTypes.some((v) => responseTypeSet(v).has('code')) && !granted.has('authorization_code'))
    missing.push('authorization_code (for response types with code)');
  if (
    responseTypes.some((v) => {
      const s = responseTypeSet(v);
      return s.has('token') || s.has('id_token');
    }) &&
    !granted.has('implicit')
  )
    missing.push('implicit (for response types issuing tokens at the authorization endpoint)');
  const where =
    grants === undefined
      ? 'the default grant types (authorization_code, implicit)'
      : `grant_types_supported (${[...granted].join(', ')})`;
  if (missing.length) return warn(id, `${where} lack ${missing.join(' and ')}`, { actual: grants });
  return pass(id, `${where} consistent with response_types_supported`);
}

function checkUnknownFields(m: Record<string, unknown>): Check {
  const id = 'discovery.unknown_fields';
  const unknown = Object.keys(m).filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length === 0) return pass(id, 'info: every field is a registered metadata name');
  return pass(
    id,
    `info: ${unknown.length} field${unknown.length === 1 ? '' : 's'} not in the metadata registries ` +
      `(kept, not rejected): ${unknown.join(', ')}`,
    { actual: unknown },
  );
}

/** Whether an issuer template (with {tenantid}) is filled to the issuer asked by one path segment. */
export function issuerTemplateMatches(template: string, asked: string): boolean {
  if (!template.includes('{tenantid}')) return false;
  const pattern = template
    .split('{tenantid}')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/?#]+');
  return new RegExp(`^${pattern}$`).test(asked);
}

/**
 * Discovery §4.3 for a client about to use the document: the issuer must be identical to the one
 * asked. On request, an issuer published as a template with {tenantid} (Microsoft Entra's
 * multi-tenant endpoints) is accepted when the URL asked fills it; each ID token's iss is then held
 * to the template with its own tid (claim-checks.ts).
 */
export function checkIssuerForClient(published: unknown, asked: string, opts: { acceptTemplate?: boolean }): Check {
  const id = 'discovery.issuer';
  if (published === asked) return pass(id, 'the discovery document names the issuer asked for');
  if (opts.acceptTemplate && typeof published === 'string' && issuerTemplateMatches(published, asked))
    return warn(
      id,
      `the discovery document names the issuer template "${published}", not "${asked}" (Discovery §4.3); ` +
        "accepted on request: each ID token's iss must be the template filled with its own tid",
      { expected: asked, actual: published },
    );
  return fail(
    id,
    `the discovery document says issuer "${String(published)}", you asked for "${asked}" ` +
      '(they must be identical, Discovery §4.3)',
    { expected: asked, actual: published },
  );
}
