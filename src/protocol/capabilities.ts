// What a provider can do, read off its metadata into rows a person takes in at a glance.
import type { Metadata } from './discovery-lint.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const yes = (v: unknown) => v === true;

export interface Capability { name: string; value: string }

export function summarizeCapabilities(m: Metadata): Capability[] {
  const types = list(m.response_types_supported);
  const flows = [
    types.includes('code') ? 'code' : '',
    types.some((t) => !t.includes('code') && (t.includes('token') || t.includes('id_token'))) ? 'implicit' : '',
    types.some((t) => t.includes('code') && t.split(' ').length > 1) ? 'hybrid' : '',
  ].filter(Boolean);
  const grants = list(m.grant_types_supported);
  const pkce = list(m.code_challenge_methods_supported);
  const endpoint = (field: string) => (typeof m[field] === 'string' ? 'yes' : 'no');
  const logout = [
    typeof m.end_session_endpoint === 'string' ? 'RP-initiated' : '',
    yes(m.frontchannel_logout_supported) ? 'front-channel' : '',
    yes(m.backchannel_logout_supported) ? 'back-channel' : '',
    typeof m.check_session_iframe === 'string' ? 'session management' : '',
  ].filter(Boolean);
  const rows: Capability[] = [
    { name: 'flows', value: flows.join(', ') || 'none advertised' },
    { name: 'response types', value: types.join(' · ') || 'none advertised' },
    { name: 'response modes', value: list(m.response_modes_supported).join(', ') || 'not advertised (query, fragment by default)' },
    { name: 'grant types', value: grants.join(', ') || 'not advertised (authorization_code, implicit by default)' },
    { name: 'client authentication', value: list(m.token_endpoint_auth_methods_supported).join(', ') || 'not advertised (client_secret_basic by default)' },
    { name: 'PKCE', value: pkce.length ? pkce.join(', ') : 'not advertised' },
    { name: 'PAR (RFC 9126)', value: typeof m.pushed_authorization_request_endpoint === 'string' ? (yes(m.require_pushed_authorization_requests) ? 'yes, required' : 'yes') : 'no' },
    { name: 'DPoP (RFC 9449)', value: list(m.dpop_signing_alg_values_supported).length ? `yes: ${list(m.dpop_signing_alg_values_supported).join(', ')}` : 'no' },
    { name: 'JARM', value: list(m.response_modes_supported).some((r) => r.includes('jwt')) ? 'yes' : 'no' },
    { name: 'request objects', value: [yes(m.request_parameter_supported) ? 'request' : '', m.request_uri_parameter_supported === false ? '' : 'request_uri', yes(m.require_signed_request_object) ? '(signed required)' : ''].filter(Boolean).join(', ') || 'no' },
    { name: 'mTLS (RFC 8705)', value: m.mtls_endpoint_aliases || yes(m.tls_client_certificate_bound_access_tokens) ? 'yes' : 'no' },
    { name: 'iss parameter (RFC 9207)', value: yes(m.authorization_response_iss_parameter_supported) ? 'yes' : 'no' },
    { name: 'ID token algs', value: list(m.id_token_signing_alg_values_supported).join(', ') || 'not advertised' },
    { name: 'scopes', value: list(m.scopes_supported).join(' ') || 'not advertised' },
    { name: 'logout', value: logout.join(', ') || 'none' },
  ];
  for (const [name, field] of [['userinfo', 'userinfo_endpoint'], ['introspection', 'introspection_endpoint'], ['revocation', 'revocation_endpoint'], ['device authorization', 'device_authorization_endpoint'], ['dynamic registration', 'registration_endpoint'], ['CIBA', 'backchannel_authentication_endpoint']] as const) {
    rows.push({ name, value: endpoint(field) });
  }
  return rows;
}
