// One view of who the user is: ID token and userinfo claims side by side (OIDC Core 5.1, 5.4).
// Pure: which source said what, where they disagree, and which requested scope each claim answers.

/** OIDC Core 5.4: the standard claims each scope asks for. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** Claims about the token itself rather than the user: not part of the merged identity view. */
const TOKEN_CLAIMS = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'nonce',
  'azp',
  'at_hash',
  'c_hash',
  's_hash',
  'auth_time',
  'acr',
  'amr',
  'sid',
  'typ',
  'cnf',
]);

export type ClaimSource = 'id_token' | 'userinfo' | 'both';

export interface MergedClaim {
  claim: string;
  value: unknown;
  source: ClaimSource;
  /** Set when both sources have the claim with different values: the userinfo value. */
  userinfoValue?: unknown;
  differs: boolean;
  /** The standard scope the claim belongs to, if any. */
  scope?: string;
}

export interface MergedIdentity {
  claims: MergedClaim[];
  /** Requested scopes (other than openid) for which no claim came back from either source. */
  scopesWithoutClaims: string[];
}

export function scopeOfClaim(claim: string): string | undefined {
  for (const [scope, claims] of Object.entries(SCOPE_CLAIMS)) if (claims.includes(claim)) return scope;
  return undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function mergeIdentityClaims(
  idToken: Record<string, unknown> | undefined,
  userinfo: Record<string, unknown> | undefined,
  requestedScope: string,
): MergedIdentity {
  const names = new Set<string>();
  for (const k of Object.keys(idToken ?? {})) if (!TOKEN_CLAIMS.has(k)) names.add(k);
  for (const k of Object.keys(userinfo ?? {})) names.add(k);
  const claims: MergedClaim[] = [];
  for (const claim of names) {
    const inId = idToken !== undefined && claim in idToken;
    const inUi = userinfo !== undefined && claim in userinfo;
    const source: ClaimSource = inId && inUi ? 'both' : inId ? 'id_token' : 'userinfo';
    const value = inId ? idToken![claim] : userinfo![claim];
    const differs = source === 'both' && !same(idToken![claim], userinfo![claim]);
    const scope = scopeOfClaim(claim);
    claims.push({
      claim,
      value,
      source,
      differs,
      ...(differs ? { userinfoValue: userinfo![claim] } : {}),
      ...(scope ? { scope } : {}),
    });
  }
  const got = new Set(claims.map((c) => c.scope).filter((s): s is string => s !== undefined));
  const scopesWithoutClaims = requestedScope
    .split(/\s+/)
    .filter((s) => s && s !== 'openid' && SCOPE_CLAIMS[s] && !got.has(s));
  return { claims, scopesWithoutClaims };
}

/** Scopes granted vs requested (RFC 6749 §3.3: the token response names them when they differ). */
export function compareScopes(
  requested: string,
  granted: string | undefined,
): { granted: string[]; missing: string[]; extra: string[]; reported: boolean } {
  const req = requested.split(/\s+/).filter(Boolean);
  if (granted === undefined) return { granted: req, missing: [], extra: [], reported: false };
  const got = granted.split(/\s+/).filter(Boolean);
  return {
    granted: got,
    missing: req.filter((s) => !got.includes(s)),
    extra: got.filter((s) => !req.includes(s)),
    reported: true,
  };
}
