// What kind of token a JWT looks like, and why. Pure: header and claims in, a verdict with its
// evidence out. Nothing here is verified, so the verdict is a reading of what the token says
// about itself (explicit typing, RFC 8725 §3.11) or of which claims it carries.

export type TokenKindId =
  | 'id_token'
  | 'access_token'
  | 'logout_token'
  | 'security_event_token'
  | 'dpop_proof'
  | 'authorization_request'
  | 'introspection_response'
  | 'entity_statement'
  | 'sd_jwt'
  | 'jwt';

/** declared: the typ header names the kind; likely/possible: the claims fit; unknown: nothing fits. */
export type KindConfidence = 'declared' | 'likely' | 'possible' | 'unknown';

export interface TokenKind {
  id: TokenKindId;
  name: string;
  confidence: KindConfidence;
  /** One sentence for people. */
  summary: string;
  /** What points to this kind. */
  evidence: string[];
  /** What does not fit the kind (missing required claims, forbidden claims). */
  conflicts: string[];
}

const NAMES: Record<TokenKindId, string> = {
  id_token: 'OpenID Connect ID token',
  access_token: 'RFC 9068 JWT access token',
  logout_token: 'OpenID Connect back-channel logout token',
  security_event_token: 'Security Event Token (RFC 8417)',
  dpop_proof: 'DPoP proof (RFC 9449)',
  authorization_request: 'JWT-secured authorization request (RFC 9101)',
  introspection_response: 'JWT introspection response (RFC 9701)',
  entity_statement: 'OpenID Federation entity statement',
  sd_jwt: 'SD-JWT (RFC 9901)',
  jwt: 'JWT of no recognised kind',
};

// Explicit types (the `typ` header without its "application/" prefix, compared case-insensitively: RFC 7515 §4.1.9).
const DECLARED_TYPES: Record<string, { id: TokenKindId; source: string }> = {
  'at+jwt': { id: 'access_token', source: 'RFC 9068 §2.1' },
  'logout+jwt': { id: 'logout_token', source: 'Back-Channel Logout 1.0 §2.4' },
  'secevent+jwt': { id: 'security_event_token', source: 'RFC 8417 §2.3' },
  'dpop+jwt': { id: 'dpop_proof', source: 'RFC 9449 §4.2' },
  'oauth-authz-req+jwt': { id: 'authorization_request', source: 'RFC 9101 §10.8' },
  'token-introspection+jwt': { id: 'introspection_response', source: 'RFC 9701 §5' },
  'entity-statement+jwt': { id: 'entity_statement', source: 'OpenID Federation 1.0' },
  'sd-jwt': { id: 'sd_jwt', source: 'RFC 9901 §9.3' },
  'vc+sd-jwt': { id: 'sd_jwt', source: 'SD-JWT VC' },
  'dc+sd-jwt': { id: 'sd_jwt', source: 'SD-JWT VC' },
};

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

const ID_TOKEN_REQUIRED = ['iss', 'sub', 'aud', 'exp', 'iat']; // Core §2
const ID_TOKEN_MARKERS = ['nonce', 'at_hash', 'c_hash', 'auth_time', 'azp', 'acr', 'amr']; // Core §2
// RFC 9068 §2.2.1 lets access tokens carry auth_time, acr and amr too; these three only ID tokens carry.
const ID_TOKEN_ONLY = ['nonce', 'at_hash', 'c_hash'];
const ACCESS_TOKEN_REQUIRED = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']; // RFC 9068 §2.2
const LOGOUT_TOKEN_REQUIRED = ['iss', 'aud', 'iat', 'jti', 'events']; // Back-Channel Logout §2.4

/** The `typ` value normalised for comparison: lower case, without "application/". */
export function normaliseTyp(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined;
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice('application/'.length) : t;
}

const has = (claims: Record<string, unknown>, name: string) => Object.hasOwn(claims, name);
const list = (names: string[]) => names.join(', ');

