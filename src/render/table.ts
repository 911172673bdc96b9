// Human tables. Only renderers import this module, and only commands that run load a renderer,
// so cli-table3 never costs --help anything. The bundle inlines it, so it is not a dozen CommonJS
// files resolved one by one.
import Table from 'cli-table3';
import type { Style } from './style.js';

export interface TableSpec {
  head?: string[];
  rows: string[][];
  colWidths?: (number | null)[];
  wordWrap?: boolean;
}

export function renderTable(spec: TableSpec, style: Style): string {
  const table = new Table({
    ...(spec.head ? { head: spec.head.map((h) => style.bold(h)) } : {}),
    // We paint cells ourselves; cli-table3's own colours would leak ANSI into pipes.
    style: { head: [], border: [], compact: true },
    wordWrap: spec.wordWrap ?? true,
    wrapOnWordBoundary: false,
    ...(spec.colWidths ? { colWidths: spec.colWidths } : {}),
  });
  for (const row of spec.rows) table.push(row);
  return table.toString();
}
