// What the names in a JWT mean: registered claims (IANA "JSON Web Token Claims") and JOSE header
// parameters (IANA "JSON Web Signature and Encryption Header Parameters"), with the spec each comes
// from. Plain data and lookups only: `decode` loads this at start-up, so no imports here.

export interface NameInfo {
  /** A short phrase for a table cell. */
  description: string;
  /** Where it is defined, e.g. "RFC 7519 §4.1.4". */
  source: string;
  /** NumericDate: seconds since the epoch (RFC 7519 §2). */
  time?: boolean;
  /** Known members of an object-valued claim (cnf, address, act…). */
  members?: Readonly<Record<string, string>>;
}

type Registry = Readonly<Record<string, NameInfo>>;

const CORE = 'OpenID Connect Core 1.0';

const ADDRESS_MEMBERS = {
  formatted: 'full mailing address, formatted for display',
  street_address: 'street address (may span lines)',
  locality: 'city or locality',
  region: 'state, province, prefecture or region',
  postal_code: 'zip or postal code',
  country: 'country name',
};

// RFC 7800 §3 confirmation methods, plus those registered later.
const CNF_MEMBERS = {
  jwk: 'the proof-of-possession key as a JWK (RFC 7800 §3.2)',
  jwe: 'the proof-of-possession key, encrypted (RFC 7800 §3.3)',
  kid: 'id of the proof-of-possession key (RFC 7800 §3.4)',
  jku: 'URL of a JWK set holding the proof-of-possession key (RFC 7800 §3.5)',
  'x5t#S256': 'SHA-256 thumbprint of the client certificate: mTLS-bound token (RFC 8705 §3.1)',
  jkt: 'SHA-256 JWK thumbprint of the DPoP key: DPoP-bound token (RFC 9449 §6.1)',
  osc: 'OSCORE input material (RFC 9203)',
};

const ACT_MEMBERS = {
  sub: 'the acting party',
  iss: "issuer of the acting party's identity",
  act: 'an earlier actor in the delegation chain (RFC 8693 §4.1)',
};

