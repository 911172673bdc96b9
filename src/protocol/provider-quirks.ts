// Known, documented provider behaviours that depart from a specification (or that a specification
// allows but that surprise people), as data: who does it, what it does, the clause it departs from,
// and what to do about it. A quirk is matched on what was observed (a check row, or an event such as
// a provider error page where the redirect URI was expected) and, where the symptom alone says too
// little, on the issuer. A match becomes the one-sentence `hint` of the row (cli-contract "Checks")
// or of the error. Pure: no I/O, no flag parsing; the workaround names the option to use.
import type { Check } from './checks.js';

/** Things that go wrong outside a check row. */
export type QuirkEvent =
  /** Before the authorization request: nothing observed yet, only the issuer and the redirect URI. */
  | 'authorization_request'
  /** No authorization response reached the redirect URI before the timeout. */
  | 'callback_timeout'
  /** The browser ended on a page of the provider (an error) instead of the redirect URI. */
  | 'provider_error_page'
  /** The token endpoint answered 2xx with an OAuth error member. */
  | 'token_error_http_200'
  /** The well-known URL answered with a redirect. */
  | 'discovery_redirect'
  /** A flow needs an endpoint the metadata does not advertise. */
  | 'endpoint_not_advertised';

/** What is known where the observation was made. */
export interface QuirkContext {
  issuer?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  redirectUri?: string | undefined;
  /** Whether the authorization request carried response_mode. */
  responseModeSent?: boolean | undefined;
  /** The OAuth error code, for error events. */
  error?: string | undefined;
}

export type QuirkObservation = { check: Check } | { event: QuirkEvent };

export interface ProviderQuirk {
  id: string;
  /** Who does it. */
  provider: string;
  /** What it does (a verb phrase: "publishes …"). */
  behaviour: string;
  /** The clause it departs from (or that allows it). */
  departsFrom: string;
  /** What to do (an imperative clause). */
  workaround: string;
  matches(observation: QuirkObservation, context: QuirkContext): boolean;
}

/** Message prefix of the `refresh_id_token` row for a refresh answer without an ID token. */
export const NO_ID_TOKEN_ON_REFRESH = 'no ID token in the refresh response';

const ENTRA_V1_ISSUER = /^https:\/\/sts\.windows\.net\/[^/]+\/$/;
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[^/]+$/;

const checkOf = (o: QuirkObservation): Check | undefined => ('check' in o ? o.check : undefined);
const eventOf = (o: QuirkObservation): QuirkEvent | undefined => ('event' in o ? o.event : undefined);

function redirectHost(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  try {
    return new URL(uri).hostname;
  } catch {
    return undefined;
  }
}

/**
 * GitHub Actions and Kubernetes (and the clouds' managed clusters) publish a discovery document so
 * that relying parties can verify the tokens the platform mints for workloads: an issuer, a JWKS,
 * id_token as the only response type, and no endpoint a person or client could call.
 */
export function isWorkloadIdentityMetadata(m: Record<string, unknown>): boolean {
  const types = m.response_types_supported;
  return (
    m.authorization_endpoint === undefined &&
    m.token_endpoint === undefined &&
    m.userinfo_endpoint === undefined &&
    typeof m.jwks_uri === 'string' &&
    Array.isArray(types) &&
    types.length > 0 &&
    types.every((t) => t === 'id_token')
  );
}

