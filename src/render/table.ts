// Human tables: box-drawing borders, one space of padding, a rule under the head and none between
// rows (the look cli-table3 gives with `compact: true`; test/render/table.test.ts compares the two
// byte for byte). Drawn here rather than by cli-table3 because cli-table3 re-measures the whole
// content of a cell for every line it draws (so a 1,000-line cell costs seconds) and spends
// ~10 µs setting up each cell: the checks and claims tables of a login took 3-4 ms with one-line
// cells, against a target of 2 ms (bench/render.mjs has the figures). Here every line is measured
// once, so drawing is linear in the size of the table.
import type { Style } from './style.js';
import { displayWidth, wrapLine } from './wrap.js';

export interface TableSpec {
  head?: string[];
  /** Cells hold terminal text: values from outside already escaped (escape.ts), lines split by "\n". */
  rows: string[][];
  /** Terminal width: a table wider than this gets narrower columns, its cells wrapped to them. */
  width?: number | undefined;
  /** How to share the room among columns too wide for it (default: fitColumns). */
  fit?: (natural: number[], room: number) => number[];
}

/** Columns taken by borders and padding: one border before each column and after the last, a space each side. */
export const tableOverhead = (columns: number) => 3 * columns + 1;

/** Every cell split into lines, each line measured once, and the width each column would like. */
function measure(head: string[] | undefined, body: string[][], widthOf: (line: string) => number) {
  const rows = head ? [head, ...body] : body;
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const cells = rows.map((row) => Array.from({ length: columns }, (_, i) => (row[i] ?? '').split('\n')));
  const lineWidths = cells.map((row) => row.map((lines) => lines.map(widthOf)));
  const natural = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...lineWidths.map((row) => Math.max(...row[i]!))),
  );
  return { columns, cells, lineWidths, natural };
}

/** Columns the table takes when nothing is wrapped. */
export function naturalTableWidth(spec: Pick<TableSpec, 'head' | 'rows'>): number {
  const { columns, natural } = measure(spec.head, spec.rows, displayWidth);
  return sum(natural) + tableOverhead(columns);
}

/** `widthOf` measures a line of a cell (a parameter so a test can count the measurements). */
export function renderTable(spec: TableSpec, style: Style, widthOf = displayWidth): string {
  const head = spec.head?.map((h) => style.bold(h));
  const measured = measure(head, spec.rows, widthOf);
  const { columns, natural } = measured;
  let { cells, lineWidths } = measured;
  if (columns === 0) return '';
  let widths = natural;
  const room = spec.width ? spec.width - tableOverhead(columns) : Number.POSITIVE_INFINITY;
  if (sum(natural) > room) {
    widths = (spec.fit ?? fitColumns)(natural, room);
    // Only the lines that are too wide are wrapped, and only their pieces measured.
    const wrapped = cells.map((row, r) =>
      row.map((lines, c) => wrapLines(lines, lineWidths[r]![c]!, widths[c]!, widthOf)),
    );
    cells = wrapped.map((row) => row.map((cell) => cell.lines));
    lineWidths = wrapped.map((row) => row.map((cell) => cell.widths));
  }

  const rule = (left: string, middle: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right;
  const out = [rule('┌', '┬', '┐')];
  cells.forEach((row, r) => {
    const height = Math.max(...row.map((lines) => lines.length));
    for (let l = 0; l < height; l++) {
      let line = '│';
      for (let c = 0; c < columns; c++) {
        const text = row[c]![l] ?? '';
        const textWidth = lineWidths[r]![c]![l] ?? 0;
        line += ` ${text}${' '.repeat(Math.max(0, widths[c]! - textWidth))} │`;
      }
      out.push(line);
    }
    if (r === 0 && head && cells.length > 1) out.push(rule('├', '┼', '┤'));
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

/**
 * Share `room` columns fairly: a column narrower than an equal share keeps its width, the others
 * split what is left (max-min fairness), so short columns (status, alg) stay whole and the long
 * ones wrap. Never narrower than one column.
 */
export function fitColumns(natural: number[], room: number): number[] {
  const widths = [...natural];
  const order = natural.map((_, i) => i).sort((a, b) => natural[a]! - natural[b]!);
  let left = room;
  for (let k = 0; k < order.length; k++) {
    const count = order.length - k;
    const share = Math.floor(left / count);
    if (natural[order[k]!]! <= share) {
      left -= natural[order[k]!]!;
      continue;
    }
    // This column and every wider one split what is left; the remainder goes to the widest.
    const remainder = left - share * count;
    for (let n = k; n < order.length; n++)
      widths[order[n]!] = Math.max(1, share + (n >= order.length - remainder ? 1 : 0));
    break;
  }
  return widths;
}

function wrapLines(lines: string[], lineWidths: number[], width: number, widthOf: (line: string) => number) {
  if (lineWidths.every((w) => w <= width)) return { lines, widths: lineWidths };
  const out = { lines: [] as string[], widths: [] as number[] };
  lines.forEach((line, i) => {
    if (lineWidths[i]! <= width) {
      out.lines.push(line);
      out.widths.push(lineWidths[i]!);
      return;
    }
    for (const piece of wrapLine(line, width)) {
      out.lines.push(piece);
      out.widths.push(widthOf(piece));
    }
  });
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
