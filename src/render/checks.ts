// The check table every validating command prints, and its one-line summary.
import { countByStatus, type Check, type CheckStatus } from '../protocol/checks.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatValue, shortenMiddle } from './text.js';

export function statusLabel(status: CheckStatus, style: Style): string {
  switch (status) {
    case 'pass':
      return style.green('pass');
    case 'fail':
      return style.red.bold('FAIL');
    case 'warn':
      return style.yellow('warn');
    case 'skip':
      return style.dim('skip');
  }
}

export function renderChecks(
  checks: readonly Check[],
  style: Style,
  opts: { title?: string; showSource?: boolean } = {},
): string {
  const rows = checks.map((c) => {
    let message = c.message;
    if (c.status === 'fail' && (c.expected !== undefined || c.actual !== undefined)) {
      const parts: string[] = [];
      if (c.expected !== undefined) parts.push(`expected: ${shortenMiddle(formatValue(c.expected), 80)}`);
      if (c.actual !== undefined) parts.push(`actual: ${shortenMiddle(formatValue(c.actual), 80)}`);
      message += `\n${style.dim(parts.join('\n'))}`;
    }
    if (c.hint) message += `\n${style.cyan(`hint: ${c.hint}`)}`;
    const row = [c.id, statusLabel(c.status, style), message];
    if (opts.showSource) row.splice(1, 0, c.source ?? '');
    return row;
  });
  const head = opts.showSource ? ['check', 'source', 'status', 'why'] : ['check', 'status', 'why'];
  const table = renderTable({ head, rows }, style);
  return (opts.title ? `${style.bold(opts.title)}\n` : '') + table + '\n' + checksSummary(checks, style);
}

export function checksSummary(checks: readonly Check[], style: Style): string {
  const n = countByStatus(checks);
  const text = `${n.pass} passed, ${n.fail} failed, ${n.warn} warnings, ${n.skip} skipped`;
  return n.fail > 0 ? style.red.bold(`✗ ${text}`) : style.green(`✓ ${text}`);
}
