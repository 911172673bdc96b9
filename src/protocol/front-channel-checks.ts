// The rules for what comes back through the browser (OIDC Core 3.2.2.x implicit, 3.3.2.x hybrid):
// the channel it used, the parameters its response type promises, the front-channel ID token with
// nonce / at_hash / c_hash / s_hash, the two ID tokens of a hybrid flow, and whether the code may
// be redeemed at all. Pure: the caller hands in keys and the received parameters.
import { fail, isValid, pass, skip, warn, type Check } from './checks.js';
import { idTokenKeySource } from './id-token-keys.js';
import { clientSecretDecryptionKey, decryptJwe, jweContent, type DecryptionKey } from './jwe.js';
import type { KeySource } from './jws-signature.js';
import { decodeJwt, JwtFormatError, type JoseHeader } from './jwt.js';
import type { Channel, ResponseMode, ResponseType } from './response-type.js';
import { parseJws, validateJwt, type JwtExpectations, type JwtValidation } from './validate-jwt.js';

/** Where a row comes from when the login result merges front- and back-channel checks. */
export const FRONT_CHANNEL = 'authorization_endpoint';
export const BACK_CHANNEL = 'token_endpoint';

/** Parameters that carry a token; an access token never belongs in a query string (Core 3.2.2.5). */
const TOKEN_PARAMS = ['access_token', 'id_token'] as const;

/** `response_mode`: the response arrived on the channel that was asked for. */
export function checkResponseChannel(expected: ResponseMode, channel: Channel, params: Record<string, string>): Check {
  const tokens = TOKEN_PARAMS.filter((p) => params[p] !== undefined);
  if (channel === 'query' && tokens.length > 0) {
    // Multiple Response Types §3: tokens in a URL query end up in logs, history and Referer headers.
    return fail(
      'response_mode',
      `${tokens.join(' and ')} arrived in the query string: tokens must never be sent there (OAuth ` +
        `2.0 Multiple Response Types §3)`,
      { expected, actual: channel },
    );
  }
  if (channel !== expected) {
    return fail(
      'response_mode',
      `the response arrived by ${channelName(channel)}, but response_mode ${expected} was requested`,
      { expected, actual: channel },
    );
  }
  return pass('response_mode', `the response arrived by ${channelName(channel)}, as requested`);
}

export function channelName(channel: Channel): string {
  return channel === 'query'
    ? 'the query string'
    : channel === 'fragment'
      ? 'the URL fragment, relayed by the listener page'
      : 'a form POST (form_post)';
}

/** `response_type`: every parameter the response type promises came back (Core 3.2.2.5, 3.3.2.5; RFC 6749 §4.2.2). */
export function checkResponseParameters(rt: ResponseType, params: Record<string, string>): Check {
  const wanted: string[] = [];
  if (rt.code) wanted.push('code');
  if (rt.idToken) wanted.push('id_token');
  if (rt.accessToken) wanted.push('access_token', 'token_type');
  const missing = wanted.filter((p) => params[p] === undefined || params[p] === '');
  if (missing.length > 0) {
    return fail(
      'response_type',
      `response_type "${rt.value}" must return ${wanted.join(', ')}; missing: ${missing.join(', ')}`,
      { expected: wanted, actual: Object.keys(params) },
    );
  }
  return pass('response_type', `${wanted.join(', ')} returned, as response_type "${rt.value}" requires`);
}

/** Parameters a specification defines for an authorization response (success or error). */
const RESPONSE_PARAMETERS: ReadonlySet<string> = new Set([
  // RFC 6749 §4.1.2, §4.1.2.1, §4.2.2; Core 3.2.2.5, 3.3.2.5
  'code',
  'state',
  'access_token',
  'token_type',
  'expires_in',
  'scope',
  'id_token',
  'error',
  'error_description',
  'error_uri',
  // RFC 9207 §2
  'iss',
  // OpenID Connect Session Management §3
  'session_state',
  // JARM §2.3.4: the whole response as one JWT
  'response',
]);

