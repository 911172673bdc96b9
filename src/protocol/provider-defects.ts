// The misbehaviours `oidc-probe serve` can be told to show, one per negative (and a few positive)
// case of the OpenID Foundation's relying-party certification, plus resilience faults. Each names
// the rule it breaks and what a careful relying party (`oidc-probe login`) does about it. The rules
// that apply them are pure: they take what a well-behaved provider would send and return what this
// one sends instead, with the defects that changed something (the provider logs those).
import { createHash } from 'node:crypto';

/** The endpoints a resilience defect can hit (the ones that answer with JSON). */
export const RESILIENCE_ENDPOINTS = ['discovery', 'jwks', 'token', 'userinfo'] as const;
export type ResilienceEndpoint = (typeof RESILIENCE_ENDPOINTS)[number];

const TOKEN_DEFECTS = [
  'iss',
  'aud',
  'aud_missing',
  'aud_untrusted',
  'sub_missing',
  'iat_missing',
  'exp_missing',
  'expired',
  'iat_future',
  'nonce',
  'nonce_missing',
  'sig_rs256',
  'sig_es256',
  'sig_hs256',
  'alg_none',
  'kid_absent_single',
  'kid_absent_multi',
  'at_hash',
  'at_hash_missing',
  'c_hash',
  'c_hash_missing',
  's_hash',
  'userinfo_sub',
  'discovery_issuer',
  'rotation',
  'state',
  'iss_param',
  'hybrid_sub',
  'query_channel',
  'query_unless_asked',
  'access_denied',
  'hs256',
  'key_confusion',
] as const;

/** Defects of the advanced requests: they show only when a client sends DPoP proofs, asks for JARM or pushes. */
const ADVANCED_DEFECTS = [
  'dpop_ignored',
  'dpop_cnf',
  'jarm_unsigned',
  'jarm_aud',
  'jarm_iss',
  'jarm_expired',
  'par_bad',
  'par_error',
  'cnf_x5t',
] as const;

/**
 * Known providers' documented departures, one each (src/protocol/provider-quirks.ts holds the hint
 * `oidc-probe login` shows for each): what a client meets in the field, reproducible on loopback.
 */
const QUIRK_DEFECTS = [
  'issuer_template',
  'entra_v1',
  'iss_no_scheme',
  'localhost_only',
  'apple_user',
  'token_error_200',
  'no_id_token',
  'no_id_token_refresh',
  'auth_time_zero',
  'workload_identity',
  'discovery_redirect',
] as const;

type ResilienceDefect = `${'slow' | 'http_500' | 'malformed_json'}_${ResilienceEndpoint}`;
const RESILIENCE_DEFECTS: ResilienceDefect[] = (['slow', 'http_500', 'malformed_json'] as const).flatMap((kind) =>
  RESILIENCE_ENDPOINTS.map((endpoint): ResilienceDefect => `${kind}_${endpoint}`),
);

export type Defect =
  | (typeof TOKEN_DEFECTS)[number]
  | (typeof ADVANCED_DEFECTS)[number]
  | (typeof QUIRK_DEFECTS)[number]
  | ResilienceDefect;
export const DEFECTS: readonly Defect[] = [
  ...TOKEN_DEFECTS,
  ...ADVANCED_DEFECTS,
  ...QUIRK_DEFECTS,
  ...RESILIENCE_DEFECTS,
];

/**
 * What a relying party that follows the specifications does: reject (with the `oidc-probe login`
 * check that fails), accept (a legal variation it must handle), warn, or stop with an exit code.
 */
export type Expectation =
  | { outcome: 'reject'; check: string }
  | { outcome: 'accept' }
  | { outcome: 'warn'; check: string }
  | { outcome: 'error'; exit: number };

export interface DefectInfo {
  name: Defect;
  /** What the provider does, in a few words. */
  does: string;
  /** The rule it breaks (or, for a variation, allows), with its clause. */
  rule: string;
  expect: Expectation;
  /** For a provider quirk: the provider whose documented behaviour it imitates. */
  imitates?: string;
}

const reject = (check: string): Expectation => ({ outcome: 'reject', check });
const accept: Expectation = { outcome: 'accept' };