export const CLAIMS: Registry = {
  // RFC 7519 §4.1: registered claim names
  iss: { description: 'issuer: who made and signed the token', source: 'RFC 7519 §4.1.1' },
  sub: { description: 'subject: who the token is about (unique within the issuer)', source: 'RFC 7519 §4.1.2' },
  aud: { description: 'audience: who the token is meant for', source: 'RFC 7519 §4.1.3' },
  exp: { description: 'expiration time: must not be accepted on or after it', source: 'RFC 7519 §4.1.4', time: true },
  nbf: { description: 'not before: must not be accepted before it', source: 'RFC 7519 §4.1.5', time: true },
  iat: { description: 'issued at', source: 'RFC 7519 §4.1.6', time: true },
  jti: { description: 'JWT ID: unique id of this token (replay detection)', source: 'RFC 7519 §4.1.7' },

  // OpenID Connect Core §2: ID token claims
  auth_time: { description: 'when the end-user authenticated', source: `${CORE} §2`, time: true },
  nonce: { description: 'value from the authentication request, against replay', source: `${CORE} §2` },
  acr: {
    description: 'authentication context class reference: how strong the authentication was',
    source: `${CORE} §2`,
  },
  amr: { description: 'authentication methods used (values per RFC 8176)', source: `${CORE} §2` },
  azp: { description: 'authorized party: the client the token was issued to', source: `${CORE} §2` },
  at_hash: { description: 'hash of the access token issued with this ID token', source: `${CORE} §3.1.3.6` },
  c_hash: { description: 'hash of the authorization code issued with this ID token', source: `${CORE} §3.3.2.11` },
  s_hash: { description: 'hash of the state value', source: 'FAPI 1.0 Advanced §5.1' },
  sub_jwk: { description: 'public key of a self-issued ID token', source: `${CORE} §7.4` },
  sid: {
    description: 'session id at the provider (for logout)',
    source: 'OpenID Connect Front/Back-Channel Logout 1.0',
  },
  _claim_names: {
    description: 'aggregated/distributed claims: which claim comes from which source',
    source: `${CORE} §5.6.2`,
  },
  _claim_sources: { description: 'aggregated/distributed claims: where to get them', source: `${CORE} §5.6.2` },

  // OpenID Connect Core §5.1: standard claims
  name: { description: 'full name', source: `${CORE} §5.1` },
  given_name: { description: 'given (first) name', source: `${CORE} §5.1` },
  family_name: { description: 'family (last) name', source: `${CORE} §5.1` },
  middle_name: { description: 'middle name', source: `${CORE} §5.1` },
  nickname: { description: 'casual name', source: `${CORE} §5.1` },
  preferred_username: {
    description: 'shorthand name the user wishes to be called; not unique, not an id',
    source: `${CORE} §5.1`,
  },
  profile: { description: 'profile page URL', source: `${CORE} §5.1` },
  picture: { description: 'profile picture URL', source: `${CORE} §5.1` },
  website: { description: 'web page or blog URL', source: `${CORE} §5.1` },
  email: { description: 'preferred e-mail address; not unique, not an id', source: `${CORE} §5.1` },
  email_verified: { description: 'whether the provider verified the e-mail address', source: `${CORE} §5.1` },
  gender: { description: 'gender', source: `${CORE} §5.1` },
  birthdate: { description: 'birthday (YYYY-MM-DD or YYYY)', source: `${CORE} §5.1` },
  zoneinfo: { description: 'time zone (IANA database name)', source: `${CORE} §5.1` },
  locale: { description: 'locale (BCP 47 language tag)', source: `${CORE} §5.1` },
  phone_number: { description: 'preferred telephone number (E.164 recommended)', source: `${CORE} §5.1` },
  phone_number_verified: { description: 'whether the provider verified the phone number', source: `${CORE} §5.1` },
  address: { description: 'postal address', source: `${CORE} §5.1.1`, members: ADDRESS_MEMBERS },
  updated_at: { description: "when the user's information was last updated", source: `${CORE} §5.1`, time: true },
  verified_claims: {
    description: 'claims with identity-assurance evidence',
    source: 'OpenID Connect for Identity Assurance 1.0',
  },

  // RFC 9068 (JWT access tokens) and the claims it borrows from RFC 8693 / RFC 7643
  client_id: { description: 'the OAuth client the token was issued to', source: 'RFC 8693 §4.3, RFC 9068 §2.2' },
  scope: { description: 'granted scopes, space-separated', source: 'RFC 8693 §4.2, RFC 9068 §2.2.3' },
  groups: { description: 'groups the subject belongs to', source: 'RFC 7643 §4.1.2, RFC 9068 §2.2.3.1' },
  roles: { description: 'roles of the subject', source: 'RFC 7643 §4.1.2, RFC 9068 §2.2.3.1' },
  entitlements: { description: 'entitlements of the subject', source: 'RFC 7643 §4.1.2, RFC 9068 §2.2.3.1' },

  // RFC 8693 token exchange
  act: {
    description: 'actor: who acts on behalf of the subject (delegation)',
    source: 'RFC 8693 §4.1',
    members: ACT_MEMBERS,
  },
  may_act: { description: 'who may act on behalf of the subject', source: 'RFC 8693 §4.4', members: ACT_MEMBERS },

  // Proof of possession
  cnf: {
    description: 'confirmation: the key the presenter must prove to hold',
    source: 'RFC 7800 §3.1',
    members: CNF_MEMBERS,
  },

  // RFC 9396 rich authorization requests
  authorization_details: {
    description: 'fine-grained authorization data (rich authorization request)',
    source: 'RFC 9396 §9.1',
  },

  // RFC 8417 security event tokens, OpenID Back-Channel Logout, RFC 9493 subject identifiers
  events: { description: 'security events this token reports (keyed by event type URI)', source: 'RFC 8417 §2.2' },
  txn: { description: 'transaction id shared by related events', source: 'RFC 8417 §2.2' },
  toe: { description: 'time the event occurred', source: 'RFC 8417 §2.2', time: true },
  sub_id: { description: 'subject identifier as a structured object', source: 'RFC 9493 §4.1' },

  // RFC 9449 DPoP proofs
  htm: { description: 'HTTP method of the request this DPoP proof is for', source: 'RFC 9449 §4.2' },
  htu: { description: 'HTTP URI of the request this DPoP proof is for', source: 'RFC 9449 §4.2' },
  ath: { description: 'hash of the access token sent with this DPoP proof', source: 'RFC 9449 §4.2' },

  // Authorization requests as JWTs (RFC 9101) and related
  response_type: { description: 'requested response type', source: 'RFC 9101 §4' },
  redirect_uri: { description: 'where the response should be sent', source: 'RFC 9101 §4' },
  state: { description: 'opaque value echoed back to the client', source: 'RFC 9101 §4' },
  claims: { description: 'individual claims requested', source: `${CORE} §5.5` },
  token_introspection: { description: 'token introspection response', source: 'RFC 9701 §5' },
  software_statement: { description: 'signed metadata about the client software', source: 'RFC 7591 §2.3' },

  // SD-JWT and verifiable credentials
  _sd: { description: 'digests of selectively disclosable claims', source: 'RFC 9901 §4.2.4.1' },
  _sd_alg: { description: 'hash algorithm of the selective-disclosure digests', source: 'RFC 9901 §4.1.1' },
  vct: { description: 'verifiable credential type', source: 'SD-JWT VC' },
  status: {
    description: 'where to check whether the token was revoked (status list)',
    source: 'OAuth Token Status List',
  },
  vc: { description: 'verifiable credential', source: 'W3C VC Data Model (JWT)' },
  vp: { description: 'verifiable presentation', source: 'W3C VC Data Model (JWT)' },
};