/** Classify a decoded JWS (claims present) or a JWE / non-JSON JWS (claims undefined: header only). */
export function classifyToken(header: Record<string, unknown>, claims: Record<string, unknown> | undefined): TokenKind {
  const typ = normaliseTyp(header.typ);
  const declared = typ !== undefined ? DECLARED_TYPES[typ] : undefined;
  if (declared) {
    const evidence = [`typ is "${String(header.typ)}" (${declared.source})`];
    return verdict(declared.id, 'declared', evidence, claims ? conflictsFor(declared.id, claims) : []);
  }
  const typNote = typ === undefined ? 'no typ header' : `typ is "${String(header.typ)}", which names no specific kind`;
  if (!claims) {
    const nested = typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT';
    return verdict(
      'jwt',
      'unknown',
      [
        typNote,
        nested
          ? 'cty is "JWT": the payload is a nested JWT (RFC 7519 §5.2), its kind is that of the inner token'
          : 'the claims cannot be read (encrypted or not JSON)',
      ],
      [],
    );
  }

  const events = claims.events;
  if (events && typeof events === 'object' && !Array.isArray(events)) {
    if (has(events as Record<string, unknown>, BACKCHANNEL_LOGOUT_EVENT)) {
      return verdict(
        'logout_token',
        'likely',
        [typNote, `events contains ${BACKCHANNEL_LOGOUT_EVENT} (Back-Channel Logout §2.4)`],
        conflictsFor('logout_token', claims),
      );
    }
    return verdict(
      'security_event_token',
      'likely',
      [typNote, `has events (${list(Object.keys(events))}) (RFC 8417 §2.2)`],
      [],
    );
  }

  if (has(claims, 'htm') && has(claims, 'htu')) {
    return verdict(
      'dpop_proof',
      'likely',
      [typNote, 'has htm and htu (RFC 9449 §4.2)'],
      conflictsFor('dpop_proof', claims),
    );
  }

  const idRequired = ID_TOKEN_REQUIRED.filter((c) => has(claims, c));
  const idMarkers = ID_TOKEN_MARKERS.filter((c) => has(claims, c));
  const atMarkers = ['client_id', 'scope'].filter((c) => has(claims, c));

  if (atMarkers.length > 0 && !ID_TOKEN_ONLY.some((c) => has(claims, c))) {
    const evidence = [typNote, `has ${list(atMarkers)} (RFC 9068 §2.2)`];
    const missing = ACCESS_TOKEN_REQUIRED.filter((c) => !has(claims, c));
    if (missing.length === 0) evidence.push(`has every claim RFC 9068 §2.2 requires (${list(ACCESS_TOKEN_REQUIRED)})`);
    const confidence = missing.length === 0 ? 'likely' : 'possible';
    return verdict('access_token', confidence, evidence, [
      'typ is not "at+jwt", which RFC 9068 §2.1 requires',
      ...(missing.length ? [`missing ${list(missing)} (required by RFC 9068 §2.2)`] : []),
    ]);
  }

  if (idRequired.length === ID_TOKEN_REQUIRED.length) {
    const evidence = [typNote, `has ${list(ID_TOKEN_REQUIRED)} (required in an ID token, Core §2)`];
    if (idMarkers.length) evidence.push(`has ${list(idMarkers)} (ID token claims, Core §2)`);
    if (atMarkers.length === 0) evidence.push('no client_id or scope (which access tokens carry)');
    return verdict(
      'id_token',
      idMarkers.length ? 'likely' : 'possible',
      evidence,
      atMarkers.length ? [`has ${list(atMarkers)}, which ID tokens do not carry`] : [],
    );
  }
  if (idMarkers.length > 0) {
    const missing = ID_TOKEN_REQUIRED.filter((c) => !has(claims, c));
    return verdict(
      'id_token',
      'possible',
      [typNote, `has ${list(idMarkers)} (ID token claims, Core §2)`],
      [`missing ${list(missing)} (required in an ID token, Core §2)`],
    );
  }
  return verdict(
    'jwt',
    'unknown',
    [typNote, 'neither the ID token claims (Core §2) nor client_id/scope (RFC 9068) nor events (RFC 8417)'],
    [],
  );
}

/** Claims a declared kind requires or forbids. */
function conflictsFor(id: TokenKindId, claims: Record<string, unknown>): string[] {
  const missing = (names: string[], source: string) => {
    const m = names.filter((c) => !has(claims, c));
    return m.length ? [`missing ${list(m)} (required by ${source})`] : [];
  };
  switch (id) {
    case 'access_token':
      return missing(ACCESS_TOKEN_REQUIRED, 'RFC 9068 §2.2');
    case 'logout_token': {
      const out = missing(LOGOUT_TOKEN_REQUIRED, 'Back-Channel Logout §2.4');
      if (!has(claims, 'sub') && !has(claims, 'sid'))
        out.push('has neither sub nor sid; one is required (Back-Channel Logout §2.4)');
      if (has(claims, 'nonce')) out.push('has nonce, which a logout token must not contain (Back-Channel Logout §2.4)');
      const events = claims.events;
      if (events && typeof events === 'object' && !has(events as Record<string, unknown>, BACKCHANNEL_LOGOUT_EVENT)) {
        out.push(`events lacks ${BACKCHANNEL_LOGOUT_EVENT} (Back-Channel Logout §2.4)`);
      }
      return out;
    }
    case 'dpop_proof':
      return missing(['jti', 'htm', 'htu', 'iat'], 'RFC 9449 §4.2');
    default:
      return [];
  }
}

const AN = new Set<TokenKindId>(['id_token', 'access_token', 'logout_token', 'sd_jwt', 'entity_statement']);

function verdict(id: TokenKindId, confidence: KindConfidence, evidence: string[], conflicts: string[]): TokenKind {
  const name = NAMES[id];
  const aName = `${AN.has(id) ? 'an' : 'a'} ${name}`;
  const summary =
    confidence === 'declared'
      ? `${name}: its typ header says so (not verified)`
      : confidence === 'likely'
        ? `most likely ${aName}: its claims match`
        : confidence === 'possible'
          ? `possibly ${aName}: some claims fit, nothing settles it`
          : aName;
  return { id, name, confidence, summary, evidence, conflicts };
}
