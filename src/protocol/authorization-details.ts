// Rich Authorization Requests (RFC 9396): authorization_details is a JSON array of objects, each
// with a string `type` (§2). What the user asks for is checked before anything is sent; what the
// provider grants (§7, in the token response) is set beside what was asked, for a person to read.
import { ProtocolInputError } from './input-error.js';

export type AuthorizationDetail = Record<string, unknown> & { type: string };

/** Deeper than any real authorization detail; deeper input is hostile (stack depth when printed). */
const MAX_DEPTH = 32;

function depth(value: unknown, level = 0): number {
  if (level > MAX_DEPTH) return level;
  if (Array.isArray(value)) return value.reduce<number>((d, v) => Math.max(d, depth(v, level + 1)), level + 1);
  if (value && typeof value === 'object')
    return Object.values(value).reduce<number>((d, v) => Math.max(d, depth(v, level + 1)), level + 1);
  return level;
}

/**
 * RFC 9396 §2: a non-empty JSON array of objects, each with a string `type` (§2.1 adds the common
 * fields; their content is the provider's business). Anything else is bad input, one sentence.
 */
export function parseAuthorizationDetails(text: string, origin: string): AuthorizationDetail[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProtocolInputError('bad_authorization_details', `${origin} is not JSON: ${(err as Error).message}`);
  }
  const bad = (why: string) => new ProtocolInputError('bad_authorization_details', `${origin} ${why} (RFC 9396 §2)`);
  if (!Array.isArray(value))
    throw bad(
      `is ${value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}, ` +
        'not a JSON array of objects',
    );
  if (value.length === 0) throw bad('is an empty array: it asks for nothing');
  if (depth(value) > MAX_DEPTH) throw bad(`is nested more than ${MAX_DEPTH} levels deep`);
  value.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
      throw bad(`has an entry ${i + 1} that is not an object`);
    const type = (entry as Record<string, unknown>).type;
    if (type === undefined) throw bad(`has an entry ${i + 1} without "type"`);
    if (typeof type !== 'string' || type === '')
      throw bad(`has an entry ${i + 1} whose "type" is not a non-empty string`);
  });
  return value as AuthorizationDetail[];
}

/** The form / query value (RFC 9396 §3: the JSON array, serialized). */
export function authorizationDetailsParameter(details: readonly AuthorizationDetail[]): string {
  return JSON.stringify(details);
}

export type GrantedStatus = 'granted' | 'changed' | 'not granted' | 'added';

export interface AuthorizationDetailComparison {
  type: string;
  requested?: AuthorizationDetail;
  granted?: AuthorizationDetail;
  /** granted as asked, granted with other values, asked but absent, or granted without being asked. */
  status: GrantedStatus;
}

/** RFC 9396 §7: the token response's authorization_details, when it is an array of typed objects. */
export function grantedAuthorizationDetails(tokenResponse: Record<string, unknown>): AuthorizationDetail[] | undefined {
  const v = tokenResponse.authorization_details;
  if (!Array.isArray(v)) return undefined;
  return v.filter(
    (e): e is AuthorizationDetail => e && typeof e === 'object' && !Array.isArray(e) && typeof e.type === 'string',
  );
}

/** Key order does not change a JSON object's meaning. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * What was asked beside what was granted, pairing entries of the same type in order (§7: the
 * provider may grant less, or other values, than requested). For display, not a check: the
 * provider's policy decides, and a person judges.
 */
export function compareAuthorizationDetails(
  requested: readonly AuthorizationDetail[],
  granted: readonly AuthorizationDetail[] | undefined,
): AuthorizationDetailComparison[] {
  const left = [...(granted ?? [])];
  const rows: AuthorizationDetailComparison[] = requested.map((asked) => {
    const i = left.findIndex((g) => g.type === asked.type);
    if (i < 0) return { type: asked.type, requested: asked, status: 'not granted' };
    const [got] = left.splice(i, 1) as [AuthorizationDetail];
    return {
      type: asked.type,
      requested: asked,
      granted: got,
      status: canonical(asked) === canonical(got) ? 'granted' : 'changed',
    };
  });
  return [...rows, ...left.map((g): AuthorizationDetailComparison => ({ type: g.type, granted: g, status: 'added' }))];
}
