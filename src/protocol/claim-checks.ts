// One small pure function per claim rule (RFC 7519 §4.1, OIDC Core 2 and 3.1.3.7, RFC 9068 §4).
// Each returns a Check row; none throws.
import { fail, pass, skip, warn, type Check } from './checks.js';
import { tokenHash, hashAlgorithmName } from './token-hashes.js';
import { humanDuration } from './duration.js';
import type { Claims } from './jwt.js';

export type TokenType = 'id_token' | 'access_token' | 'logout_token';

export interface ClaimExpectations {
  issuer?: string | undefined;
  /** An issuer published with {tenantid} in it, accepted on request: iss is checked against it with tid. */
  issuerTemplate?: string | undefined;
  audience?: string[] | undefined;
  /** Further audiences the client trusts to share its tokens with (Core 3.1.3.7 item 3). */
  trustedAudiences?: string[] | undefined;
  /** Reject (rather than warn about) audiences neither expected nor trusted. */
  strictAudience?: boolean | undefined;
  clientId?: string | undefined;
  nonce?: string | undefined;
  requireNonce?: boolean | undefined;
  maxAge?: number | undefined;
  acrValues?: string[] | undefined;
  clockTolerance: number;
  type?: TokenType | undefined;
  now: number;
}

/** Claims each token type must carry (Core 2 for ID tokens, RFC 9068 §2.2, Back-Channel Logout §2.4). */
const REQUIRED: Record<TokenType, string[]> = {
  id_token: ['iss', 'sub', 'aud', 'exp', 'iat'],
  access_token: ['iss', 'exp', 'aud', 'sub', 'iat'],
  logout_token: ['iss', 'aud', 'iat'],
};

const required = (exp: ClaimExpectations, claim: string) => (exp.type ? REQUIRED[exp.type].includes(claim) : false);
const typeName = (exp: ClaimExpectations) =>
  exp.type === 'id_token' ? 'an ID token' : exp.type === 'access_token' ? 'an RFC 9068 access token' : 'a logout token';

function missing(id: string, exp: ClaimExpectations, why = ''): Check {
  if (required(exp, id)) return fail(id, `no ${id} claim; ${typeName(exp)} must have one${why}`);
  return skip(id, `no ${id} claim`);
}

const ago = humanDuration;

export function checkIssuer(claims: Claims, exp: ClaimExpectations): Check {
  if (exp.issuerTemplate !== undefined) return checkIssuerTemplate(claims, exp.issuerTemplate);
  const iss = claims.iss;
  // A claim the caller asked to compare must be there to be compared.
  if (iss === undefined && exp.issuer !== undefined)
    return fail('iss', `no iss claim, but the issuer "${exp.issuer}" was expected`, { expected: exp.issuer });
  if (iss === undefined) return missing('iss', exp);
  if (typeof iss !== 'string') return fail('iss', 'iss is not a string', { actual: iss });
  if (exp.issuer === undefined) return skip('iss', `iss is "${iss}"; not compared (pass --issuer)`, { actual: iss });
  // Core 3.1.3.7 item 2: exact match, no normalisation.
  if (iss === exp.issuer) return pass('iss', `iss is the expected issuer`, { expected: exp.issuer, actual: iss });
  const near =
    iss.replace(/\/+$/, '') === exp.issuer.replace(/\/+$/, '')
      ? ' (they differ only in a trailing slash, which still counts: exact match required)'
      : '';
  return fail('iss', `iss "${iss}" is not the expected issuer "${exp.issuer}"${near}`, {
    expected: exp.issuer,
    actual: iss,
  });
}

/**
 * An issuer published as a template with {tenantid} (accepted on request): iss must be the template
 * with the token's own tid in place of {tenantid}, so a token of one tenant cannot pass for another's.
 */
