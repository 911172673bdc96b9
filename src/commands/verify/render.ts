// Human view of a verification: the decoded token first (always, even when checks fail), then the checks.
import type { Check } from '../../protocol/checks.js';
import { classifyToken } from '../../protocol/token-kind.js';
import { renderChecks } from '../../render/checks.js';
import { renderClaimsTable, renderHeaderTable, renderKind } from '../../render/jwt-tables.js';
import type { Style } from '../../render/style.js';
import { shown } from '../../render/text.js';

export interface VerificationView {
  valid: boolean;
  header: Record<string, unknown>;
  /** The claims, or the payload text of a JWS that carries no JSON claims set. */
  payload: Record<string, unknown> | string;
  checks: Check[];
}

export function renderVerification(data: VerificationView, style: Style, now: number, width?: number): string {
  const claims = typeof data.payload === 'string' ? undefined : data.payload;
  return [
    renderKind(classifyToken(data.header, claims), style, width),
    '',
    style.bold('header'),
    renderHeaderTable(data.header, style, width),
    '',
    style.bold(claims ? 'claims' : 'payload (not a JSON claims set)'),
    claims
      ? renderClaimsTable(claims, style, { now, ...(width ? { width } : {}) })
      : shown(data.payload as string, 2000),
    '',
    renderChecks(data.checks, style, { title: 'checks', width }),
    data.valid ? style.green.bold('valid') : style.red.bold('NOT valid'),
  ].join('\n');
}