/** Common claims that no registry defines; labelled with the provider that emits them. */
export const PROVIDER_CLAIMS: Registry = {
  tid: { description: 'tenant id', source: 'Microsoft Entra ID (not registered)' },
  oid: {
    description: 'object id of the user, stable across applications',
    source: 'Microsoft Entra ID (not registered)',
  },
  upn: { description: 'user principal name', source: 'Microsoft Entra ID (not registered)' },
  ver: { description: 'token format version', source: 'Microsoft Entra ID / Okta (not registered)' },
  realm_access: { description: 'realm roles', source: 'Keycloak (not registered)' },
  resource_access: { description: 'client roles, per client', source: 'Keycloak (not registered)' },
  session_state: { description: 'session state (OpenID Session Management)', source: 'Keycloak (not registered)' },
  hd: { description: 'hosted domain of a Google Workspace account', source: 'Google (not registered)' },
  cid: { description: 'client id', source: 'Okta (not registered)' },
  uid: { description: 'user id', source: 'Okta (not registered)' },
};

export const HEADER_PARAMETERS: Registry = {
  alg: { description: 'algorithm used to sign (JWS) or to encrypt the content key (JWE)', source: 'RFC 7515 §4.1.1' },
  kid: { description: 'key id: which key to use', source: 'RFC 7515 §4.1.4' },
  typ: { description: 'media type of the whole token', source: 'RFC 7515 §4.1.9' },
  cty: { description: 'media type of the payload ("JWT" for a nested token)', source: 'RFC 7515 §4.1.10' },
  jku: { description: 'URL of a JWK set holding the key', source: 'RFC 7515 §4.1.2' },
  jwk: { description: 'the public key itself, as a JWK', source: 'RFC 7515 §4.1.3' },
  x5u: { description: 'URL of the X.509 certificate chain', source: 'RFC 7515 §4.1.5' },
  x5c: { description: 'X.509 certificate chain (base64 DER)', source: 'RFC 7515 §4.1.6' },
  x5t: { description: 'SHA-1 thumbprint of the X.509 certificate', source: 'RFC 7515 §4.1.7' },
  'x5t#S256': { description: 'SHA-256 thumbprint of the X.509 certificate', source: 'RFC 7515 §4.1.8' },
  crit: { description: 'extensions the recipient must understand', source: 'RFC 7515 §4.1.11' },
  enc: { description: 'content encryption algorithm', source: 'RFC 7516 §4.1.2' },
  zip: { description: 'compression applied before encryption', source: 'RFC 7516 §4.1.3' },
  epk: { description: 'ephemeral public key (ECDH-ES)', source: 'RFC 7518 §4.6.1.1' },
  apu: { description: 'agreement PartyUInfo (ECDH-ES)', source: 'RFC 7518 §4.6.1.2' },
  apv: { description: 'agreement PartyVInfo (ECDH-ES)', source: 'RFC 7518 §4.6.1.3' },
  iv: { description: 'initialization vector of the AES-GCM key wrap', source: 'RFC 7518 §4.7.1.1' },
  tag: { description: 'authentication tag of the AES-GCM key wrap', source: 'RFC 7518 §4.7.1.2' },
  p2s: { description: 'PBES2 salt', source: 'RFC 7518 §4.8.1.1' },
  p2c: { description: 'PBES2 iteration count', source: 'RFC 7518 §4.8.1.2' },
  b64: { description: 'false: the payload is not base64url-encoded', source: 'RFC 7797 §3' },
  ppt: { description: 'PASSporT extension', source: 'RFC 8225 §8.1' },
  url: { description: 'URL the request is sent to (ACME)', source: 'RFC 8555 §6.4.1' },
  nonce: { description: 'anti-replay nonce (ACME)', source: 'RFC 8555 §6.5.2' },
  svt: { description: 'signature validation token', source: 'RFC 9321 §5' },
  trust_chain: { description: 'federation trust chain', source: 'OpenID Federation 1.0' },
  // RFC 7519 §5.3: claims replicated as header parameters (mostly in JWEs)
  iss: { description: 'issuer, replicated from the claims', source: 'RFC 7519 §5.3' },
  sub: { description: 'subject, replicated from the claims', source: 'RFC 7519 §5.3' },
  aud: { description: 'audience, replicated from the claims', source: 'RFC 7519 §5.3' },
};