const TOKEN_CATALOGUE: DefectInfo[] = [
  { name: 'iss', does: 'ID token iss names another issuer', rule: 'Core 3.1.3.7 step 2', expect: reject('iss') },
  { name: 'aud', does: 'ID token aud names another client', rule: 'Core 3.1.3.7 step 3', expect: reject('aud') },
  { name: 'aud_missing', does: 'ID token without aud', rule: 'Core 2 (aud REQUIRED)', expect: reject('aud') },
  {
    name: 'aud_untrusted',
    does: 'ID token aud lists "untrusted-api" besides the client (azp the client)',
    rule: 'Core 3.1.3.7 step 3 (audiences the client does not trust)',
    expect: { outcome: 'warn', check: 'aud' },
  },
  { name: 'sub_missing', does: 'ID token without sub', rule: 'Core 2 (sub REQUIRED)', expect: reject('sub') },
  { name: 'iat_missing', does: 'ID token without iat', rule: 'Core 2 (iat REQUIRED)', expect: reject('iat') },
  { name: 'exp_missing', does: 'ID token without exp', rule: 'Core 2 (exp REQUIRED)', expect: reject('exp') },
  { name: 'expired', does: 'ID token expired an hour ago', rule: 'Core 3.1.3.7 step 9', expect: reject('exp') },
  { name: 'iat_future', does: 'ID token issued an hour from now', rule: 'Core 3.1.3.7 step 10', expect: reject('iat') },
  {
    name: 'nonce',
    does: 'ID token nonce differs from the request',
    rule: 'Core 3.1.3.7 step 11',
    expect: reject('nonce'),
  },
  {
    name: 'nonce_missing',
    does: 'ID token without the nonce that was sent',
    rule: 'Core 3.1.3.7 step 11',
    expect: reject('nonce'),
  },
  {
    name: 'sig_rs256',
    does: 'RS256 ID token with a broken signature',
    rule: 'Core 3.1.3.7 step 6',
    expect: reject('signature'),
  },
  {
    name: 'sig_es256',
    does: 'ES256 ID token with a broken signature',
    rule: 'Core 3.1.3.7 step 6',
    expect: reject('signature'),
  },
  {
    name: 'sig_hs256',
    does: 'HS256 ID token (client secret) with a broken signature; needs a client secret',
    rule: 'Core 3.1.3.7 step 8, 10.1',
    expect: reject('signature'),
  },
  {
    name: 'alg_none',
    does: 'unsecured ID tokens (alg none)',
    rule: 'Core 3.1.3.7 step 7, RFC 8725 §3.2',
    expect: reject('alg'),
  },
  {
    // A client with a secret verifies HS256 with it (Core 10.1), so the signature fails; a public
    // client has no secret, and must refuse HS256 against a published JWKS (the alg row).
    name: 'key_confusion',
    does: 'HS256 ID token keyed with the RSA public key (PEM), kid of the RSA key',
    rule: 'RFC 8725 §3.1',
    expect: reject('signature'),
  },
  {
    name: 'kid_absent_single',
    does: 'no kid in the header; the JWKS holds the one RSA key that signs',
    rule: 'Core 10.1 (kid may be left out with a single key)',
    expect: accept,
  },
  {
    name: 'kid_absent_multi',
    does: 'no kid in the header; the JWKS holds several keys',
    rule: 'Core 10.1 (kid REQUIRED with several keys)',
    expect: { outcome: 'warn', check: 'kid' },
  },
  {
    name: 'rotation',
    does: 'signs with a key the JWKS publishes only from its second fetch on',
    rule: 'Core 10.1.1 (signing key rotation)',
    expect: accept,
  },
  {
    name: 'hs256',
    does: 'valid HS256 ID tokens keyed with the client secret; needs a client secret',
    rule: 'Core 10.1 (symmetric signing)',
    expect: accept,
  },
  {
    name: 'at_hash',
    does: 'ID token at_hash does not match the access token',
    rule: 'Core 3.2.2.9, 3.3.2.11',
    expect: reject('at_hash'),
  },
  {
    name: 'at_hash_missing',
    does: 'no at_hash in an ID token that comes with an access token from the authorization endpoint',
    rule: 'Core 3.2.2.10, 3.3.2.11',
    expect: reject('at_hash'),
  },
  {
    name: 'c_hash',
    does: 'ID token c_hash does not match the code',
    rule: 'Core 3.3.2.10',
    expect: reject('c_hash'),
  },
  {
    name: 'c_hash_missing',
    does: 'no c_hash in an ID token that comes with a code',
    rule: 'Core 3.3.2.11',
    expect: reject('c_hash'),
  },
  {
    name: 's_hash',
    does: 'ID token s_hash does not match the state',
    rule: 'FAPI 1.0 Advanced §5.2.2.4',
    expect: reject('s_hash'),
  },
  {
    name: 'hybrid_sub',
    does: 'the token endpoint ID token names another sub than the authorization endpoint one',
    rule: 'Core 3.3.3.6',
    expect: reject('hybrid_sub'),
  },
  {
    name: 'userinfo_sub',
    does: 'userinfo names another sub than the ID token',
    rule: 'Core 5.3.2',
    expect: reject('userinfo_sub'),
  },
  {
    name: 'discovery_issuer',
    does: 'the discovery document names another issuer',
    rule: 'Discovery §4.3',
    expect: reject('discovery.issuer'),
  },
  {
    name: 'state',
    does: 'the authorization response carries another state',
    rule: 'RFC 6749 §4.1.2, §10.12',
    expect: reject('state'),
  },
  {
    name: 'iss_param',
    does: 'the authorization response iss parameter names another issuer',
    rule: 'RFC 9207 §2.4',
    expect: reject('iss_param'),
  },
  {
    name: 'query_channel',
    does: 'answers in the query string whatever response_mode was asked for',
    rule: 'Multiple Response Types §2.1, §3',
    expect: reject('response_mode'),
  },
  {
    name: 'query_unless_asked',
    does: 'answers in the query string unless a response_mode is sent (ignores the fragment default)',
    rule: 'Multiple Response Types §2.1',
    expect: reject('response_mode'),
  },
  {
    name: 'access_denied',
    does: 'answers every authorization request with error=access_denied',
    rule: 'RFC 6749 §4.1.2.1 (an error response, not a grant)',
    expect: { outcome: 'error', exit: 4 },
  },
];

