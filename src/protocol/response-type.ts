// Response types and response modes (OAuth 2.0 Multiple Response Type Encoding Practices, OIDC
// Core 3.1–3.3, OAuth 2.0 Form Post Response Mode): which flow a response_type means, what comes
// back from the authorization endpoint, and on which channel.
import { UsageError } from '../errors.js';

export type Flow = 'code' | 'implicit' | 'hybrid';
export type ResponseMode = 'query' | 'fragment' | 'form_post';
/** The channel an authorization response arrived on (the response mode that was actually used). */
export type Channel = ResponseMode;

export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];

/** JARM §2.3: the response as one signed JWT in a `response` parameter, on the channel the mode names. */
export const JARM_RESPONSE_MODES = ['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] as const;
export type JarmResponseMode = (typeof JARM_RESPONSE_MODES)[number];

export function isJarmResponseMode(mode: string | undefined): mode is JarmResponseMode {
  return (JARM_RESPONSE_MODES as readonly (string | undefined)[]).includes(mode);
}

/**
 * The channel a JARM response arrives on (JARM §2.3). "jwt" means the response type's default:
 * query.jwt for code, fragment.jwt when a token or ID token comes from the authorization endpoint
 * (JARM §2.3.4, following Multiple Response Types §2.1).
 */
export function jarmChannel(
  mode: JarmResponseMode,
  responseType: Pick<ResponseType, 'idToken' | 'accessToken'>,
): Channel {
  if (mode === 'jwt') return responseType.idToken || responseType.accessToken ? 'fragment' : 'query';
  return mode.slice(0, -'.jwt'.length) as Channel;
}

/** The six OpenID Connect response types, in the canonical order of their registration. */
export const RESPONSE_TYPES = [
  'code',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
] as const;
export type ResponseTypeValue = (typeof RESPONSE_TYPES)[number];

export interface ResponseType {
  value: ResponseTypeValue;
  flow: Flow;
  /** What the authorization endpoint returns. */
  code: boolean;
  idToken: boolean;
  accessToken: boolean;
}

/** The response_type each flow means when only --flow is given (Core 3.2 and 3.3 name these first). */
const FLOW_DEFAULTS: Record<Flow, ResponseTypeValue> = {
  code: 'code',
  implicit: 'id_token token',
  hybrid: 'code id_token',
};

/** Space-separated and order-insensitive (Multiple Response Types §5): "token id_token" = "id_token token". */
export function parseResponseType(input: string): ResponseType {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const set = new Set(words);
  if (set.size !== words.length)
    throw new UsageError('bad_response_type', `--response-type "${input}" repeats a value`);
  for (const w of set) {
    if (w !== 'code' && w !== 'id_token' && w !== 'token') {
      const hint = w === 'none' ? ' ("none" returns nothing to check)' : '';
      throw new UsageError(
        'bad_response_type',
        `--response-type "${input}": unknown value "${w}"${hint}; use one of ` +
          `${RESPONSE_TYPES.map((t) => `"${t}"`).join(', ')}`,
      );
    }
  }
  const code = set.has('code');
  const idToken = set.has('id_token');
  const accessToken = set.has('token');
  const value = RESPONSE_TYPES.find((t) => sameWords(t, set));
  if (!value) {
    // "token" alone is OAuth 2.0 implicit without an ID token: nothing OpenID Connect can verify.
    throw new UsageError(
      'bad_response_type',
      `--response-type "${input}" is not an OpenID Connect response type; use one of ` +
        `${RESPONSE_TYPES.map((t) => `"${t}"`).join(', ')}`,
    );
  }
  const flow: Flow = !code ? 'implicit' : idToken || accessToken ? 'hybrid' : 'code';
  return { value, flow, code, idToken, accessToken };
}

function sameWords(type: string, set: Set<string>): boolean {
  const words = type.split(' ');
  return words.length === set.size && words.every((w) => set.has(w));
}

/** --flow and --response-type together: the type alone decides; --flow only checks it or picks the default. */
export function resolveResponseType(opts: {
  flow?: string | undefined;
  responseType?: string | undefined;
}): ResponseType {
  const flow = opts.flow;
  if (flow !== undefined && flow !== 'code' && flow !== 'implicit' && flow !== 'hybrid') {
    throw new UsageError('bad_flow', `--flow "${flow}" is not one of code, implicit, hybrid`);
  }
  const rt = parseResponseType(opts.responseType ?? FLOW_DEFAULTS[flow ?? 'code']);
  if (flow !== undefined && rt.flow !== flow) {
    throw new UsageError(
      'contradictory_options',
      `--response-type "${rt.value}" is the ${rt.flow} flow, not --flow ${flow}`,
      {
        hint: `drop one of them, or use a ${flow} response type: ${RESPONSE_TYPES.filter(
          (t) => parseResponseType(t).flow === flow,
        )
          .map((t) => `"${t}"`)
          .join(', ')}`,
      },
    );
  }
  return rt;
}

/** Multiple Response Types §5: query for "code", fragment for every type that returns more. */
export function defaultResponseMode(rt: ResponseType): ResponseMode {
  return rt.value === 'code' ? 'query' : 'fragment';
}

/** True when the response type puts a token (ID token or access token) in the authorization response. */
export function returnsTokens(rt: ResponseType): boolean {
  return rt.idToken || rt.accessToken;
}

export function resolveResponseMode(rt: ResponseType, mode: string | undefined): ResponseMode {
  if (mode === undefined) return defaultResponseMode(rt);
  if (!(RESPONSE_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(
      'bad_response_mode',
      `--response-mode "${mode}" is not one of ${RESPONSE_MODES.join(', ')}, or a JARM mode: ` +
        JARM_RESPONSE_MODES.join(', '),
    );
  }
  // Multiple Response Types §3 and Core 3.2.2.5/3.3.2.5: tokens never travel in a query string
  // (it ends up in logs, history and Referer headers).
  if (mode === 'query' && returnsTokens(rt)) {
    throw new UsageError(
      'contradictory_options',
      `--response-mode query cannot carry the tokens of --response-type "${rt.value}": tokens are ` +
        `never sent in a query string (OAuth 2.0 Multiple Response Types §3)`,
      {
        hint: 'use --response-mode fragment (the default for this response type) or form_post',
      },
    );
  }
  return mode as ResponseMode;
}