/** What an `alg`/`enc` value means (RFC 7518 §3.1, §4.1, §5.1; RFC 8037; RFC 9864). */
export const ALGORITHMS: Readonly<Record<string, string>> = {
  HS256: 'HMAC with SHA-256 (shared secret)',
  HS384: 'HMAC with SHA-384 (shared secret)',
  HS512: 'HMAC with SHA-512 (shared secret)',
  RS256: 'RSASSA-PKCS1-v1_5 with SHA-256',
  RS384: 'RSASSA-PKCS1-v1_5 with SHA-384',
  RS512: 'RSASSA-PKCS1-v1_5 with SHA-512',
  PS256: 'RSASSA-PSS with SHA-256',
  PS384: 'RSASSA-PSS with SHA-384',
  PS512: 'RSASSA-PSS with SHA-512',
  ES256: 'ECDSA with P-256 and SHA-256',
  ES384: 'ECDSA with P-384 and SHA-384',
  ES512: 'ECDSA with P-521 and SHA-512',
  ES256K: 'ECDSA with secp256k1 and SHA-256',
  EdDSA: 'EdDSA, Ed25519 or Ed448 (deprecated by RFC 9864 for Ed25519/Ed448)',
  Ed25519: 'EdDSA with Ed25519 (RFC 9864)',
  Ed448: 'EdDSA with Ed448 (RFC 9864)',
  none: 'no signature at all (unsecured JWT)',
  RSA1_5: 'RSAES-PKCS1-v1_5 key encryption',
  'RSA-OAEP': 'RSAES-OAEP key encryption (SHA-1)',
  'RSA-OAEP-256': 'RSAES-OAEP key encryption (SHA-256)',
  A128KW: 'AES-128 key wrap',
  A192KW: 'AES-192 key wrap',
  A256KW: 'AES-256 key wrap',
  dir: 'direct use of a shared symmetric key',
  'ECDH-ES': 'ECDH ephemeral-static key agreement',
  'ECDH-ES+A128KW': 'ECDH-ES with AES-128 key wrap',
  'ECDH-ES+A192KW': 'ECDH-ES with AES-192 key wrap',
  'ECDH-ES+A256KW': 'ECDH-ES with AES-256 key wrap',
  A128GCMKW: 'AES-128-GCM key wrap',
  A192GCMKW: 'AES-192-GCM key wrap',
  A256GCMKW: 'AES-256-GCM key wrap',
  'PBES2-HS256+A128KW': 'password-based, PBES2 with HMAC SHA-256 and AES-128 key wrap',
  'PBES2-HS384+A192KW': 'password-based, PBES2 with HMAC SHA-384 and AES-192 key wrap',
  'PBES2-HS512+A256KW': 'password-based, PBES2 with HMAC SHA-512 and AES-256 key wrap',
  'A128CBC-HS256': 'AES-128-CBC with HMAC SHA-256',
  'A192CBC-HS384': 'AES-192-CBC with HMAC SHA-384',
  'A256CBC-HS512': 'AES-256-CBC with HMAC SHA-512',
  A128GCM: 'AES-128-GCM',
  A192GCM: 'AES-192-GCM',
  A256GCM: 'AES-256-GCM',
};

/** Authentication method reference values (RFC 8176 §2). */
export const AMR_VALUES: Readonly<Record<string, string>> = {
  face: 'facial recognition',
  fpt: 'fingerprint',
  geo: 'geolocation',
  hwk: 'hardware-secured key',
  iris: 'iris scan',
  kba: 'knowledge-based authentication',
  mca: 'multiple-channel authentication',
  mfa: 'multiple-factor authentication',
  otp: 'one-time password',
  pin: 'PIN',
  pwd: 'password',
  rba: 'risk-based authentication',
  retina: 'retina scan',
  sc: 'smart card',
  sms: 'confirmation by SMS',
  swk: 'software-secured key',
  tel: 'confirmation by telephone call',
  user: 'user presence test',
  vbm: 'voice biometric',
  wia: 'Windows integrated authentication',
};

function own(registry: Registry, name: string): NameInfo | undefined {
  return Object.hasOwn(registry, name) ? registry[name] : undefined;
}

/** A claim's meaning: registered first, then well-known provider claims. */
export function describeClaim(name: string): NameInfo | undefined {
  return own(CLAIMS, name) ?? own(PROVIDER_CLAIMS, name);
}

export function describeHeaderParameter(name: string): NameInfo | undefined {
  return own(HEADER_PARAMETERS, name);
}

/** NumericDate claims: shown as ISO 8601 UTC plus a relative time. */
export function isTimeClaim(name: string): boolean {
  return describeClaim(name)?.time === true;
}

export function describeAlgorithm(alg: string): string | undefined {
  return Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
}

export function describeAmrValue(value: string): string | undefined {
  return Object.hasOwn(AMR_VALUES, value) ? AMR_VALUES[value] : undefined;
}