const ADVANCED_CATALOGUE: DefectInfo[] = [
  {
    name: 'dpop_ignored',
    does: 'the token endpoint ignores a DPoP proof: token_type Bearer, a token bound to nothing',
    rule: 'RFC 9449 §5',
    expect: reject('dpop.token_type'),
  },
  {
    name: 'dpop_cnf',
    does: "DPoP-bound access tokens are JWTs whose cnf.jkt names another key than the proof's",
    rule: 'RFC 9449 §6.1',
    expect: reject('dpop.cnf_jkt'),
  },
  {
    name: 'jarm_unsigned',
    does: 'JARM responses (response_mode jwt, query.jwt, fragment.jwt, form_post.jwt) unsecured (alg none)',
    rule: 'JARM §2.1, §4.4',
    expect: reject('jarm.alg'),
  },
  {
    name: 'jarm_aud',
    does: 'the JARM response aud names another client',
    rule: 'JARM §4.4',
    expect: reject('jarm.aud'),
  },
  {
    name: 'jarm_iss',
    does: 'the JARM response iss names another issuer',
    rule: 'JARM §4.4',
    expect: reject('jarm.iss'),
  },
  {
    name: 'jarm_expired',
    does: 'the JARM response expired an hour ago',
    rule: 'JARM §4.4',
    expect: reject('jarm.exp'),
  },
  {
    name: 'par_bad',
    does: 'the PAR endpoint answers 200 with a request_uri that is no URI, and no expires_in',
    rule: 'RFC 9126 §2.2',
    expect: reject('par.request_uri'),
  },
  {
    name: 'par_error',
    does: 'the PAR endpoint refuses every pushed request (400 invalid_request)',
    rule: 'RFC 9126 §2.3 (an error response, not a request_uri)',
    expect: { outcome: 'error', exit: 4 },
  },
  {
    name: 'cnf_x5t',
    does: "access tokens are JWTs bound (cnf x5t#S256) to another certificate than the client's",
    rule: 'RFC 8705 §3.1',
    expect: reject('cnf'),
  },
];

