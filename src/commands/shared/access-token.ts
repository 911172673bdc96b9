// What the access token is: a JWT (decoded; RFC 9068 checks when typed at+jwt) or opaque. Clients
// need not understand access tokens, but a debugging tool should say what it sees.
import type { Check } from '../../protocol/checks.js';
import { decodeJwt } from '../../protocol/jwt.js';
import type { KeySource } from '../../protocol/jws-signature.js';
import { validateJwt } from '../../protocol/validate-jwt.js';

export interface AccessTokenView {
  value: string;
  from: string;
  format: 'jwt' | 'opaque';
  /** RFC 9068 §2.1: typ "at+jwt" marks a JWT access token profile token. */
  profile?: 'rfc9068' | 'other';
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  checks: Check[];
  note: string;
}

export async function inspectAccessToken(
  value: string,
  from: string,
  opts: { keys: KeySource | undefined; issuer: string },
): Promise<AccessTokenView> {
  let decoded;
  try {
    decoded = decodeJwt(value);
  } catch {
    decoded = undefined;
  }
  if (decoded?.format !== 'JWS') {
    return {
      value,
      from,
      format: 'opaque',
      checks: [],
      note: 'opaque: only the provider (introspection) can say what it means',
    };
  }
  const typ =
    typeof decoded.header.typ === 'string' ? decoded.header.typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (typ !== 'at+jwt') {
    return {
      value,
      from,
      format: 'jwt',
      profile: 'other',
      header: decoded.header,
      payload: decoded.payload,
      checks: [],
      note: 'a JWT without typ "at+jwt": not an RFC 9068 access token, so decoded but not validated',
    };
  }
  // RFC 9068 §4: the resource server validates it; the audience is the resource, unknown to us here.
  const v = await validateJwt(value, opts.keys, { issuer: opts.issuer, type: 'access_token' });
  return {
    value,
    from,
    format: 'jwt',
    profile: 'rfc9068',
    header: v.header,
    payload: v.payload,
    checks: v.checks.filter((c) => c.status !== 'skip').map((c) => ({ ...c, source: 'access_token' })),
    note: 'an RFC 9068 JWT access token: checked as its resource server would, except for aud',
  };
}
