// The run record: one ordered account of what a command did on the wire. Each HTTP exchange, each
// front-channel hop through the user agent (with its channel), each check with its status, and the
// timings, redacted by the rules of redact.ts unless secrets are shown. The terminal diagram and
// the HTML and Markdown reports all read this one structure through sequenceOf().
// Pure: the I/O edge hands in what it observed; nothing here reads a clock, a socket or a file.
import type { Check, CheckStatus } from './checks.js';
import { decodeJwt } from './jwt.js';
import { isSecretHeader, redactBody, redactHeaders, redacted, redactUrl, SECRET_NAMES } from './redact.js';
import { redactResponseBody } from './redact-response.js';

/** Who takes part in a run, in the order the diagrams draw them as columns. */
export type Participant =
  | 'user_agent'
  | 'oidc_probe'
  | 'authorization_endpoint'
  | 'end_session'
  | 'device_authorization'
  | 'token_endpoint'
  | 'userinfo'
  | 'introspection'
  | 'revocation'
  | 'jwks'
  | 'discovery'
  | 'provider';

export interface ParticipantInfo {
  id: Participant;
  name: string;
  /** At most 10 characters, for narrow columns. */
  short: string;
}

export const PARTICIPANTS: readonly ParticipantInfo[] = [
  { id: 'user_agent', name: 'User agent', short: 'User agent' },
  { id: 'oidc_probe', name: 'oidc-probe', short: 'oidc-probe' },
  { id: 'authorization_endpoint', name: 'Authorization endpoint', short: 'Authorize' },
  { id: 'end_session', name: 'End-session endpoint', short: 'End sess.' },
  { id: 'device_authorization', name: 'Device authorization', short: 'Device' },
  { id: 'token_endpoint', name: 'Token endpoint', short: 'Token' },
  { id: 'userinfo', name: 'Userinfo', short: 'Userinfo' },
  { id: 'introspection', name: 'Introspection', short: 'Introspect' },
  { id: 'revocation', name: 'Revocation', short: 'Revocation' },
  { id: 'jwks', name: 'JWKS', short: 'JWKS' },
  { id: 'discovery', name: 'Discovery', short: 'Discovery' },
  { id: 'provider', name: 'Provider', short: 'Provider' },
];

/** What the HTTP edge observed of one exchange (the shape of src/io/http.ts HttpExchange). */
export interface ObservedExchange {
  /** What was being fetched: "token endpoint", "JWKS", "discovery document"… */
  what?: string | undefined;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | undefined;
    /** The endpoint's answers may hold tokens or credentials (src/io/http.ts: every POST unless told). */
    carriesSecrets?: boolean | undefined;
  };
  response?: { status: number; headers: Record<string, string>; body: Uint8Array; durationMs: number } | undefined;
  error?: { code: string; message: string } | undefined;
  startedAt: Date;
}

/**
 * How a front-channel message travelled: handed to the browser (`browser`) or printed for the user
 * (`printed`); a navigation of the user agent (`navigation`); the provider sending the user agent back
 * (`redirect`, or an auto-posted form for form_post); and the three response channels at the listener.
 */
export type FrontChannel = 'browser' | 'printed' | 'navigation' | 'redirect' | 'query' | 'fragment' | 'form_post';

export interface HttpStep {
  kind: 'http';
  participant: Participant;
  what?: string | undefined;
  /** Milliseconds since the run started. */
  startMs: number;
  durationMs?: number | undefined;
  request: { method: string; url: string; headers: Record<string, string>; body?: string | undefined };
  response?:
    | { status: number; headers: Record<string, string>; body: string; bytes: number; truncated: boolean }
    | undefined;
  error?: { code: string; message: string } | undefined;
  /** The request as a curl command line, every secret a shell variable (never the value). */
  curl: string;
}

export interface HopStep {
  kind: 'front_channel';
  from: Participant;
  to: Participant;
  channel: FrontChannel;
  purpose: 'authorization' | 'logout';
  startMs: number;
  /** For the response at the listener: how long the user agent took since the request was handed over. */
  durationMs?: number | undefined;
  url?: string | undefined;
  params: Record<string, string>;
  /** False for the provider's redirect back: the listener sees its result, not the redirect itself. */
  observed: boolean;
}