function checkIssuerTemplate(claims: Claims, template: string): Check {
  const { iss, tid } = claims;
  if (typeof iss !== 'string')
    return fail('iss', 'no iss claim (or not a string) to match the issuer template', {
      expected: template,
      actual: iss,
    });
  if (typeof tid !== 'string' || tid === '' || /[/?#]/.test(tid))
    return fail('iss', `the issuer is the template "${template}", but the token has no tid claim to fill it in`, {
      expected: template,
      actual: iss,
    });
  const expected = template.split('{tenantid}').join(tid);
  if (iss === expected)
    return pass('iss', `iss is the issuer template with the token's tid "${tid}"`, { expected, actual: iss });
  return fail('iss', `iss "${iss}" is not the issuer template with the token's tid ("${expected}")`, {
    expected,
    actual: iss,
  });
}

export function audienceList(claims: Claims): string[] | undefined {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  return undefined;
}

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`);

export function checkAudience(claims: Claims, exp: ClaimExpectations): Check {
  const expected = exp.audience && exp.audience.length > 0 ? exp.audience : undefined;
  if (claims.aud === undefined && expected)
    return fail('aud', `no aud claim, but the audience ${quoted(expected).join(' or ')} was expected`, { expected });
  if (claims.aud === undefined) return missing('aud', exp);
  const aud = audienceList(claims);
  if (!aud) return fail('aud', 'aud is neither a string nor an array of strings', { actual: claims.aud });
  if (!expected)
    return skip('aud', `aud is ${JSON.stringify(claims.aud)}; not compared (pass --audience)`, { actual: claims.aud });
  const extra = { expected, actual: claims.aud };
  const hit = expected.find((a) => aud.includes(a));
  if (!hit)
    return fail('aud', `aud ${JSON.stringify(claims.aud)} does not contain ${quoted(expected).join(' or ')}`, extra);
  const trusted = new Set([...expected, ...(exp.trustedAudiences ?? [])]);
  const untrusted = aud.filter((a) => !trusted.has(a));
  if (untrusted.length === 0)
    return pass(
      'aud',
      aud.length > 1 ? `aud contains "${hit}" (among ${aud.length} audiences)` : `aud is "${hit}"`,
      extra,
    );
  const others = `${quoted(untrusted).join(', ')}, ${untrusted.length === 1 ? 'an audience' : 'audiences'} not trusted`;
  // Core 3.1.3.7 item 3: reject an ID token with additional audiences the client does not trust.
  if (exp.strictAudience)
    return fail('aud', `aud contains "${hit}" but also ${others}: rejected (Core 3.1.3.7 item 3)`, extra);
  // RFC 9068 §4: an access token only has to name this resource server; other audiences are normal.
  if (exp.type === 'access_token')
    return pass('aud', `aud contains "${hit}" (and ${quoted(untrusted).join(', ')})`, extra);
  return warn(
    'aud',
    `aud contains "${hit}" but also ${others}; Core 3.1.3.7 item 3 says to reject untrusted additional audiences ` +
      '(trust them by name, or make this a failure with the strict audience rule)',
    extra,
  );
}

/** Core 3.1.3.7 items 4–5: with several audiences azp SHOULD be present; if present it must be our client_id. */
export function checkAuthorizedParty(claims: Claims, exp: ClaimExpectations): Check {
  const aud = audienceList(claims) ?? [];
  const clientId = exp.clientId ?? (exp.audience?.length === 1 ? exp.audience[0] : undefined);
  const azp = claims.azp;
  if (azp === undefined) {
    if (aud.length > 1)
      return warn(
        'azp',
        `aud has ${aud.length} values but there is no azp claim (Core 3.1.3.7 says it should be present)`,
      );
    return skip('azp', 'no azp claim (needed only with several audiences)');
  }
  if (typeof azp !== 'string') return fail('azp', 'azp is not a string', { actual: azp });
  if (clientId === undefined) return skip('azp', `azp is "${azp}"; not compared (pass --audience or --client-id)`);
  if (azp === clientId) return pass('azp', `azp is the client_id "${clientId}"`);
  return fail('azp', `azp "${azp}" is not the client_id "${clientId}"`, { expected: clientId, actual: azp });
}

function numericDate(claims: Claims, id: 'exp' | 'nbf' | 'iat' | 'auth_time'): number | Check | undefined {
  const v = claims[id];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    return fail(id, `${id} is not a NumericDate (a number of seconds)`, { actual: v });
  return v;
}

export function checkExpiry(claims: Claims, exp: ClaimExpectations): Check {
  const v = numericDate(claims, 'exp');
  if (v === undefined) return missing('exp', exp);
  if (typeof v !== 'number') return v;
  const left = v - exp.now;
  if (left > 0) return pass('exp', `not expired: expires in ${humanDuration(left)}`);
  // RFC 7519 §4.1.4: expired on or after exp; the clock tolerance is a margin strictly below that.
  const late = -left;
  const when = late === 0 ? 'expires this very second' : `expired ${ago(late)} ago`;
  if (late < exp.clockTolerance)
    return warn('exp', `${when}; accepted within the ${exp.clockTolerance} s clock tolerance`);
  return fail(
    'exp',
    `${when} (clock tolerance ${exp.clockTolerance} s; a token is expired on and after its exp, RFC 7519 §4.1.4)`,
    { actual: v },
  );
}

export function checkNotBefore(claims: Claims, exp: ClaimExpectations): Check {
  const v = numericDate(claims, 'nbf');
  if (v === undefined) return skip('nbf', 'no nbf claim');
  if (typeof v !== 'number') return v;
  const wait = v - exp.now;
  if (wait <= 0) return pass('nbf', `valid since ${ago(wait)} ago`);
  if (wait <= exp.clockTolerance)
    return warn(
      'nbf',
      `not valid for another ${humanDuration(wait)}; accepted within the ${exp.clockTolerance} s clock tolerance`,
    );
  return fail('nbf', `not valid before ${humanDuration(wait)} from now (clock tolerance ${exp.clockTolerance} s)`, {
    actual: v,
  });
}

export function checkIssuedAt(claims: Claims, exp: ClaimExpectations): Check {
  const v = numericDate(claims, 'iat');
  if (v === undefined) return missing('iat', exp);
  if (typeof v !== 'number') return v;
  const ahead = v - exp.now;
  if (ahead <= 0) return pass('iat', `issued ${ago(-ahead)} ago`);
  if (ahead <= exp.clockTolerance)
    return warn(
      'iat',
      `issued ${humanDuration(ahead)} in the future; accepted within the ${exp.clockTolerance} s clock tolerance`,
    );
  return fail(
    'iat',
    `issued ${humanDuration(ahead)} in the future (clock tolerance ${exp.clockTolerance} s): ` +
      "the issuer's clock or the token is wrong",
    { actual: v },
  );
}

/** Core 2: sub is a locally unique identifier of at most 255 ASCII characters. */
export function checkSubject(claims: Claims, exp: ClaimExpectations): Check {
  const sub = claims.sub;
  if (sub === undefined) return missing('sub', exp);
  if (typeof sub !== 'string' || sub === '') return fail('sub', 'sub is not a non-empty string', { actual: sub });
  if (sub.length > 255) return warn('sub', `sub is ${sub.length} characters; Core 2 caps it at 255`);
  return pass('sub', `sub is "${sub}"`);
}

export function checkNonce(claims: Claims, exp: ClaimExpectations): Check {
  const nonce = claims.nonce;
  if (exp.type === 'logout_token') {
    return nonce === undefined
      ? pass('nonce', 'no nonce, as a logout token must not have one')
      : fail('nonce', 'a logout token must not contain a nonce (Back-Channel Logout §2.4)');
  }
  if (exp.nonce !== undefined) {
    if (nonce === undefined)
      return fail('nonce', 'no nonce claim, but a nonce was sent in the request (Core 3.1.3.7 item 11)', {
        expected: exp.nonce,
      });
    if (nonce === exp.nonce) return pass('nonce', 'nonce matches the one sent');
    return fail('nonce', 'nonce does not match the one sent: possible replay', { expected: exp.nonce, actual: nonce });
  }
  if (exp.requireNonce)
    return nonce === undefined
      ? fail('nonce', 'no nonce claim; it is required in this flow (Core 3.2.2.11)')
      : fail('nonce', 'a nonce is required but there is no expected value to compare it with');
  if (nonce === undefined) return skip('nonce', 'no nonce claim');
  return skip('nonce', 'nonce present; not compared (pass --nonce)');
}

/** Core 3.1.2.1: with max_age, auth_time is required and must be recent enough. */
export function checkAuthTime(claims: Claims, exp: ClaimExpectations): Check {
  const v = numericDate(claims, 'auth_time');
  if (v !== undefined && typeof v !== 'number') return v;
  // Core 2: the time the user authenticated; 0 (1970-01-01) is a provider saying it does not know.
  if (v === 0) {
    const unknown = 'auth_time is 0 (1970-01-01T00:00:00Z): the provider does not say when the user authenticated';
    return exp.maxAge === undefined
      ? warn('auth_time', unknown, { actual: 0 })
      : fail('auth_time', `${unknown}, so max_age=${exp.maxAge} cannot have been honoured (Core 3.1.2.1)`, {
          expected: `≤ ${exp.maxAge} s`,
          actual: 0,
        });
  }
  if (exp.maxAge === undefined) {
    if (v === undefined) return skip('auth_time', 'no auth_time claim');
    return pass('auth_time', `user authenticated ${ago(exp.now - v)} ago`);
  }
  if (v === undefined)
    return fail(
      'auth_time',
      `no auth_time claim, but max_age=${exp.maxAge} was requested (Core 3.1.2.1 makes it required)`,
    );
  const age = exp.now - v;
  if (age <= exp.maxAge) return pass('auth_time', `authenticated ${ago(age)} ago, within max_age ${exp.maxAge} s`);
  if (age <= exp.maxAge + exp.clockTolerance)
    return warn(
      'auth_time',
      `authenticated ${ago(age)} ago, past max_age ${exp.maxAge} s but within the clock tolerance`,
    );
  return fail(
    'auth_time',
    `authenticated ${ago(age)} ago, longer than max_age ${exp.maxAge} s: the provider should have re-authenticated`,
    { expected: `≤ ${exp.maxAge} s`, actual: `${age} s` },
  );
}

export function checkAcr(claims: Claims, exp: ClaimExpectations): Check {
  const acr = claims.acr;
  if (!exp.acrValues || exp.acrValues.length === 0)
    return acr === undefined ? skip('acr', 'no acr claim') : pass('acr', `acr is "${String(acr)}"`);
  if (acr === undefined)
    return warn('acr', `acr_values ${exp.acrValues.join(' ')} were requested but the token has no acr claim`);
  if (typeof acr === 'string' && exp.acrValues.includes(acr))
    return pass('acr', `acr "${acr}" is one of those requested`);
  // acr_values is a voluntary request (Core 3.1.2.1): another value is allowed, but worth knowing.
  return warn('acr', `acr "${String(acr)}" is not among the requested ${exp.acrValues.join(' ')}`, {
    expected: exp.acrValues,
    actual: acr,
  });
}

export interface HashInput {
  id: 'at_hash' | 'c_hash' | 's_hash';
  /** The access token, code or state the hash covers; undefined when it was not given. */
  value: string | undefined;
  required: boolean;
  what: string;
  option: string;
}

export function checkTokenHash(claims: Claims, alg: string, crv: string | undefined, input: HashInput): Check {
  const { id } = input;
  const claim = claims[id];
  if (input.value === undefined) {
    if (claim === undefined) return skip(id, `no ${id} claim`);
    return skip(id, `${id} present; not checked (pass ${input.option})`);
  }
  if (claim === undefined) {
    return input.required
      ? fail(id, `no ${id} claim, but it is required when the ${input.what} comes with the ID token`)
      : skip(id, `no ${id} claim (optional here)`);
  }
  const expected = tokenHash(alg, crv, input.value);
  if (expected === undefined) return fail(id, `cannot compute ${id}: alg "${alg}" defines no hash`);
  if (claim === expected)
    return pass(id, `${id} matches the ${input.what} (${hashAlgorithmName(alg, crv)}, left half)`);
  return fail(id, `${id} does not match the ${input.what}: it was not issued with this ID token`, {
    expected,
    actual: claim,
  });
}