const QUIRK_CATALOGUE: DefectInfo[] = [
  {
    name: 'issuer_template',
    does:
      'discovery (also at /common/v2.0/.well-known/openid-configuration) names the issuer ISSUER/{tenantid}/v2.0; ' +
      'ID tokens carry iss ISSUER/<tenant>/v2.0 and tid; no RFC 9207 iss in authorization responses',
    imitates: 'Microsoft Entra ID (the common, organizations and consumers endpoints)',
    rule:
      'Discovery §4.3 (issuer identical to the URL asked); a careful client accepts the template only when ' +
      "told to (login --issuer-template) and then holds iss to the token's tid",
    expect: reject('discovery.issuer'),
  },
  {
    name: 'entra_v1',
    does: 'expires_in as the string "600"; ID token iss https://sts.windows.net/<tenant>/, with tid',
    imitates: 'Microsoft Entra ID v1.0 endpoints and AD FS',
    rule: 'RFC 6749 §5.1 (expires_in a number: a warning); Core 3.1.3.7 step 2 (iss the issuer)',
    expect: reject('iss'),
  },
  {
    name: 'iss_no_scheme',
    does: 'ID token iss is the issuer without its http:// scheme',
    imitates: "Google's older ID tokens (iss accounts.google.com)",
    rule: 'Core 3.1.3.7 step 2 (iss identical to the issuer)',
    expect: reject('iss'),
  },
  {
    name: 'localhost_only',
    does:
      "a redirect URI not on the name localhost gets a 302 to the provider's own error page " +
      '(ISSUER/error?error=redirect_mismatch), never the redirect URI',
    imitates: 'Amazon Cognito',
    rule:
      'RFC 8252 §7.3, §8.3 (the loopback IP literal, any port); the answer never arrives, so a careful ' +
      'client stops at its timeout and names the way out (--redirect-uri http://localhost:PORT/callback)',
    expect: { outcome: 'error', exit: 5 },
  },
  {
    name: 'apple_user',
    does: 'form_post answers add a user parameter (JSON: name and email)',
    imitates: 'Sign in with Apple (on the first sign-in)',
    rule: 'Form Post Response Mode §2 (the response parameters only); unsigned, so not identity (Core 3.1.3.7)',
    expect: { outcome: 'warn', check: 'extra_params' },
  },
  {
    name: 'token_error_200',
    does: 'the token endpoint answers every request with HTTP 200 and {"error":"bad_verification_code"}',
    imitates: 'GitHub OAuth apps',
    rule: 'RFC 6749 §5.2 (errors with HTTP 400)',
    expect: { outcome: 'error', exit: 4 },
  },
  {
    name: 'no_id_token',
    does: 'the token endpoint sends no id_token, even for scope openid',
    imitates: 'GitHub OAuth apps and other OAuth 2.0-only servers',
    rule: 'Core 3.1.3.3 (id_token in every successful token response)',
    expect: reject('format'),
  },
  {
    name: 'no_id_token_refresh',
    does: 'refresh answers carry no id_token (the first token response has one)',
    imitates: 'many providers',
    rule: 'Core 12.2 (the ID token is optional on refresh: a skip, not a failure)',
    expect: accept,
  },
  {
    name: 'auth_time_zero',
    does: 'ID tokens carry auth_time 0',
    imitates: 'rodauth-oauth for accounts without a recorded sign-in, among others',
    rule: 'Core 2 (auth_time the time of the authentication, left out when unknown)',
    expect: { outcome: 'warn', check: 'auth_time' },
  },
  {
    name: 'workload_identity',
    does:
      'discovery names only issuer, jwks_uri, response type id_token, subject types and signing algs: ' +
      'no authorization, token or userinfo endpoint',
    imitates: 'workload-identity issuers (GitHub Actions, Kubernetes service accounts)',
    rule:
      'Discovery §3 (authorization_endpoint REQUIRED; left out by design); a careful client verifies such ' +
      'tokens and does not try to log in (exit 2, endpoint_not_advertised)',
    expect: { outcome: 'error', exit: 2 },
  },
  {
    name: 'discovery_redirect',
    does: 'the well-known URL answers 301 to ISSUER/meta/openid-configuration, which serves the document',
    imitates: 'some providers and the proxies in front of them',
    rule:
      'Discovery §4 (the document at ISSUER/.well-known/openid-configuration); a careful client follows ' +
      'only when told to (discover --follow-redirect)',
    expect: { outcome: 'error', exit: 3 },
  },
];