export interface CheckStep {
  kind: 'check';
  check: Check;
  /** Index of the step that brought the value the check is about, when one did. */
  about?: number | undefined;
}

export type RunStep = HttpStep | HopStep | CheckStep;

export interface DecodedToken {
  /** id_token, access_token, refresh_token, or the response itself ("userinfo", "introspection"). */
  name: string;
  from: Participant;
  /** The step that carried it. */
  step: number;
  format: 'JWS' | 'JWE';
  header: Record<string, unknown>;
  /** Claims, with secret members (nonce…) redacted unless secrets are shown. */
  payload?: Record<string, unknown> | undefined;
}

export interface RunOutcome {
  exit: number;
  valid?: boolean | undefined;
  error?: { code: string; message: string } | undefined;
}

export interface RunRecord {
  command: string;
  startedAt: string;
  /** True only with --show-secrets: nothing in the record is redacted then. */
  secretsShown: boolean;
  steps: RunStep[];
  tokens: DecodedToken[];
  discovery?: { url: string; metadata: Record<string, unknown> } | undefined;
  /** Set when the run has ended. */
  outcome?: RunOutcome | undefined;
  /** Milliseconds from start to end. */
  durationMs?: number | undefined;
}

/** A body kept in the record at most this long: a report is read by people, not replayed. */
export const MAX_RECORDED_BODY = 64 * 1024;

export function newRunRecord(command: string, startedAt: Date, secretsShown: boolean): RunRecord {
  return { command, startedAt: startedAt.toISOString(), secretsShown, steps: [], tokens: [] };
}

const BY_WHAT: Readonly<Record<string, Participant>> = {
  'discovery document': 'discovery',
  'RFC 8414 metadata': 'discovery',
  'token endpoint': 'token_endpoint',
  'userinfo endpoint': 'userinfo',
  JWKS: 'jwks',
  'introspection endpoint': 'introspection',
  'revocation endpoint': 'revocation',
  'device authorization endpoint': 'device_authorization',
  'end-session endpoint': 'end_session',
};

const BY_METADATA: ReadonlyArray<[string, Participant]> = [
  ['token_endpoint', 'token_endpoint'],
  ['userinfo_endpoint', 'userinfo'],
  ['jwks_uri', 'jwks'],
  ['introspection_endpoint', 'introspection'],
  ['revocation_endpoint', 'revocation'],
  ['device_authorization_endpoint', 'device_authorization'],
  ['end_session_endpoint', 'end_session'],
];

