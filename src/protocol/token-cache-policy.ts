// Which cache entry a token request maps to, and whether its access token may be reused.
// Pure: no clock, no files; the caller passes `now`.
// SHA-256 in plain JS: loading node:crypto would cost a cached `token` run ~8 ms of its start-up.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { JWK } from 'jose';
import { jwtExpiry } from './token-output.js';
import type { TokenResponse } from './token-response.js';

export interface CacheIdentity {
  issuer: string;
  clientId: string;
  grant: string;
  scope?: string | undefined;
  audience?: string[] | undefined;
  resource?: string[] | undefined;
  /** For the password grant: whose token it is. */
  subject?: string | undefined;
  /** RFC 9449: a DPoP-bound token is another entry than a Bearer one for the same request. */
  dpop?: boolean | undefined;
  /** RFC 9396: the authorization_details asked for (serialized JSON). */
  authorizationDetails?: string | undefined;
}

export interface CacheEntry extends CacheIdentity {
  version: 1;
  access_token: string;
  token_type?: string | undefined;
  /** Epoch seconds; undefined when the provider said nothing and the token is not a JWT with exp. */
  expires_at?: number | undefined;
  refresh_token?: string | undefined;
  id_token?: string | undefined;
  scope_granted?: string | undefined;
  obtained_at: number;
  /**
   * RFC 9449 §4.2: the private key a DPoP-bound token needs for every proof; without it the cached
   * token is useless. The entry file is 0600 in a 0700 directory, like the tokens beside it.
   */
  dpop_jwk?: JWK | undefined;
  /** Its RFC 7638 thumbprint (the token's cnf.jkt). */
  dpop_jkt?: string | undefined;
}

/** Order-insensitive in scope, audience and resource: "a b" and "b a" are one entry. */
export function cacheKey(id: CacheIdentity): string {
  const norm = (xs: string[] | undefined) => [...(xs ?? [])].sort();
  const canonical = JSON.stringify([
    id.issuer,
    id.clientId,
    id.grant,
    norm(id.scope?.split(/\s+/).filter(Boolean)),
    norm(id.audience),
    norm(id.resource),
    id.subject ?? null,
    // Only when set, so the entries of plain Bearer requests keep their keys.
    ...(id.dpop ? ['dpop'] : []),
    ...(id.authorizationDetails !== undefined ? [id.authorizationDetails] : []),
  ]);
  // Hex: a key is typed after `cache show`, and base64url could begin with "-" (read as an option).
  return bytesToHex(sha256(new TextEncoder().encode(canonical))).slice(0, 32);
}

export type CacheDecision =
  | { action: 'reuse'; secondsLeft: number }
  | { action: 'refresh'; reason: string }
  | { action: 'fetch'; reason: string };

export function decideFromCache(
  entry: CacheEntry | undefined,
  now: number,
  minTtl: number,
  want: { dpopJkt?: string | undefined } = {},
): CacheDecision {
  if (!entry) return { action: 'fetch', reason: 'nothing cached' };
  // RFC 9449 §4.2, §5: a DPoP-bound token (and a refresh token bound with it) is usable only with its own key.
  if (want.dpopJkt !== undefined && entry.dpop_jkt !== want.dpopJkt)
    return { action: 'fetch', reason: 'the cached token is bound to another DPoP key than the one given' };
  const left = entry.expires_at === undefined ? undefined : entry.expires_at - now;
  if (left !== undefined && left > minTtl) return { action: 'reuse', secondsLeft: left };
  const why =
    left === undefined
      ? 'the cached token has no known expiry'
      : left <= 0
        ? 'the cached token expired'
        : `the cached token has only ${left} s left (--min-ttl ${minTtl})`;
  if (entry.refresh_token) return { action: 'refresh', reason: why };
  return { action: 'fetch', reason: why };
}

/**
 * The cache entry for a token response (`token`, and `login` for its refresh token). A refresh answer
 * may omit refresh_token and id_token (RFC 6749 §6): the previous entry's stay. A DPoP-bound token
 * keeps its key (RFC 9449 §5): without it the cached token cannot be used.
 */
export function cacheEntryFrom(
  identity: CacheIdentity,
  t: TokenResponse & { access_token: string },
  now: number,
  opts: { previous?: CacheEntry | undefined; dpopKey?: { privateJwk: JWK; thumbprint: string } | undefined } = {},
): CacheEntry {
  const { previous, dpopKey } = opts;
  const dpop = dpopKey !== undefined && t.token_type?.toLowerCase() === 'dpop';
  return {
    version: 1,
    ...identity,
    access_token: t.access_token,
    token_type: t.token_type,
    expires_at: expiresAt(now, t.expires_in, t.access_token),
    refresh_token: t.refresh_token ?? previous?.refresh_token,
    id_token: t.id_token ?? previous?.id_token,
    scope_granted: t.scope,
    obtained_at: now,
    ...(dpop ? { dpop_jwk: dpopKey.privateJwk, dpop_jkt: dpopKey.thumbprint } : {}),
  };
}

/** expires_in when given; else the exp of a JWT access token; else unknown. */
export function expiresAt(now: number, expiresIn: number | undefined, accessToken: string): number | undefined {
  return expiresIn !== undefined ? now + expiresIn : jwtExpiry(accessToken);
}

export function isCacheEntry(x: unknown): x is CacheEntry {
  const e = x as Partial<CacheEntry> | null;
  return (
    !!e &&
    e.version === 1 &&
    typeof e.access_token === 'string' &&
    typeof e.issuer === 'string' &&
    typeof e.clientId === 'string' &&
    typeof e.grant === 'string' &&
    typeof e.obtained_at === 'number'
  );
}

/**
 * `token --output exec-credential` hands out the ID token when there is one: a cached entry whose
 * access token is still good but whose ID token is not is refreshed (or fetched) all the same.
 */
export function decideForIdToken(
  entry: CacheEntry,
  now: number,
  minTtl: number,
  idTokenExp: number | undefined,
): CacheDecision | undefined {
  if (entry.id_token === undefined || idTokenExp === undefined) return undefined;
  const left = idTokenExp - now;
  if (left > minTtl) return undefined;
  const reason =
    left <= 0 ? 'the cached ID token expired' : `the cached ID token has only ${left} s left (--min-ttl ${minTtl})`;
  return entry.refresh_token ? { action: 'refresh', reason } : { action: 'fetch', reason };
}
