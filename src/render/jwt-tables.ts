// Human view of a decoded JWT. Pure: the decode result, a Style and the time in; a string out.
import {
  describeAlgorithm,
  describeAmrValue,
  describeClaim,
  describeHeaderParameter,
  isTimeClaim,
} from '../protocol/claim-registry.js';
import type { Check } from '../protocol/checks.js';
import type { TokenKind } from '../protocol/token-kind.js';
import { renderChecks } from './checks.js';
import { escapeForTerminal } from './escape.js';
import { fittedTable, wrap } from './fit-table.js';
import type { Style } from './style.js';
import { shortenMiddle, shown } from './text.js';
import { isoUtc, relativeTime } from './time.js';

/** The `decode --json` document; the human view is drawn from the same data. */
export interface DecodeView {
  format: 'JWS' | 'JWE';
  header: Record<string, unknown>;
  /** The claims; null when the payload is not a JSON object (see payload_text), absent for a JWE. */
  payload?: Record<string, unknown> | null;
  payload_text?: string;
  payload_note?: string;
  kind: TokenKind;
  signature_verified: false;
  /** ISO 8601 UTC of every NumericDate claim (the payload keeps the raw numbers). */
  times?: Record<string, string>;
  note?: string;
  /** The inner token when the payload is a nested JWT (cty "JWT", RFC 7519 §5.2), or a decrypted JWE's. */
  nested?: DecodeView;
  /** jwe.alg and jwe.decrypt, when a JWE was decrypted with --decryption-key. */
  checks?: Check[];
  valid?: boolean;
}

export interface RenderOptions {
  /** Epoch seconds: relative times are computed against it. */
  now: number;
  /** Terminal width; tables wrap to it when given. */
  width?: number;
}

/** Values longer than this are shortened in the middle (the JSON output keeps them whole). */
const MAX_VALUE = 100;

export function renderDecoded(view: DecodeView, style: Style, opts: RenderOptions): string {
  const why = 'decode only reads; `oidc-probe verify` checks';
  const narrow = opts.width !== undefined && opts.width < 72;
  const notice =
    style.yellow.bold('⚠ signature not verified') + (narrow ? `\n  ${style.dim(why)}` : style.dim(`: ${why}`));
  return [notice, ...renderBody(view, style, opts)].join('\n');
}

function renderBody(view: DecodeView, style: Style, opts: RenderOptions): string[] {
  const out: string[] = [];
  out.push('', renderKind(view.kind, style, opts.width));
  out.push('', style.bold(view.format === 'JWE' ? 'JWE protected header' : 'JWS header'));
  out.push(renderHeaderTable(view.header, style, opts.width));
  if (view.format === 'JWE') {
    out.push(
      '',
      style.cyan(
        escapeForTerminal(view.note ?? "the payload is encrypted: reading it needs the recipient's private key"),
      ),
    );
    if (view.checks) out.push('', renderChecks(view.checks, style, { title: 'decryption' }));
    if (!view.nested && !view.payload && view.payload_text === undefined) return out;
    out.push('', style.bold('── decrypted content, not verified ──'));
    if (view.nested) out.push(...renderBody(view.nested, style, opts));
    else if (view.payload) out.push(renderClaimsTable(view.payload, style, opts));
    else out.push(escapeForTerminal(shortenMiddle(view.payload_text!, 2000)));
    return out;
  }
  if (view.payload) {
    out.push('', style.bold('claims'));
    out.push(renderClaimsTable(view.payload, style, opts));
    return out;
  }
  out.push('', style.bold('payload'));
  if (view.payload_note) out.push(style.cyan(escapeForTerminal(view.payload_note)));
  const text = view.payload_text ?? '';
  // One line: newlines in the payload show as \n, like every value from outside.
  out.push(text === '' ? style.dim('(empty)') : shown(text, view.nested ? MAX_VALUE : 2000));
  if (view.nested) {
    out.push('', style.bold('── nested token (the payload above), not verified either ──'));
    out.push(...renderBody(view.nested, style, opts));
  }
  return out;
}

export function renderKind(kind: TokenKind, style: Style, width?: number): string {
  // The evidence quotes the token (typ, iss…): escaped like any value from outside.
  const head =
    kind.confidence === 'unknown'
      ? style.bold(escapeForTerminal(kind.summary))
      : style.bold(`${kind.name}`) + style.dim(` (${kind.confidence})`);
  const lines = [`${style.bold('looks like:')} ${head}`];
  const item = (mark: string, text: string) =>
    wrap(escapeForTerminal(text), width ? width - 4 : undefined).map((l, i) => `  ${i === 0 ? mark : ' '} ${l}`);
  if (kind.confidence !== 'unknown') lines.push(...item(' ', kind.summary));
  for (const e of kind.evidence) lines.push(...item(style.green('+'), e));
  for (const c of kind.conflicts) lines.push(...item(style.yellow('!'), c));
  return lines.join('\n');
}