const RESILIENCE_WHAT: Record<'slow' | 'http_500' | 'malformed_json', string> = {
  slow: 'answers after --slow-delay seconds',
  http_500: 'answers HTTP 500',
  malformed_json: 'answers 200 with JSON cut in half',
};

/** Every defect with what it does, the rule, and what a careful relying party does about it. */
export const DEFECT_CATALOGUE: readonly DefectInfo[] = [
  ...TOKEN_CATALOGUE,
  ...ADVANCED_CATALOGUE,
  ...QUIRK_CATALOGUE,
  ...RESILIENCE_DEFECTS.map((name): DefectInfo => {
    const kind = name.replace(/_(discovery|jwks|token|userinfo)$/, '') as keyof typeof RESILIENCE_WHAT;
    const endpoint = name.slice(kind.length + 1);
    return {
      name,
      does: `the ${endpoint} endpoint ${RESILIENCE_WHAT[kind]}`,
      rule: 'resilience: fail cleanly',
      expect: { outcome: 'error', exit: 3 },
    };
  }),
];

export function isDefect(name: string): name is Defect {
  return (DEFECTS as readonly string[]).includes(name);
}

/** Splits names into known defects and the unknown rest (the caller says which are valid). */
export function parseDefectNames(names: readonly string[]): { defects: Defect[]; unknown: string[] } {
  const defects: Defect[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    if (isDefect(n)) {
      if (!defects.includes(n)) defects.push(n);
    } else unknown.push(n);
  }
  return { defects, unknown };
}

/** The tenant the Entra defects put in iss and tid (Microsoft's tenant of personal accounts). */
export const ENTRA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

export type Claims = Record<string, unknown>;
export type IdTokenChannel = 'authorization_endpoint' | 'token_endpoint';