const withoutQuery = (url: string): string => url.replace(/[?#].*$/s, '');

/** The endpoint an exchange went to: by what the caller said it fetched, else by the discovered metadata. */
export function participantFor(
  what: string | undefined,
  url: string,
  metadata: Record<string, unknown> | undefined,
): Participant {
  if (what !== undefined && Object.hasOwn(BY_WHAT, what)) return BY_WHAT[what]!;
  const bare = withoutQuery(url);
  if (/\/\.well-known\/(openid-configuration|oauth-authorization-server)/.test(bare)) return 'discovery';
  const aliases = metadata?.mtls_endpoint_aliases;
  for (const source of [metadata, aliases && typeof aliases === 'object' ? aliases : undefined]) {
    for (const [field, participant] of BY_METADATA) {
      const v = (source as Record<string, unknown> | undefined)?.[field];
      if (typeof v === 'string' && withoutQuery(v) === bare) return participant;
    }
  }
  return 'provider';
}

// Made on first use: every command loads this module, few record a run (start-up).
let decoder: InstanceType<typeof TextDecoder> | undefined;

/** Appends one HTTP exchange (redacted unless secrets are shown) and whatever tokens it carried. */
export function appendExchange(record: RunRecord, e: ObservedExchange, runStart: Date): HttpStep {
  const show = record.secretsShown;
  const participant = participantFor(e.what, e.request.url, record.discovery?.metadata);
  const reqType = e.request.headers['content-type'];
  const step: HttpStep = {
    kind: 'http',
    participant,
    what: e.what,
    startMs: Math.max(0, e.startedAt.getTime() - runStart.getTime()),
    request: {
      method: e.request.method,
      url: redactUrl(e.request.url, show),
      headers: redactHeaders(e.request.headers, show),
      ...(e.request.body !== undefined ? { body: redactBody(e.request.body, reqType, show) } : {}),
    },
    curl: curlFor(e.request),
  };
  const index = record.steps.length;
  if (e.response) {
    decoder ??= new TextDecoder('utf-8', { fatal: false });
    const text = decoder.decode(e.response.body);
    const resType = e.response.headers['content-type'];
    // The one policy for response bodies (HAR files and traces too): the content type is not trusted.
    const carriesSecrets = e.request.carriesSecrets ?? e.request.method === 'POST';
    const shown = redactResponseBody(text, { contentType: resType, carriesSecrets }, show);
    step.durationMs = e.response.durationMs;
    step.response = {
      status: e.response.status,
      headers: redactHeaders(e.response.headers, show),
      body: shown.length > MAX_RECORDED_BODY ? shown.slice(0, MAX_RECORDED_BODY) : shown,
      bytes: e.response.body.length,
      truncated: shown.length > MAX_RECORDED_BODY,
    };
    const json = parseObject(text);
    // The summary is kept redacted like the body: a discovery document holds no secret, unless it does.
    if (participant === 'discovery' && json && e.response.status === 200 && !record.discovery)
      record.discovery = { url: redactUrl(e.request.url, show), metadata: redactObject(json, show) };
    if (json) collectTokens(record, json, participant, index);
    else if (/^application\/(\w+\+)?jwt\b/i.test(resType ?? ''))
      addToken(record, participant, participant, text, index);
  }
  if (e.error) step.error = { code: e.error.code, message: e.error.message };
  record.steps.push(step);
  return step;
}

/** The front-channel request handed to the user agent: oidc-probe → user agent → the endpoint. */
export function appendFrontChannelRequest(
  record: RunRecord,
  url: string,
  opts: { purpose: 'authorization' | 'logout'; openBrowser: boolean; at: Date; runStart: Date },
): void {
  const show = record.secretsShown;
  const startMs = Math.max(0, opts.at.getTime() - opts.runStart.getTime());
  const endpoint: Participant = opts.purpose === 'logout' ? 'end_session' : 'authorization_endpoint';
  const shownUrl = redactUrl(url, show);
  const params = paramsOf(new URL(url).searchParams, show);
  record.steps.push(
    {
      kind: 'front_channel',
      from: 'oidc_probe',
      to: 'user_agent',
      channel: opts.openBrowser ? 'browser' : 'printed',
      purpose: opts.purpose,
      startMs,
      url: shownUrl,
      params: {},
      observed: true,
    },
    {
      kind: 'front_channel',
      from: 'user_agent',
      to: endpoint,
      channel: 'navigation',
      purpose: opts.purpose,
      startMs,
      url: shownUrl,
      params,
      observed: true,
    },
  );
}

/**
 * The response at the loopback listener, and before it the provider's redirect that carried it
 * (not seen by oidc-probe, only its result: drawn as such). Tokens in it are decoded.
 */
export function appendFrontChannelResponse(
  record: RunRecord,
  channel: 'query' | 'fragment' | 'form_post',
  params: Record<string, string>,
  opts: { at: Date; runStart: Date },
): void {
  const show = record.secretsShown;
  const request = [...record.steps]
    .reverse()
    .find((s): s is HopStep => s.kind === 'front_channel' && s.from === 'user_agent');
  const purpose = request?.purpose ?? 'authorization';
  const endpoint: Participant = purpose === 'logout' ? 'end_session' : 'authorization_endpoint';
  const startMs = Math.max(0, opts.at.getTime() - opts.runStart.getTime());
  const shown = paramsOf(Object.entries(params), show);
  record.steps.push({
    kind: 'front_channel',
    from: endpoint,
    to: 'user_agent',
    channel: channel === 'form_post' ? 'form_post' : 'redirect',
    purpose,
    startMs,
    params: {},
    observed: false,
  });
  const index = record.steps.length;
  record.steps.push({
    kind: 'front_channel',
    from: 'user_agent',
    to: 'oidc_probe',
    channel,
    purpose,
    startMs,
    ...(request ? { durationMs: startMs - request.startMs } : {}),
    params: shown,
    observed: true,
  });
  collectTokens(record, params, endpoint, index);
}

function paramsOf(entries: Iterable<[string, string]>, show: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = !show && SECRET_NAMES.has(k) ? redacted(v) : v;
  return out;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const TOKEN_MEMBERS = ['id_token', 'access_token', 'refresh_token', 'logout_token'];

function collectTokens(record: RunRecord, source: Record<string, unknown>, from: Participant, step: number): void {
  for (const name of TOKEN_MEMBERS) {
    const v = source[name];
    if (typeof v === 'string') addToken(record, name, from, v, step);
  }
}

/** A JWT among the values: its header and claims go into the record (secret claims redacted), never the token. */
function addToken(record: RunRecord, name: string, from: Participant, value: string, step: number): void {
  let decoded: ReturnType<typeof decodeJwt>;
  try {
    decoded = decodeJwt(value);
  } catch {
    return; // an opaque token: nothing to decode
  }
  const show = record.secretsShown;
  record.tokens.push({
    name,
    from,
    step,
    format: decoded.format,
    header: redactObject(decoded.header, show),
    ...(decoded.format === 'JWS' ? { payload: redactObject(decoded.payload, show) } : {}),
  });
}

/** Members named like secrets (nonce, state…) redacted, by the same rule as JSON bodies in traces. */
function redactObject(value: Record<string, unknown>, show: boolean): Record<string, unknown> {
  if (show) return value;
  return JSON.parse(redactBody(JSON.stringify(value), 'application/json', false)) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// The end of a run: its checks, placed after the message that brought the value each is about.

const CHECKS_FROM_CALLBACK = new Set(['state', 'iss_param', 'response_mode', 'response_type']);
const CHECKS_FROM_TOKEN_ENDPOINT = new Set(['pkce', 'token_type', 'hybrid_iss', 'hybrid_sub']);
const KEY_CHECKS = new Set(['alg', 'kid', 'signature']);

/** Which step brought the value a check is about (its `source`, else its id); undefined when none did. */
export function stepForCheck(
  check: Check,
  steps: readonly RunStep[],
  tokens: readonly DecodedToken[],
): number | undefined {
  const last = (match: (s: RunStep) => boolean): number | undefined => {
    for (let i = steps.length - 1; i >= 0; i--) if (match(steps[i]!)) return i;
    return undefined;
  };
  const http = (p: Participant) => last((s) => s.kind === 'http' && s.participant === p);
  const callback = () => last((s) => s.kind === 'front_channel' && s.to === 'oidc_probe');
  switch (check.source) {
    case 'authorization_endpoint':
      return callback();
    case 'token_endpoint':
      return http('token_endpoint');
    case 'userinfo':
      return http('userinfo');
  }
  const id = String(check.id);
  if (CHECKS_FROM_CALLBACK.has(id)) return callback();
  if (CHECKS_FROM_TOKEN_ENDPOINT.has(id)) return http('token_endpoint');
  if (id === 'userinfo_sub') return http('userinfo');
  if (id.startsWith('discovery.')) return http('discovery');
  if (id.startsWith('jwks.')) return http('jwks');
  // A token check without a source: the last token that came over the wire, else (verify --issuer)
  // the keys for the key rows.
  const token = tokens.at(-1);
  if (token) return token.step;
  if (KEY_CHECKS.has(id)) return http('jwks');
  return undefined;
}

/** Secret-named checks (state, nonce) keep their verdict but not the values they compared. */
function redactCheck(check: Check, show: boolean): Check {
  if (show || !SECRET_NAMES.has(String(check.id))) return check;
  const hide = (v: unknown) => (v === undefined ? undefined : redacted(typeof v === 'string' ? v : JSON.stringify(v)));
  const { expected, actual, ...rest } = check;
  return {
    ...rest,
    ...(expected !== undefined ? { expected: hide(expected) } : {}),
    ...(actual !== undefined ? { actual: hide(actual) } : {}),
  };
}

/** Ends the record: each check is placed right after the step it is about; the outcome is kept. */
export function settleRunRecord(
  record: RunRecord,
  end: { checks: readonly Check[]; outcome: RunOutcome; durationMs: number },
): void {
  const after = new Map<number, CheckStep[]>();
  const unplaced: CheckStep[] = [];
  for (const check of end.checks) {
    const about = stepForCheck(check, record.steps, record.tokens);
    const step: CheckStep = { kind: 'check', check: redactCheck(check, record.secretsShown), about };
    if (about === undefined) unplaced.push(step);
    else {
      const list = after.get(about);
      if (list) list.push(step);
      else after.set(about, [step]);
    }
  }
  // Re-number: the steps move as checks are inserted, so `about` and the tokens' `step` follow.
  const moved = new Map<number, number>();
  const steps: RunStep[] = [];
  record.steps.forEach((s, i) => {
    moved.set(i, steps.length);
    steps.push(s);
    for (const c of after.get(i) ?? []) steps.push(c);
  });
  for (const s of steps) if (s.kind === 'check' && s.about !== undefined) s.about = moved.get(s.about);
  for (const t of record.tokens) t.step = moved.get(t.step) ?? t.step;
  record.steps = [...steps, ...unplaced];
  record.outcome = end.outcome;
  record.durationMs = end.durationMs;
}

// ---------------------------------------------------------------------------------------------
// The sequence every view draws: one message per arrow, in order, with what each carried.

export type MessageKind = 'request' | 'response' | 'front_channel';

export interface Message {
  /** 1-based, as the views number them. */
  number: number;
  step: number;
  from: Participant;
  to: Participant;
  kind: MessageKind;
  /** Dashed in the diagrams: an answer, or the provider sending the user agent back. */
  reply: boolean;
  /** "GET /token", "redirect", "query"… */
  title: string;
  /** Essential parameters, in order: "grant_type=authorization_code", "code…" (secret values never). */
  params: string[];
  status?: number | undefined;
  durationMs?: number | undefined;
  /** The exchange failed (no answer), or the answer is an error. */
  error?: string | undefined;
  /** Checks about what this message brought that did not pass (fail first, then warn). */
  flagged: Check[];
  startMs: number;
}

export interface SequenceNote {
  status: CheckStatus;
  text: string;
}

export interface Sequence {
  participants: ParticipantInfo[];
  rows: Array<{ message: Message } | { note: SequenceNote }>;
  messages: Message[];
  /** The messages of each step, in order: a request and its answer, or the one hop. */
  byStep: Map<number, Message[]>;
  /** Every check about each step, whatever its status. */
  checksByStep: Map<number, Check[]>;
}

/** Request and response members shown by value in a label; others by name only, secrets as "name…". */
const SHOWN_BY_VALUE = new Set([
  'grant_type',
  'response_type',
  'response_mode',
  'scope',
  'prompt',
  'token_type_hint',
  'code_challenge_method',
  'token_type',
  'error',
  'active',
  'iss',
]);
const MAX_VALUE = 40;

/** Requests lead with what they ask for (grant_type=…); answers with what they brought (id_token…). */
function essentialParams(entries: Iterable<[string, unknown]>, answer = false): string[] {
  const byValue: string[] = [];
  const secret: string[] = [];
  const rest: string[] = [];
  for (const [k, v] of entries) {
    if (SECRET_NAMES.has(k)) secret.push(`${k}…`);
    else if (SHOWN_BY_VALUE.has(k) && (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')) {
      const text = String(v);
      byValue.push(`${k}=${text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text}`);
    } else rest.push(k);
  }
  return answer ? [...secret, ...byValue, ...rest] : [...byValue, ...secret, ...rest];
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function formEntries(body: string | undefined, type: string | undefined): Array<[string, string]> {
  if (!body || !(type ?? '').startsWith('application/x-www-form-urlencoded')) return [];
  return [...new URLSearchParams(body)];
}

function responseParams(step: HttpStep): string[] {
  const r = step.response!;
  const json = parseObject(r.body);
  if (!json) {
    const type = (r.headers['content-type'] ?? '').split(';')[0]!.trim();
    return r.bytes > 0 ? [`${type || 'no content-type'}, ${r.bytes} bytes`] : [];
  }
  if (typeof json.error === 'string') return [`error=${json.error}`];
  if (step.participant === 'discovery') return [`${Object.keys(json).length} members`];
  if (step.participant === 'jwks' && Array.isArray(json.keys))
    return [`${json.keys.length} key${json.keys.length === 1 ? '' : 's'}`];
  return essentialParams(Object.entries(json), true);
}

/** What a front-channel hop is called in a diagram; the redirect URI's path names the listener. */
function hopTitle(s: HopStep, redirectPath: string): string {
  const what = s.purpose === 'logout' ? 'logout' : 'authorization';
  switch (s.channel) {
    case 'browser':
      return `open the ${what} URL in the browser`;
    case 'printed':
      return `${what} URL printed for the user`;
    case 'navigation':
      return `GET ${pathOf(s.url ?? '')}`;
    case 'redirect':
      return 'redirect to the redirect URI';
    case 'form_post':
      return s.to === 'oidc_probe' ? `POST ${redirectPath} (form_post)` : 'auto-posted form to the redirect URI';
    case 'query':
      return `GET ${redirectPath} (query)`;
    case 'fragment':
      return `POST ${redirectPath} (fragment, relayed)`;
  }
}

/** The messages, notes and participants of a record, in order: what every view draws. */
export function sequenceOf(record: RunRecord): Sequence {
  const rows: Sequence['rows'] = [];
  const messages: Message[] = [];
  const byStep = new Map<number, Message[]>();
  const checksByStep = new Map<number, Check[]>();
  const notes: SequenceNote[] = [];
  const push = <T>(map: Map<number, T[]>, key: number, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const s of record.steps) {
    if (s.kind !== 'check') continue;
    const bad = s.check.status === 'fail' || s.check.status === 'warn';
    if (s.about !== undefined) push(checksByStep, s.about, s.check);
    else if (bad) notes.push({ status: s.check.status, text: `${s.check.id}: ${s.check.message}` });
  }
  // Marked on the arrow: what failed first, then the warnings.
  const flaggedOn = (step: number) => {
    const about = checksByStep.get(step) ?? [];
    return [...about.filter((c) => c.status === 'fail'), ...about.filter((c) => c.status === 'warn')];
  };
  const add = (m: Omit<Message, 'number'>) => {
    const message = { number: messages.length + 1, ...m };
    messages.push(message);
    push(byStep, m.step, message);
    rows.push({ message });
  };
  let redirectPath = '/';
  record.steps.forEach((s, i) => {
    const flagged = flaggedOn(i);
    if (s.kind === 'http') {
      const reqParams = [
        ...essentialParams(formEntries(s.request.body, s.request.headers['content-type'])),
        ...(s.request.headers.authorization ? [`${s.request.headers.authorization.split(' ')[0]} auth`] : []),
      ];
      add({
        step: i,
        from: 'oidc_probe',
        to: s.participant,
        kind: 'request',
        reply: false,
        title: `${s.request.method} ${pathOf(s.request.url)}`,
        params: reqParams,
        startMs: s.startMs,
        ...(s.error ? { error: s.error.message } : {}),
        flagged: s.response ? [] : flagged,
      });
      if (s.response) {
        const status = s.response.status;
        add({
          step: i,
          from: s.participant,
          to: 'oidc_probe',
          kind: 'response',
          reply: true,
          title: String(status),
          params: responseParams(s),
          status,
          durationMs: s.durationMs,
          startMs: s.startMs + (s.durationMs ?? 0),
          ...(status >= 400 ? { error: `HTTP ${status}` } : {}),
          flagged,
        });
      }
    } else if (s.kind === 'front_channel') {
      if (s.channel === 'navigation') {
        const uri = s.params.redirect_uri ?? s.params.post_logout_redirect_uri;
        if (uri !== undefined) redirectPath = pathOf(uri);
      }
      add({
        step: i,
        from: s.from,
        to: s.to,
        kind: 'front_channel',
        reply: !s.observed,
        title: hopTitle(s, redirectPath),
        params: essentialParams(Object.entries(s.params), s.to === 'oidc_probe'),
        durationMs: s.durationMs,
        startMs: s.startMs,
        ...(s.params.error !== undefined ? { error: `error=${s.params.error}` } : {}),
        flagged,
      });
    }
  });
  for (const n of notes) rows.push({ note: n });
  const o = record.outcome;
  if (o?.error && !messages.some((m) => m.error !== undefined))
    rows.push({ note: { status: 'fail', text: `${o.error.message} (exit ${o.exit})` } });
  if (rows.length === 0) rows.push({ note: { status: 'skip', text: 'no message: this run talked to no server' } });
  const present = new Set<Participant>(['oidc_probe']);
  for (const m of messages) present.add(m.from).add(m.to);
  return { participants: PARTICIPANTS.filter((p) => present.has(p.id)), rows, messages, byStep, checksByStep };
}

// ---------------------------------------------------------------------------------------------
// Copy as curl: the request as sent, each secret a shell variable the reader fills in.

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const variable = (name: string) => `$${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
/** Headers curl sets itself, or that only say who we are. */
const CURL_SKIPS = new Set(['user-agent', 'content-type', 'content-length', 'host']);

function headerVariable(name: string, scheme: string | undefined): string {
  const s = scheme?.toLowerCase();
  if (s === 'bearer' || s === 'dpop') return '$ACCESS_TOKEN';
  if (s === 'basic') return '$BASIC_CREDENTIALS';
  return name.toLowerCase() === 'dpop' ? '$DPOP_PROOF' : variable(name);
}

/** One curl command line; secret values never appear, only "$CODE", "$CLIENT_SECRET"… */
export function curlFor(request: ObservedExchange['request']): string {
  const url = new URL(request.url);
  const vars: string[] = [];
  for (const k of [...url.searchParams.keys()])
    if (SECRET_NAMES.has(k)) {
      url.searchParams.set(k, '__SECRET__');
      vars.push(variable(k));
    }
  let urlText = shellQuote(url.toString());
  for (const v of vars) urlText = urlText.replace(/__SECRET__/, `'"${v}"'`);
  const lines = [`curl${request.method === 'GET' ? '' : ` -X ${request.method}`} ${urlText}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (CURL_SKIPS.has(name.toLowerCase())) continue;
    if (isSecretHeader(name)) {
      const scheme = /^(\w+)\s+/.exec(value)?.[1];
      lines.push(`-H "${name}: ${scheme ? `${scheme} ` : ''}${headerVariable(name, scheme)}"`);
    } else lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  const type = request.headers['content-type'] ?? '';
  if (request.body !== undefined && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(request.body))
      lines.push(
        SECRET_NAMES.has(k) ? `--data-urlencode "${k}=${variable(k)}"` : `--data-urlencode ${shellQuote(`${k}=${v}`)}`,
      );
  } else if (request.body !== undefined && request.body !== '') {
    const shown = redactBody(request.body, type, false);
    lines.push(shown === request.body ? `--data-raw ${shellQuote(request.body)}` : '--data-raw "$REQUEST_BODY"');
    if (type) lines.splice(1, 0, `-H ${shellQuote(`content-type: ${type}`)}`);
  }
  return lines.join(' \\\n  ');
}