/** The JOSE header as a table: name, value, what it means (also for `verify`). */
export function renderHeaderTable(header: Record<string, unknown>, style: Style, width?: number): string {
  return fittedTable(['name', 'value', 'description'], headerRows(header, style), style, width);
}

/** The claims as a table: name, readable value (times, nested objects), what it means (also for `verify`). */
export function renderClaimsTable(claims: Record<string, unknown>, style: Style, opts: RenderOptions): string {
  return fittedTable(['claim', 'value', 'description'], claimRows(claims, style, opts.now), style, opts.width);
}

export function headerRows(header: Record<string, unknown>, style: Style): string[][] {
  return Object.entries(header).map(([name, value]) => {
    let description = describeHeaderParameter(name)?.description ?? style.dim('not registered');
    if ((name === 'alg' || name === 'enc') && typeof value === 'string') {
      const meaning = describeAlgorithm(value);
      description += meaning
        ? `\n${style.cyan(`${value}: ${meaning}`)}`
        : `\n${style.yellow(`${shown(value, MAX_VALUE)}: not a registered algorithm`)}`;
    }
    if (name === 'alg' && value === 'none')
      description += `\n${style.red('an unsecured JWT: anyone could have written it')}`;
    return [escapeForTerminal(name), formatNested(value).join('\n'), description];
  });
}

/** Claim rows: value made readable (times, nested objects), and what the claim means. */
export function claimRows(claims: Record<string, unknown>, style: Style, now: number): string[][] {
  return Object.entries(claims).map(([name, value]) => [
    escapeForTerminal(name),
    claimValue(name, value, style, now),
    claimDescription(name, value, style),
  ]);
}

function claimValue(name: string, value: unknown, style: Style, now: number): string {
  if (isTimeClaim(name)) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `${formatNested(value).join('\n')}\n${style.yellow('not a NumericDate (seconds since 1970)')}`;
    return `${value}\n${isoUtc(value)}\n${style.dim(timePhrase(name, value, now))}`;
  }
  if (name === 'amr' && Array.isArray(value)) {
    return value
      .map((v) => {
        const meaning = typeof v === 'string' ? describeAmrValue(v) : undefined;
        return meaning ? `${v} ${style.dim(`(${meaning})`)}` : formatScalar(v);
      })
      .join('\n');
  }
  return formatNested(value).join('\n');
}

/** "in 59 min", "expired 3 h ago", "3 h ago", with a word where the time matters. */
function timePhrase(name: string, value: number, now: number): string {
  const rel = relativeTime(value, now, { expiry: name === 'exp' });
  if (name === 'nbf' && value > now) return `${rel} (not valid yet)`;
  if ((name === 'iat' || name === 'auth_time') && value > now) return `${rel} (in the future)`;
  return rel;
}

function claimDescription(name: string, value: unknown, style: Style): string {
  const info = describeClaim(name);
  if (!info) {
    // RFC 7519 §4.2: public names should be collision-resistant (URIs); others are private (§4.3).
    return style.dim(/[:/]/.test(name) ? 'public claim name (RFC 7519 §4.2), not registered' : 'not registered');
  }
  const lines = [info.description];
  if (info.source.includes('not registered')) lines.push(style.dim(info.source));
  if (info.members && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      const member = info.members[key];
      if (member) lines.push(style.dim(`${key}: ${member}`));
    }
  }
  return lines.join('\n');
}

function formatScalar(value: unknown): string {
  if (typeof value === 'string') return shown(value, MAX_VALUE);
  if (value === undefined) return '';
  return JSON.stringify(value);
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/**
 * Objects and arrays as indented "key: value" lines, so a cnf, address or act chain reads at a
 * glance. Short arrays of scalars stay on one line. Keys and strings come out escaped. Linear in
 * the size of the value, however deep.
 */
export function formatNested(value: unknown, indent = '', out: string[] = []): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${indent}[]`);
    else if (value.every(isScalar)) {
      const line = value.map(formatScalar).join(', ');
      if (line.length <= MAX_VALUE) out.push(`${indent}${line}`);
      else for (const v of value) out.push(`${indent}- ${formatScalar(v)}`);
    } else {
      for (const v of value) {
        // The first line of the item takes the dash; the rest keep the item's indentation.
        const first = out.length;
        formatNested(v, `${indent}  `, out);
        out[first] = `${indent}- ${out[first]!.trimStart()}`;
      }
    }
    return out;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push(`${indent}{}`);
    for (const [k, v] of entries) {
      const key = escapeForTerminal(k);
      if (v && typeof v === 'object' && !(Array.isArray(v) && v.every(isScalar))) {
        out.push(`${indent}${key}:`);
        formatNested(v, `${indent}  `, out);
      } else out.push(`${indent}${key}: ${formatNested(v).join(' ')}`);
    }
    return out;
  }
  out.push(`${indent}${formatScalar(value)}`);
  return out;
}
