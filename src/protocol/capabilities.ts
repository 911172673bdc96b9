// What a provider says it can do, summarised from its metadata so a person can read it at a glance.
// Pure; defaults are the ones the specs give for absent fields (Discovery §3, RFC 8414 §2).

export interface Capability {
  name: string;
  /** One line, human words; "not advertised" when the metadata says nothing. */
  value: string;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
const NOT_ADVERTISED = 'not advertised';

/** Core 3: the flow a response type belongs to. */
export function flowOf(responseType: string): 'authorization code' | 'implicit' | 'hybrid' | 'none' | 'other' {
  const parts = new Set(responseType.split(' ').filter(Boolean));
  if (parts.size === 1 && parts.has('none')) return 'none';
  if (parts.has('code')) return parts.size === 1 ? 'authorization code' : 'hybrid';
  if ([...parts].every((p) => p === 'id_token' || p === 'token')) return 'implicit';
  return 'other';
}

const GRANT_LABELS: Record<string, string> = {
  authorization_code: 'authorization code',
  implicit: 'implicit',
  refresh_token: 'refresh token',
  client_credentials: 'client credentials',
  password: 'password (deprecated)',
  'urn:ietf:params:oauth:grant-type:device_code': 'device code',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'token exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'JWT bearer',
  'urn:openid:params:grant-type:ciba': 'CIBA',
};

export function summarizeCapabilities(m: Record<string, unknown>): Capability[] {
  const rows: Capability[] = [];
  const add = (name: string, value: string) => rows.push({ name, value });
  const list = (v: unknown, fallback?: string[]) => (strings(v) ?? fallback)?.join(', ') ?? NOT_ADVERTISED;
  const yes = (v: unknown, whenAbsent = false) => (v === undefined ? whenAbsent : v === true);

  const responseTypes = strings(m.response_types_supported) ?? [];
  const byFlow = new Map<string, string[]>();
  for (const rt of responseTypes) byFlow.set(flowOf(rt), [...(byFlow.get(flowOf(rt)) ?? []), rt]);
  add(
    'flows (response types)',
    byFlow.size ? [...byFlow].map(([flow, rts]) => `${flow}: ${rts.join(', ')}`).join('; ') : NOT_ADVERTISED,
  );

  const grants = strings(m.grant_types_supported) ?? ['authorization_code', 'implicit'];
  add(
    'grant types',
    grants.map((g) => GRANT_LABELS[g] ?? g).join(', ') +
      (m.grant_types_supported === undefined ? ' (default, not advertised)' : ''),
  );
  add(
    'response modes',
    m.response_modes_supported === undefined
      ? 'query, fragment (default, not advertised)'
      : list(m.response_modes_supported),
  );
  add(
    'client authentication',
    m.token_endpoint_auth_methods_supported === undefined
      ? 'client_secret_basic (default, not advertised)'
      : list(m.token_endpoint_auth_methods_supported),
  );

  const pkce = strings(m.code_challenge_methods_supported);
  add(
    'PKCE',
    pkce
      ? pkce.includes('S256')
        ? `yes (${pkce.join(', ')})`
        : `only ${pkce.join(', ') || 'no method'}`
      : NOT_ADVERTISED,
  );

  const par = typeof m.pushed_authorization_request_endpoint === 'string';
  add('PAR (RFC 9126)', par ? (m.require_pushed_authorization_requests === true ? 'yes, required' : 'yes') : 'no');

  const dpop = strings(m.dpop_signing_alg_values_supported);
  add('DPoP (RFC 9449)', dpop ? `yes (${dpop.join(', ')})` : 'no');

  const jarmAlgs = strings(m.authorization_signing_alg_values_supported);
  const jwtModes = (strings(m.response_modes_supported) ?? []).filter(
    (mode) => mode === 'jwt' || mode.endsWith('.jwt'),
  );
  add(
    'JARM',
    jarmAlgs || jwtModes.length
      ? 'yes' +
          (jwtModes.length ? ` (${jwtModes.join(', ')})` : '') +
          (jarmAlgs ? ` signed with ${jarmAlgs.join(', ')}` : '')
      : 'no',
  );

  const request = yes(m.request_parameter_supported);
  const requestUri = yes(m.request_uri_parameter_supported, true);
  const roAlgs = strings(m.request_object_signing_alg_values_supported);
  const ro: string[] = [
    `request ${request ? 'yes' : 'no'}`,
    `request_uri ${requestUri ? 'yes' : 'no'}${m.request_uri_parameter_supported === undefined ? ' (default)' : ''}`,
  ];
  if (roAlgs) ro.push(`signed with ${roAlgs.join(', ')}`);
  if (m.require_signed_request_object === true) ro.push('signed request objects required');
  add('request objects (RFC 9101)', ro.join('; '));

  const logout: string[] = [];
  if (typeof m.end_session_endpoint === 'string') logout.push('RP-initiated');
  if (m.frontchannel_logout_supported === true)
    logout.push(`front-channel${m.frontchannel_logout_session_supported === true ? ' (with sid)' : ''}`);
  if (m.backchannel_logout_supported === true)
    logout.push(`back-channel${m.backchannel_logout_session_supported === true ? ' (with sid)' : ''}`);
  if (typeof m.check_session_iframe === 'string') logout.push('session management iframe');
  add('logout', logout.length ? logout.join(', ') : 'none advertised');

  const endpoints = (
    [
      ['userinfo', 'userinfo_endpoint'],
      ['introspection', 'introspection_endpoint'],
      ['revocation', 'revocation_endpoint'],
      ['device', 'device_authorization_endpoint'],
      ['registration', 'registration_endpoint'],
      ['CIBA', 'backchannel_authentication_endpoint'],
    ] as const
  ).map(([name, field]) => `${name} ${typeof m[field] === 'string' ? 'yes' : 'no'}`);
  add('endpoints', endpoints.join(', '));

  add('ID token signing', list(m.id_token_signing_alg_values_supported));
  add('subject types', list(m.subject_types_supported));
  add(
    'iss in authorization response (RFC 9207)',
    m.authorization_response_iss_parameter_supported === true ? 'yes' : 'no',
  );
  add('mTLS-bound tokens (RFC 8705)', m.tls_client_certificate_bound_access_tokens === true ? 'yes' : 'no');
  add('scopes', list(m.scopes_supported));
  return rows;
}