/** Another value of the same shape: one base64url character changed in the middle. */
export function alter(value: string): string {
  const i = Math.floor(value.length / 2);
  return `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
}

/**
 * The claims of an ID token after the claim defects. `claims` are what a well-behaved provider
 * would sign (hashes included); `hybrid` is true for a token endpoint ID token whose authorization
 * response also carried one (Core 3.3.3.6 compares their sub).
 */
export function applyClaimDefects(
  claims: Readonly<Claims>,
  defects: ReadonlySet<Defect>,
  ctx: { issuer: string; channel: IdTokenChannel; hybrid: boolean },
): { claims: Claims; applied: Defect[] } {
  const out: Claims = { ...claims };
  const applied: Defect[] = [];
  const apply = (d: Defect, change: () => void) => {
    if (defects.has(d)) {
      change();
      applied.push(d);
    }
  };
  apply('iss', () => {
    out.iss = `${ctx.issuer}/not-the-issuer`;
  });
  // The issuer forms of known providers (provider-quirks.ts); a plain wrong iss takes precedence.
  if (!defects.has('iss')) {
    const base = ctx.issuer.replace(/\/$/, '');
    if (defects.has('issuer_template'))
      apply('issuer_template', () => Object.assign(out, { iss: `${base}/${ENTRA_TENANT}/v2.0`, tid: ENTRA_TENANT }));
    else if (defects.has('entra_v1'))
      apply('entra_v1', () =>
        Object.assign(out, { iss: `https://sts.windows.net/${ENTRA_TENANT}/`, tid: ENTRA_TENANT }),
      );
    else apply('iss_no_scheme', () => (out.iss = ctx.issuer.replace(/^https?:\/\//, '')));
  }
  if ('auth_time' in out) apply('auth_time_zero', () => (out.auth_time = 0));
  apply('aud', () => {
    out.aud = 'someone-else';
  });
  apply('aud_untrusted', () => {
    out.aud = [claims.aud, 'untrusted-api'];
    out.azp = claims.aud;
  });
  if (typeof out.iat === 'number') {
    const iat = out.iat;
    apply('iat_future', () => {
      out.iat = iat + 3600;
    });
    if (defects.has('expired')) {
      out.iat = iat - 7200;
      out.exp = iat - 3600;
      applied.push('expired');
    }
  }
  if (out.nonce !== undefined) apply('nonce', () => (out.nonce = 'not-the-nonce'));
  for (const [d, claim] of [
    ['at_hash', 'at_hash'],
    ['c_hash', 'c_hash'],
    ['s_hash', 's_hash'],
  ] as const) {
    const v = out[claim];
    if (typeof v === 'string') apply(d, () => (out[claim] = alter(v)));
  }
  if (ctx.channel === 'token_endpoint' && ctx.hybrid) apply('hybrid_sub', () => (out.sub = 'mallory'));
  const drops: [Defect, string][] = [
    ['aud_missing', 'aud'],
    ['sub_missing', 'sub'],
    ['iat_missing', 'iat'],
    ['exp_missing', 'exp'],
    ['nonce_missing', 'nonce'],
    ['at_hash_missing', 'at_hash'],
    ['c_hash_missing', 'c_hash'],
  ];
  for (const [d, claim] of drops) {
    if (claim in out) apply(d, () => delete out[claim]);
  }
  return { claims: out, applied };
}

/** The provider's own signing algorithms (its JWKS holds one key of each). */
export type ProviderAlg = 'RS256' | 'ES256' | 'EdDSA';

/** How one ID token is secured. */
export type SigningPlan =
  | { kind: 'none' }
  | {
      kind: 'key';
      /** Which key: the current one of an alg, the key published late (rotation) or the spare RSA key. */
      key: ProviderAlg | 'rotation';
      kid: boolean;
      broken: boolean;
    }
  | { kind: 'client_secret'; broken: boolean }
  /** HS256 with the bytes of the RSA public key's PEM as the secret (the key-confusion attack). */
  | { kind: 'rsa_public_key_as_secret' };

/** Core 10.1 and the signature defects: which key signs, whether the kid is sent, whether it is broken. */
export function signingPlan(
  defects: ReadonlySet<Defect>,
  ctx: { alg: ProviderAlg; clientHasSecret: boolean },
): { plan: SigningPlan; applied: Defect[]; notApplicable: Defect[] } {
  const notApplicable: Defect[] = [];
  const one = (plan: SigningPlan, d: Defect) => ({ plan, applied: [d], notApplicable });
  if (defects.has('alg_none')) return one({ kind: 'none' }, 'alg_none');
  if (defects.has('sig_rs256')) return one({ kind: 'key', key: 'RS256', kid: true, broken: true }, 'sig_rs256');
  if (defects.has('sig_es256')) return one({ kind: 'key', key: 'ES256', kid: true, broken: true }, 'sig_es256');
  for (const d of ['sig_hs256', 'hs256'] as const) {
    if (!defects.has(d)) continue;
    // Core 10.1: the HMAC key is the client secret; a public client has none.
    if (ctx.clientHasSecret) return one({ kind: 'client_secret', broken: d === 'sig_hs256' }, d);
    notApplicable.push(d);
  }
  if (defects.has('key_confusion')) return one({ kind: 'rsa_public_key_as_secret' }, 'key_confusion');
  for (const d of ['kid_absent_single', 'kid_absent_multi'] as const)
    if (defects.has(d)) return one({ kind: 'key', key: 'RS256', kid: false, broken: false }, d);
  if (defects.has('rotation')) return one({ kind: 'key', key: 'rotation', kid: true, broken: false }, 'rotation');
  return { plan: { kind: 'key', key: ctx.alg, kid: true, broken: false }, applied: [], notApplicable };
}

/** Which keys the JWKS publishes: the current ones, the retired ones and the defect-specific ones. */
export type PublishedKey = 'current' | 'current_rsa' | 'previous' | 'spare_rsa' | 'rotation';

/**
 * The JWKS under the key defects. `fetches` counts JWKS fetches since the defects last changed,
 * this one included: with rotation the signing key appears from the second fetch on.
 */
export function publishedKeys(
  defects: ReadonlySet<Defect>,
  fetches: number,
): { keys: PublishedKey[]; applied: Defect[] } {
  if (defects.has('kid_absent_single')) return { keys: ['current_rsa'], applied: ['kid_absent_single'] };
  if (defects.has('kid_absent_multi'))
    return { keys: ['current', 'spare_rsa', 'previous'], applied: ['kid_absent_multi'] };
  if (defects.has('rotation'))
    return fetches > 1
      ? { keys: ['current', 'previous', 'rotation'], applied: ['rotation'] }
      : { keys: ['current', 'previous'], applied: [] };
  return { keys: ['current', 'previous'], applied: [] };
}

/**
 * The authorization response parameters and channel after the response defects. `params` and
 * `mode` are what a well-behaved provider would send; access_denied replaces the grant entirely
 * (the caller then issues nothing).
 */
export function applyResponseDefects(
  params: Readonly<Record<string, string>>,
  mode: 'query' | 'fragment' | 'form_post',
  defects: ReadonlySet<Defect>,
  ctx: {
    issuer: string;
    responseModeSent: boolean;
    jarm?: boolean;
    /** Who signed in, for apple_user. */
    user?: { name: string; email: string };
  },
): { params: Record<string, string>; mode: 'query' | 'fragment' | 'form_post'; applied: Defect[] } {
  const out = { ...params };
  const applied: Defect[] = [];
  if (out.state !== undefined && defects.has('state')) {
    out.state = `${out.state}-not-the-state`;
    applied.push('state');
  }
  // In a JARM response the JWT's iss claim is the issuer identification (RFC 9207 §2.4): jarm_iss changes it.
  if (defects.has('iss_param') && !ctx.jarm) {
    out.iss = `${ctx.issuer}/not-the-issuer`;
    applied.push('iss_param');
  } else if (defects.has('issuer_template') && out.iss !== undefined && !ctx.jarm) {
    // Entra sends no RFC 9207 iss (and its metadata does not announce it).
    delete out.iss;
    applied.push('issuer_template');
  }
  let channel = mode;
  if (defects.has('query_channel') && mode !== 'query') {
    channel = 'query';
    applied.push('query_channel');
  } else if (defects.has('query_unless_asked') && mode !== 'query' && !ctx.responseModeSent) {
    channel = 'query';
    applied.push('query_unless_asked');
  }
  // Sign in with Apple posts the user's name and email, unsigned, beside the response parameters.
  if (defects.has('apple_user') && channel === 'form_post' && !ctx.jarm && out.error === undefined && ctx.user) {
    const [firstName, ...rest] = ctx.user.name.split(' ');
    out.user = JSON.stringify({ name: { firstName, lastName: rest.join(' ') }, email: ctx.user.email });
    applied.push('apple_user');
  }
  return { params: out, mode: channel, applied };
}

/** The discovery document after the discovery defects; `metadata` is what a well-behaved provider publishes. */
export function applyDiscoveryDefects(
  metadata: Readonly<Claims>,
  defects: ReadonlySet<Defect>,
  ctx: { issuer: string },
): { metadata: Claims; applied: Defect[] } {
  let out: Claims = { ...metadata };
  const applied: Defect[] = [];
  if (defects.has('discovery_issuer')) {
    out.issuer = `${ctx.issuer}/not-the-issuer`;
    applied.push('discovery_issuer');
  } else if (defects.has('issuer_template')) {
    out.issuer = `${ctx.issuer.replace(/\/$/, '')}/{tenantid}/v2.0`;
    delete out.authorization_response_iss_parameter_supported;
    applied.push('issuer_template');
  }
  if (defects.has('workload_identity')) {
    // What GitHub Actions and Kubernetes publish: enough to verify their tokens, nothing to log in with.
    out = {
      issuer: out.issuer,
      jwks_uri: out.jwks_uri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
    applied.push('workload_identity');
  }
  return { metadata: out, applied };
}

/** A token endpoint answer after the token response defects; `body` is what a well-behaved provider sends. */
export function applyTokenResponseDefects(
  body: Readonly<Claims>,
  defects: ReadonlySet<Defect>,
  ctx: { grantType: string },
): { body: Claims; applied: Defect[] } {
  const out: Claims = { ...body };
  const applied: Defect[] = [];
  if (defects.has('entra_v1') && typeof out.expires_in === 'number') {
    out.expires_in = String(out.expires_in);
    applied.push('entra_v1');
  }
  if (out.id_token !== undefined) {
    if (defects.has('no_id_token')) {
      delete out.id_token;
      applied.push('no_id_token');
    } else if (defects.has('no_id_token_refresh') && ctx.grantType === 'refresh_token') {
      delete out.id_token;
      applied.push('no_id_token_refresh');
    }
  }
  return { body: out, applied };
}

/** Cognito's rule: an http redirect URI is answered only on the name localhost (not a loopback IP literal). */
export function refusedAsNotLocalhost(redirectUri: string, defects: ReadonlySet<Defect>): boolean {
  if (!defects.has('localhost_only')) return false;
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'http:' && url.hostname !== 'localhost';
  } catch {
    return true;
  }
}

/**
 * The claims of a JARM response JWT after the JARM defects, and whether it is signed. `claims` are
 * what a well-behaved provider would sign (JARM §2.1: the response parameters, iss, aud, exp).
 */
export function applyJarmDefects(
  claims: Readonly<Claims>,
  defects: ReadonlySet<Defect>,
  ctx: { issuer: string },
): { claims: Claims; signed: boolean; applied: Defect[] } {
  const out: Claims = { ...claims };
  const applied: Defect[] = [];
  if (defects.has('jarm_iss')) {
    out.iss = `${ctx.issuer}/not-the-issuer`;
    applied.push('jarm_iss');
  }
  if (defects.has('jarm_aud')) {
    out.aud = 'someone-else';
    applied.push('jarm_aud');
  }
  if (defects.has('jarm_expired') && typeof out.exp === 'number') {
    const now = typeof out.iat === 'number' ? out.iat : out.exp;
    out.iat = now - 4200;
    out.exp = now - 3600;
    applied.push('jarm_expired');
  }
  const signed = !defects.has('jarm_unsigned');
  if (!signed) applied.push('jarm_unsigned');
  return { claims: out, signed, applied };
}

/** The SHA-256 thumbprint (RFC 8705 §3.1) of a certificate no client of this provider has. */
export const OTHER_CERTIFICATE_THUMBPRINT = createHash('sha256')
  .update('a certificate the client never presented')
  .digest('base64url');

/**
 * The confirmation (cnf, RFC 7800 §3.1) of an access token after the binding defects. `jkt` is the
 * thumbprint of the DPoP proof key when the token is DPoP-bound (RFC 9449 §6.1). Without a cnf the
 * token needs no claims a client could read, so the caller keeps it opaque.
 */
export function accessTokenConfirmation(
  jkt: string | undefined,
  defects: ReadonlySet<Defect>,
): { cnf?: Record<string, string>; applied: Defect[] } {
  const cnf: Record<string, string> = {};
  const applied: Defect[] = [];
  if (jkt !== undefined) {
    cnf.jkt = jkt;
    if (defects.has('dpop_cnf')) {
      cnf.jkt = alter(jkt);
      applied.push('dpop_cnf');
    }
  }
  if (defects.has('cnf_x5t')) {
    cnf['x5t#S256'] = OTHER_CERTIFICATE_THUMBPRINT;
    applied.push('cnf_x5t');
  }
  return Object.keys(cnf).length ? { cnf, applied } : { applied };
}

/** The resilience faults for one endpoint, in the order they happen: wait, then fail or cut. */
export function resilienceFaults(
  defects: ReadonlySet<Defect>,
  endpoint: string,
): { slow: boolean; status500: boolean; malformed: boolean; applied: Defect[] } {
  if (!(RESILIENCE_ENDPOINTS as readonly string[]).includes(endpoint))
    return { slow: false, status500: false, malformed: false, applied: [] };
  const e = endpoint as ResilienceEndpoint;
  const applied = (['slow', 'http_500', 'malformed_json'] as const)
    .map((k): Defect => `${k}_${e}`)
    .filter((d) => defects.has(d));
  return {
    slow: defects.has(`slow_${e}`),
    status500: defects.has(`http_500_${e}`),
    malformed: defects.has(`malformed_json_${e}`) && !defects.has(`http_500_${e}`),
    applied,
  };
}