export const PROVIDER_QUIRKS: readonly ProviderQuirk[] = [
  {
    id: 'entra-issuer-template',
    provider: 'Microsoft Entra ID (the common, organizations and consumers endpoints)',
    behaviour:
      'publishes its issuer as a template with {tenantid} and puts the tenant of the user in each ID token' +
      "'s iss and tid",
    departsFrom: 'Discovery §4.3 wants the issuer identical to the URL asked',
    workaround: "pass --issuer-template to accept the template and check each iss against it with the token's tid",
    matches: (o) => {
      const c = checkOf(o);
      return (
        c?.id === 'discovery.issuer' &&
        c.status === 'fail' &&
        typeof c.actual === 'string' &&
        c.actual.includes('{tenantid}')
      );
    },
  },
  {
    id: 'entra-v1-issuer',
    provider: 'Microsoft Entra ID',
    behaviour: 'issues v1.0 tokens, whose iss is https://sts.windows.net/<tenant>/, on its v1.0 endpoints',
    departsFrom: 'Core 3.1.3.7 item 2 wants iss identical to the issuer the client uses',
    workaround:
      'use the v2.0 endpoints (--issuer https://login.microsoftonline.com/<tenant>/v2.0), or expect the ' +
      'v1.0 issuer where v1.0 tokens are what you get',
    matches: (o) => {
      const c = checkOf(o);
      return (
        (c?.id === 'iss' || c?.id === 'discovery.issuer') &&
        c.status === 'fail' &&
        typeof c.actual === 'string' &&
        ENTRA_V1_ISSUER.test(c.actual)
      );
    },
  },
  {
    id: 'expires-in-string',
    provider: 'Microsoft Entra ID v1.0 endpoints and AD FS',
    behaviour: 'send expires_in (and ext_expires_in) as a JSON string',
    departsFrom: 'RFC 6749 §5.1 makes expires_in a number',
    workaround: 'nothing to do here (the number is read from the string), but a strict client library may reject it',
    matches: (o) => {
      const c = checkOf(o);
      return c?.id === 'expires_in' && typeof c.actual === 'string' && /^\d+$/.test(c.actual.trim());
    },
  },
  {
    id: 'google-issuer-without-scheme',
    provider: 'Google',
    behaviour: 'put iss "accounts.google.com", without https://, in older ID tokens, and documents both forms',
    departsFrom: 'Core 3.1.3.7 item 2 wants iss identical to the issuer',
    workaround: 'accept the form without the scheme for this issuer only, knowingly, and never for another issuer',
    matches: (o) => {
      const c = checkOf(o);
      if (c?.id !== 'iss' || c.status !== 'fail') return false;
      const { expected, actual } = c;
      return (
        typeof expected === 'string' &&
        typeof actual === 'string' &&
        /^https?:\/\//.test(expected) &&
        expected.replace(/^https?:\/\//, '') === actual
      );
    },
  },
  {
    id: 'cognito-localhost-only',
    provider: 'Amazon Cognito',
    behaviour:
      'accepts http redirect URIs only on the name localhost (not 127.0.0.1 or [::1]) and answers others on ' +
      'its own error page (redirect_mismatch)',
    departsFrom: 'RFC 8252 §7.3 and §8.3 recommend the loopback IP literal',
    workaround: 'register http://localhost:PORT/callback and pass --redirect-uri http://localhost:PORT/callback',
    matches: (o, c) => {
      const event = eventOf(o);
      const host = redirectHost(c.redirectUri);
      const literal = host === '127.0.0.1' || host === '[::1]';
      if (event === 'provider_error_page') return c.error === 'redirect_mismatch' && literal;
      if (event === 'callback_timeout' || event === 'authorization_request')
        return literal && c.issuer !== undefined && COGNITO_ISSUER.test(c.issuer);
      return false;
    },
  },
  {
    id: 'apple-form-post-user',
    provider: 'Sign in with Apple',
    behaviour: 'posts a user parameter (JSON with the name and email) with the form_post response of a first sign-in',
    departsFrom: 'no specification defines it, and it is not signed (Core 3.1.3.7: identity comes from the ID token)',
    workaround: 'keep the name if you need it (Apple sends it once), but trust only the claims of the ID token',
    matches: (o) => {
      const c = checkOf(o);
      return c?.id === 'extra_params' && Array.isArray(c.actual) && c.actual.includes('user');
    },
  },
  {
    id: 'token-error-http-200',
    provider: 'GitHub OAuth apps (and other OAuth 2.0-only servers)',
    behaviour: 'answer token endpoint errors with HTTP 200 and an error member',
    departsFrom: 'RFC 6749 §5.2 answers errors with HTTP 400',
    workaround: 'the error is real: fix what it names (an expired or already used code is the usual cause)',
    matches: (o) => eventOf(o) === 'token_error_http_200',
  },
  {
    id: 'oauth-only-no-id-token',
    provider: 'GitHub OAuth apps (and other OAuth 2.0-only servers)',
    behaviour: 'return no id_token: they are not OpenID Connect providers',
    departsFrom: 'Core 3.1.3.3 puts an id_token in every successful token response',
    workaround:
      "check that --scope includes openid; without OpenID Connect, the provider's user API is the only identity",
    matches: (o) => {
      const c = checkOf(o);
      return c?.id === 'format' && c.status === 'fail' && /returned no id_token/.test(c.message);
    },
  },
  {
    id: 'hybrid-in-query-unless-asked',
    provider: 'Some providers',
    behaviour: 'answer implicit and hybrid requests in the query string unless response_mode is sent',
    departsFrom: 'Multiple Response Types §2.1 and §5 make the fragment the default and forbid the query',
    workaround: 'pass --response-mode fragment (or form_post) so that the mode is sent',
    matches: (o, c) => {
      const row = checkOf(o);
      return (
        row?.id === 'response_mode' &&
        row.status === 'fail' &&
        row.expected === 'fragment' &&
        row.actual === 'query' &&
        c.responseModeSent === false
      );
    },
  },
  {
    id: 'no-id-token-on-refresh',
    provider: 'Many providers',
    behaviour: 'send no ID token with a refreshed access token',
    departsFrom: 'nothing: Core 12.2 makes the ID token optional on refresh',
    workaround: 'keep the claims of the original ID token; sign in again when you need a fresh one',
    matches: (o) => {
      const c = checkOf(o);
      return c?.id === 'refresh_id_token' && c.status === 'skip' && c.message.startsWith(NO_ID_TOKEN_ON_REFRESH);
    },
  },
  {
    id: 'auth-time-zero',
    provider: 'Some providers (rodauth-oauth for accounts without a recorded sign-in, among others)',
    behaviour: 'send auth_time 0 when they do not know when the user authenticated',
    departsFrom: 'Core 2 makes auth_time the time of the authentication, to be left out when unknown',
    workaround: 'treat auth_time as unknown; with max_age the provider must know it, so report it to the provider',
    matches: (o) => {
      const c = checkOf(o);
      return c?.id === 'auth_time' && c.status !== 'pass' && c.actual === 0;
    },
  },
  {
    id: 'workload-identity-issuer',
    provider: 'Workload-identity issuers (GitHub Actions, Kubernetes service accounts, managed clusters)',
    behaviour: 'publish discovery only so that the tokens their platform mints can be verified, with no endpoints',
    departsFrom: 'Discovery §3 makes authorization_endpoint REQUIRED, by design',
    workaround: 'nobody signs in there: verify a token from the platform with `oidc-probe verify --issuer <issuer>`',
    matches: (o, c) => {
      const row = checkOf(o);
      const shaped = c.metadata !== undefined && isWorkloadIdentityMetadata(c.metadata);
      if (row) return row.id === 'discovery.authorization_endpoint' && shaped;
      return eventOf(o) === 'endpoint_not_advertised' && shaped;
    },
  },
  {
    id: 'discovery-redirect',
    provider: 'Some providers (and the proxies in front of them)',
    behaviour: 'redirect the well-known URL to another location',
    departsFrom: 'Discovery §4 serves the document at the issuer + /.well-known/openid-configuration',
    workaround: 'see where it leads with `oidc-probe discover --follow-redirect`; the issuer there must still match',
    matches: (o) => eventOf(o) === 'discovery_redirect' || checkOf(o)?.id === 'discovery.redirect',
  },
];

/** The quirk that explains what was observed, if one does. */
export function findQuirk(observation: QuirkObservation, context: QuirkContext = {}): ProviderQuirk | undefined {
  return PROVIDER_QUIRKS.find((q) => q.matches(observation, context));
}

/** The one-sentence hint for a quirk: who, what, which clause, what to do. */
export function quirkHint(quirk: ProviderQuirk): string {
  return `${quirk.provider} ${quirk.behaviour} (${quirk.departsFrom}); ${quirk.workaround}`;
}

/** The hint for an event, if a known quirk explains it. */
export function hintForEvent(event: QuirkEvent, context: QuirkContext = {}): string | undefined {
  const quirk = findQuirk({ event }, context);
  return quirk ? quirkHint(quirk) : undefined;
}

/** Each row a known quirk explains gets that quirk as its hint (a row's own hint is kept). */
export function withQuirkHints(checks: readonly Check[], context: QuirkContext = {}): Check[] {
  return checks.map((check) => {
    if (check.hint !== undefined) return check;
    const quirk = findQuirk({ check }, context);
    return quirk ? { ...check, hint: quirkHint(quirk) } : check;
  });
}
