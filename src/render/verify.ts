// Human view of a verification: the decoded token first (always, even when checks fail), then the checks.
import type { Check } from '../protocol/checks.js';
import { renderChecks } from './checks.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatValue } from './text.js';
import { isoUtc, relativeTime } from './time.js';

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time', 'updated_at']);

export function renderClaimRows(payload: Record<string, unknown>, now: number): string[][] {
  return Object.entries(payload).map(([k, v]) => {
    if (TIME_CLAIMS.has(k) && typeof v === 'number') return [k, `${v}  ${isoUtc(v)} (${relativeTime(v, now, { expiry: k === 'exp' })})`];
    return [k, formatValue(v)];
  });
}

export function renderVerification(data: { valid: boolean; header: Record<string, unknown>; payload: Record<string, unknown> | string; checks: Check[] }, style: Style, now: number): string {
  return [
    style.bold('header'),
    renderTable({ head: ['name', 'value'], rows: Object.entries(data.header).map(([k, v]) => [k, formatValue(v)]) }, style),
    style.bold(typeof data.payload === "string" ? "payload (not JSON)" : "claims"),
    typeof data.payload === "string" ? data.payload : renderTable({ head: ["claim", "value"], rows: renderClaimRows(data.payload, now) }, style),
    renderChecks(data.checks, style, { title: 'checks' }),
    data.valid ? style.green.bold('valid') : style.red.bold('NOT valid'),
  ].join('\n');
}
