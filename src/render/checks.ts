// The check table every validating command prints, and its one-line summary.
import { countByStatus, type Check, type CheckStatus } from '../protocol/checks.js';
import { escapeForTerminal } from './escape.js';
import type { Style } from './style.js';
import { naturalTableWidth, renderTable } from './table.js';
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
  opts: { title?: string; showSource?: boolean; width?: number | undefined } = {},
): string {
  const rows = checks.map((c) => {
    // The message quotes values from outside (claims, metadata): escaped before anything is painted.
    let message = escapeForTerminal(c.message);
    if (c.status === 'fail' && (c.expected !== undefined || c.actual !== undefined)) {
      const parts: string[] = [];
      if (c.expected !== undefined) parts.push(`expected: ${shortenMiddle(formatValue(c.expected), 80)}`);
      if (c.actual !== undefined) parts.push(`actual: ${shortenMiddle(formatValue(c.actual), 80)}`);
      message += `\n${style.dim(parts.join('\n'))}`;
    }
    if (c.hint) message += `\n${style.cyan(`hint: ${escapeForTerminal(c.hint)}`)}`;
    return { id: c.id, source: c.source ?? '', status: statusLabel(c.status, style), message };
  });
  let table: string;
  if (!opts.showSource) {
    const spec = { head: ['check', 'status', 'why'], rows: rows.map((r) => [r.id, r.status, r.message]) };
    table = renderTable({ ...spec, width: opts.width }, style);
  } else {
    const spec = {
      head: ['check', 'source', 'status', 'why'],
      rows: rows.map((r) => [r.id, r.source, r.status, r.message]),
    };
    // Too wide for the terminal: the source goes under the check id, leaving the room to the why.
    if (opts.width && naturalTableWidth(spec) > opts.width) {
      const folded = rows.map((r) => [r.source ? `${r.id}\n${style.dim(`  ${r.source}`)}` : r.id, r.status, r.message]);
      table = renderTable({ head: ['check', 'status', 'why'], rows: folded, width: opts.width }, style);
    } else table = renderTable(spec, style);
  }
  return (opts.title ? `${style.bold(opts.title)}\n` : '') + table + '\n' + checksSummary(checks, style);
}

/** "3 passed, 1 failed, 0 warnings, 2 skipped": the summary line, and the reports' tallies. */
export function tallyText(n: Record<CheckStatus, number>): string {
  return `${n.pass} passed, ${n.fail} failed, ${n.warn} warnings, ${n.skip} skipped`;
}

export function checksSummary(checks: readonly Check[], style: Style): string {
  const n = countByStatus(checks);
  const text = tallyText(n);
  return n.fail > 0 ? style.red.bold(`✗ ${text}`) : style.green(`✓ ${text}`);
}
