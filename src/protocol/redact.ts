// What never leaves the process in a trace or a HAR file unless --show-secrets: credentials in
// headers, form bodies, JSON bodies and query strings. Pure: text in, text out.

/** Parameter and member names whose values are secrets or bearer credentials. */
export const SECRET_NAMES = new Set([
  'client_secret',
  'client_assertion',
  'code',
  'code_verifier',
  'password',
  'refresh_token',
  'access_token',
  'id_token',
  'subject_token',
  'actor_token',
  'device_code',
  'assertion',
  'token',
  'logout_token',
  'id_token_hint',
  'request',
  'issued_token',
  'registration_access_token',
  'state',
  'nonce',
  // JARM: the signed authorization response carries the code (and tokens in the implicit and hybrid flows).
  'response',
]);
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'dpop']);

export const redacted = (value: string) => `[redacted ${value.length} chars]`;

/** A header whose value is a credential: redacted in traces, HAR files and reports. */
export const isSecretHeader = (name: string): boolean => SECRET_HEADERS.has(name.toLowerCase());

export function redactHeaders(headers: Record<string, string>, show: boolean): Record<string, string> {
  if (show) return headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!isSecretHeader(k)) {
      out[k] = v;
      continue;
    }
    // Keep the scheme ("Bearer", "Basic"): it is what people debug.
    const m = /^(\w+)\s+(.+)$/.exec(v);
    out[k] = k.toLowerCase().endsWith('authorization') && m ? `${m[1]} ${redacted(m[2]!)}` : redacted(v);
  }
  return out;
}

export function redactForm(body: string, show: boolean): string {
  if (show) return body;
  const params = new URLSearchParams(body);
  const out = new URLSearchParams();
  for (const [k, v] of params) out.append(k, SECRET_NAMES.has(k) ? redacted(v) : v);
  return out.toString();
}

export function redactUrl(url: string, show: boolean): string {
  if (show) return url;
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()])
      if (SECRET_NAMES.has(k)) u.searchParams.set(k, redacted(u.searchParams.get(k)!));
    if (u.hash.length > 1) u.hash = redactForm(u.hash.slice(1), false);
    return u.toString();
  } catch {
    return url;
  }
}

function redactJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJsonValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_NAMES.has(k) && typeof v === 'string' ? redacted(v) : redactJsonValue(v);
    return out;
  }
  return value;
}

/** A body as text, redacted by its content type; anything unparsable that may hold secrets is withheld. */
export function redactBody(body: string, contentType: string | undefined, show: boolean): string {
  if (show || body === '') return body;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return redactForm(body, false);
  if (type.endsWith('json')) {
    try {
      return JSON.stringify(redactJsonValue(JSON.parse(body)));
    } catch {
      /* fall through */
    }
  }
  if (type === 'application/jwt' || /^[\w-]+\.[\w-]+\.[\w-]*$/.test(body.trim())) return redacted(body);
  return body;
}

/** A parsed JSON value with the members named in SECRET_NAMES redacted, at any depth. */
export const redactJson = (value: unknown): unknown => redactJsonValue(value);

// What a person sees of a secret on a terminal without --show-secrets (cli-contract.md "Secrets"),
// for every command: what authenticates the client or the user, or binds a code to the client
// (PKCE), is never shown, not even in part; tokens and codes show a short prefix and suffix, enough
// to tell two apart or match one against a log line, never more than a quarter of the value (and
// at most 10 characters), so what is shown never helps to guess the rest. state and nonce are
// redacted from traces and HAR files (SECRET_NAMES) but shown on the terminal: one-time values
// bound to the run, spent when it ends, and what a mismatch is debugged with.

/** Names whose values are never shown, not even in part. */
const NEVER_SHOWN = new Set(['client_secret', 'password', 'code_verifier']);
const SHOWN_ON_TERMINAL = new Set(['state', 'nonce']);

export type SecretKind = 'secret' | 'credential';

/** How the value of a parameter or member is shown: never ('secret'), shortened ('credential'), or as it is. */
export function secretKind(name: string): SecretKind | undefined {
  if (NEVER_SHOWN.has(name)) return 'secret';
  if (SHOWN_ON_TERMINAL.has(name)) return undefined;
  // Any *_token member is a credential too (session_token and the like that some providers add).
  if (SECRET_NAMES.has(name) || /(^|_)token$/.test(name)) return 'credential';
  return undefined;
}

const MAX_SHOWN = 10;
/** Below this many characters shown, a prefix and suffix tell nothing: the value is redacted whole. */
const MIN_SHOWN = 4;

/** A secret as a person may see it: `eyJhb…Ug9w [43 chars]`, or `[redacted 13 chars]`. */
export function displaySecret(value: string, kind: SecretKind, show: boolean): string {
  if (show) return value;
  const shown = Math.min(MAX_SHOWN, Math.floor(value.length / 4));
  if (kind === 'secret' || shown < MIN_SHOWN) return redacted(value);
  const tail = Math.floor(shown / 2);
  return `${value.slice(0, shown - tail)}…${value.slice(value.length - tail)} [${value.length} chars]`;
}