function holdsJsonObject(value: string): boolean {
  if (!value.trimStart().startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/**
 * `extra_params`: parameters no specification defines for an authorization response. None of them is
 * used; data in them (a JSON object, say) is not signed, so identity comes from the ID token alone
 * (Core 3.1.3.7). No row when there are none.
 */
export function checkExtraParameters(params: Record<string, string>): Check | undefined {
  const extra = Object.keys(params).filter((name) => !RESPONSE_PARAMETERS.has(name));
  if (extra.length === 0) return undefined;
  const names = extra.join(', ');
  const structured = extra.filter((name) => holdsJsonObject(params[name]!));
  if (structured.length > 0)
    return warn(
      'extra_params',
      `the response also carries ${names}, which no specification defines for it; ${structured.join(', ')} ` +
        'holds JSON data that nobody signed, so none of it is used (identity comes from the ID token, Core 3.1.3.7)',
      { actual: extra },
    );
  return pass('extra_params', `info: the response also carries ${names} (not defined for this response; not used)`, {
    actual: extra,
  });
}

/** What the front-channel ID token is held to, on top of the flow's usual expectations. */
export function frontChannelExpectations(
  rt: ResponseType,
  base: JwtExpectations,
  params: Record<string, string>,
): JwtExpectations {
  return {
    ...base,
    type: 'id_token',
    // Core 3.2.2.11 / 3.3.2.11: nonce is REQUIRED in the implicit and hybrid flows.
    requireNonce: true,
    // Core 3.2.2.10 / 3.3.2.11: at_hash REQUIRED when an access token comes with the ID token.
    accessToken: rt.accessToken ? params.access_token : undefined,
    requireAtHash: rt.accessToken,
    // Core 3.3.2.11: c_hash REQUIRED when a code comes with the ID token.
    code: rt.code ? params.code : undefined,
    requireCHash: rt.code,
    // FAPI 1.0 §5.1: s_hash, checked whenever present.
    state: params.state,
  };
}

/** What an ID token check needs besides the token: keys, the client secret, and the claims expected. */
export interface IdTokenInput {
  keys: KeySource | undefined;
  clientSecret?: string | undefined;
  expectations: JwtExpectations;
  /** The client's keys for an encrypted ID token (Core 10.2); the client secret is tried for symmetric algs. */
  decryptionKeys?: readonly DecryptionKey[] | undefined;
}

/** An ID token as validated, with the key source used and, for an encrypted one, the JWE's own header. */
export type IdTokenValidation = JwtValidation & { keys: KeySource | undefined; jweHeader?: JoseHeader };

/**
 * Core 10.2: an encrypted ID token is a JWE holding the signed ID token ("sign, then encrypt").
 * Returns the rows jwe.alg / jwe.decrypt and, when it opened to a JWS, that JWS. A key that cannot
 * fit the JWE's alg / enc is bad input (ProtocolInputError), not a failed row.
 */
async function openEncryptedIdToken(
  idToken: string,
  opts: IdTokenInput,
): Promise<{ header: JoseHeader; checks: Check[]; inner?: string }> {
  const header = decodeJwt(idToken).header;
  const keys = [...(opts.decryptionKeys ?? [])];
  const fromSecret =
    opts.clientSecret !== undefined
      ? clientSecretDecryptionKey(opts.clientSecret, String(header.alg), String(header.enc))
      : undefined;
  if (fromSecret) keys.push(fromSecret);
  const jwe = await decryptJwe(idToken, keys);
  if (jwe.plaintext === undefined) {
    const none = jwe.checks.some((c) => c.id === 'jwe.decrypt' && c.status === 'skip') && keys.length === 0;
    return {
      header,
      checks: [
        ...jwe.checks,
        fail(
          'format',
          none
            ? 'the ID token is encrypted (a JWE) and no decryption key was given, so nothing in it can be checked'
            : 'the ID token is encrypted (a JWE) and could not be decrypted, so nothing in it can be checked',
        ),
      ],
    };
  }
  const content = jweContent(jwe.plaintext);
  if (content.kind !== 'jws')
    return {
      header,
      checks: [
        ...jwe.checks,
        fail(
          'format',
          'the decrypted ID token is not a signed JWT: nothing proves who made it (Core 10.2: sign, then encrypt)',
        ),
      ],
    };
  return { header, checks: jwe.checks, inner: content.jws.raw };
}

/**
 * An ID token from either endpoint, as rows tagged with where it came from; decrypted first when it
 * is a JWE, then verified with the provider's keys or, for HS*, the client secret. A token that is
 * not a JWS (after decryption) is one failing `format` row.
 */
export async function validateIdTokenFrom(
  source: string,
  idToken: string,
  opts: IdTokenInput,
): Promise<IdTokenValidation> {
  let validation: JwtValidation;
  let keys: KeySource | undefined;
  let jwe: { header: JoseHeader; checks: Check[] } | undefined;
  try {
    let token = idToken;
    if (idToken.split('.').length === 5) {
      const opened = await openEncryptedIdToken(idToken, opts);
      jwe = opened;
      if (opened.inner === undefined) {
        const checks = opened.checks.map((c) => ({ ...c, source }));
        return { header: {}, payload: {}, checks, valid: false, keys: undefined, jweHeader: opened.header };
      }
      token = opened.inner;
    }
    keys = idTokenKeySource(parseJws(token).header, opts.keys, opts.clientSecret);
    validation = await validateJwt(token, keys, opts.expectations);
  } catch (err) {
    if (!(err instanceof JwtFormatError)) throw err;
    const where = source === FRONT_CHANNEL ? 'authorization endpoint' : 'token endpoint';
    validation = {
      header: {},
      payload: {},
      checks: [fail('format', `the id_token from the ${where} is not a signed JWT: ${err.message}`)],
      valid: false,
    };
  }
  validation.checks = [...(jwe?.checks ?? []), ...validation.checks].map((c) => ({ ...c, source }));
  validation.valid = isValid(validation.checks);
  return { ...validation, keys, ...(jwe ? { jweHeader: jwe.header } : {}) };
}

/**
 * The ID token from the authorization endpoint. Its signature is always checked (Core 3.2.2.11
 * item 1 forbids skipping it for implicit, unlike a TLS-protected token endpoint answer).
 */
export async function validateFrontChannelIdToken(
  idToken: string,
  rt: ResponseType,
  params: Record<string, string>,
  opts: IdTokenInput,
): Promise<JwtValidation & { jweHeader?: JoseHeader }> {
  const { keys, ...validation } = await validateIdTokenFrom(FRONT_CHANNEL, idToken, {
    ...opts,
    expectations: frontChannelExpectations(rt, opts.expectations, params),
  });
  if (!keys) {
    // Never accept a front-channel ID token unverified, even when no key could be found.
    validation.checks = validation.checks.map((c) =>
      c.id === 'signature' && c.status === 'skip'
        ? {
            ...fail(
              'signature',
              'no key to verify the front-channel ID token with; its signature must be checked (Core 3.2.2.11)',
            ),
            source: FRONT_CHANNEL,
          }
        : c,
    );
    validation.valid = isValid(validation.checks);
  }
  return validation;
}

/** Core 3.3.3.6: with an ID token from both endpoints, iss and sub must be identical in both. */
export function checkHybridIdTokens(front: Record<string, unknown>, back: Record<string, unknown>): Check[] {
  return (['iss', 'sub'] as const).map((claim) => {
    const id = `hybrid_${claim}`;
    const a = front[claim];
    const b = back[claim];
    if (a === undefined || b === undefined)
      return skip(
        id,
        `${claim} missing from ${a === undefined ? 'the front-channel' : 'the token endpoint'} ID ` +
          `token; compared nowhere else`,
      );
    if (a === b) return pass(id, `${claim} is the same in both ID tokens`);
    return fail(
      id,
      `the token endpoint ID token has ${claim} "${String(b)}", the authorization endpoint one ` +
        `"${String(a)}": they must be identical (Core 3.3.3.6)`,
      { expected: a, actual: b },
    );
  });
}

export interface RedemptionDecision {
  redeem: boolean;
  /** Why the code was not redeemed (and userinfo not called), naming the failed checks. */
  reason?: string;
}

/**
 * Nothing from a failed front channel is used: a bad state, iss parameter or front-channel ID token
 * means the code is not redeemed and userinfo is not called (Core 3.3.2.8: validate the ID token
 * before using the code; RFC 6749 §10.12; RFC 9207 §2.4).
 */
export function redemptionDecision(frontChecks: readonly Check[]): RedemptionDecision {
  if (isValid(frontChecks)) return { redeem: true };
  const failed = [...new Set(frontChecks.filter((c) => c.status === 'fail').map((c) => c.id))];
  return {
    redeem: false,
    reason:
      `the authorization response failed ${failed.join(', ')}: the code was not redeemed and ` +
      `userinfo was not called`,
  };
}
