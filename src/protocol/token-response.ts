// Reading a token endpoint answer (RFC 6749 §5.1, OIDC Core §3.1.3.3) into one shape, with the
// checks that belong to the response itself.
import { fail, pass, skip, warn, type Check } from './checks.js';

export interface TokenResponse {
  access_token?: string;
  token_type?: string;
  /** Seconds; providers that send a numeric string are accepted (RFC 6749 says number). */
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  /** The whole answer as received. */
  raw: Record<string, unknown>;
}

export function parseTokenResponse(json: Record<string, unknown>): TokenResponse {
  const str = (k: string) => (typeof json[k] === 'string' ? (json[k] as string) : undefined);
  const out: TokenResponse = { raw: json };
  const at = str('access_token');
  if (at !== undefined) out.access_token = at;
  const tt = str('token_type');
  if (tt !== undefined) out.token_type = tt;
  const rt = str('refresh_token');
  if (rt !== undefined) out.refresh_token = rt;
  const it = str('id_token');
  if (it !== undefined) out.id_token = it;
  const sc = str('scope');
  if (sc !== undefined) out.scope = sc;
  const exp = json.expires_in;
  if (typeof exp === 'number' && Number.isFinite(exp)) out.expires_in = exp;
  else if (typeof exp === 'string' && /^\d+$/.test(exp.trim())) out.expires_in = Number(exp.trim());
  return out;
}

/** token_type must be present and one we know how to use (RFC 6749 §7.1; RFC 6750 Bearer, RFC 9449 DPoP). */
export function checkTokenType(tokens: TokenResponse, expected: readonly string[] = ['Bearer']): Check {
  if (tokens.access_token === undefined)
    return fail('token_type', 'the token response has no access_token (RFC 6749 §5.1 requires it)');
  if (tokens.token_type === undefined)
    return fail('token_type', 'the token response has no token_type (RFC 6749 §5.1 requires it)');
  const ok = expected.some((e) => e.toLowerCase() === tokens.token_type!.toLowerCase());
  if (!ok)
    return fail('token_type', `token_type is "${tokens.token_type}", expected ${expected.join(' or ')}`, {
      expected,
      actual: tokens.token_type,
    });
  if (!expected.includes(tokens.token_type))
    return pass('token_type', `token_type "${tokens.token_type}" (case-insensitive match, RFC 6749 §5.1)`);
  return pass('token_type', `token_type is ${tokens.token_type}`);
}

/** expires_in is a number of seconds (RFC 6749 §5.1); a numeric string is read, with a warning. */
export function checkExpiresIn(raw: Record<string, unknown>): Check {
  const value = raw.expires_in;
  if (value === undefined)
    return skip('expires_in', 'no expires_in (RECOMMENDED, RFC 6749 §5.1): the lifetime is unknown');
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
    return pass('expires_in', `the access token expires in ${value} s`);
  if (typeof value === 'string' && /^\d+$/.test(value.trim()))
    return warn(
      'expires_in',
      `expires_in is the string "${value}", not a number (RFC 6749 §5.1); read as ${Number(value.trim())} s`,
      { expected: 'a number', actual: value },
    );
  return warn('expires_in', 'expires_in is not a number of seconds (RFC 6749 §5.1): the lifetime is unknown', {
    expected: 'a number',
    actual: value,
  });
}
