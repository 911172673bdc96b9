// Small text helpers shared by every renderer. Whatever they return is terminal text: values from
// outside come out escaped (escape.ts), ready to paint.
import { displaySecret, type SecretKind, secretKind } from '../protocol/redact.js';
import { escapeForTerminal } from './escape.js';

/** Shorten a long value in the middle so both ends stay recognisable. */
export function shortenMiddle(value: string, max = 48): string {
  if (value.length <= max) return value;
  const keep = Math.max(4, Math.floor((max - 1) / 2));
  return `${value.slice(0, keep)}…${value.slice(-keep)}`;
}

/** A string from outside, escaped and shortened in the middle to `max` characters. */
export function shown(value: string, max?: number): string {
  return max === undefined ? escapeForTerminal(value) : shortenMiddle(escapeForTerminal(value), max);
}

/**
 * A token or code without --show-secrets: a short prefix and suffix (protocol/redact.ts owns the
 * rule); `kind` 'secret' for what is never shown in part (client secrets, passwords, verifiers).
 */
export function redactSecret(value: string, show: boolean, kind: SecretKind = 'credential'): string {
  return escapeForTerminal(displaySecret(value, kind, show));
}

/** The value of a named parameter or member: redacted by the rule for its name, else escaped and shortened. */
export function namedValue(name: string, value: unknown, show: boolean, max: number): string {
  const kind = secretKind(name);
  if (kind && typeof value === 'string') return redactSecret(value, show, kind);
  return shortenMiddle(formatValue(value), max);
}

/** Any value from outside as one line of terminal text (JSON for what is not a string). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return escapeForTerminal(value);
  if (value === undefined) return '';
  return escapeForTerminal(JSON.stringify(value) ?? String(value));
}
