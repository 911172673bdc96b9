// RFC 9396 §7: what the provider granted beside what was asked, one row per authorization detail.
// Display only: the provider's policy decides what it grants, and a person judges the difference.
import type { AuthorizationDetailComparison } from '../protocol/authorization-details.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatValue, shortenMiddle } from './text.js';

export function renderAuthorizationDetails(
  rows: readonly AuthorizationDetailComparison[],
  style: Style,
  width?: number,
): string {
  const cell = (v: unknown) => (v === undefined ? style.dim('—') : shortenMiddle(formatValue(v), 60));
  const paint = (r: AuthorizationDetailComparison) =>
    r.status === 'granted'
      ? style.green(r.status)
      : r.status === 'not granted'
        ? style.yellow(r.status)
        : style.cyan(r.status);
  return [
    style.bold('Authorization details'),
    renderTable(
      {
        head: ['type', 'requested', 'granted', ''],
        rows: rows.map((r) => [formatValue(r.type), cell(r.requested), cell(r.granted), paint(r)]),
        width,
      },
      style,
    ),
  ].join('\n');
}
