// Tables and text that fit a terminal width. Wrapping happens here, before the table library
// draws, so words break at spaces and nested values keep their indentation.
import type { Style } from './style.js';
import { renderTable } from './table.js';

/** Word-wrap plain text to `width` columns, breaking words longer than a line (no wrapping without a width). */
export function wrap(text: string, width: number | undefined): string[] {
  if (!width || text.length <= width) return [text];
  const indent = /^\s*/.exec(text)![0];
  const room = Math.max(1, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (let word of text.slice(indent.length).split(' ')) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = '';
    }
    while (word.length > room) {
      const cut = room - (line ? line.length + 1 : 0);
      if (cut <= 0) {
        lines.push(line);
        line = '';
        continue;
      }
      line = line ? `${line} ${word.slice(0, cut)}` : word.slice(0, cut);
      lines.push(line);
      line = '';
      word = word.slice(cut);
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l);
}

const SGR = /\u001b\[[0-9;]*m/g;
const visibleLength = (line: string) => line.replace(SGR, '').length;
const cellWidth = (cell: string) => Math.max(0, ...cell.split('\n').map(visibleLength));

/**
 * A three-column table that fits `width`: long names get at most 24 columns, value and description
 * share the rest. Cells are wrapped here (at spaces, keeping the indentation of nested values and
 * the colour of each line) so the table library only draws; without a width nothing is wrapped.
 */
export function fittedTable(head: string[], rows: string[][], style: Style, width: number | undefined): string {
  const natural = head.map((h, i) => Math.max(h.length, ...rows.map((r) => cellWidth(r[i] ?? ''))));
  const room = width ? width - 3 * 2 - 4 : Infinity; // padding of 1 on each side, 4 borders
  if (natural.reduce((a, b) => a + b, 0) <= room || room < 40) return renderTable({ head, rows }, style);
  const name = Math.min(natural[0]!, 24);
  const rest = room - name;
  const description = Math.max(
    Math.min(natural[2]!, rest - Math.min(natural[1]!, Math.floor(rest / 2))),
    Math.floor(rest * 0.35),
  );
  const value = rest - description;
  const fitted = [name, value, description];
  const wrapped = rows.map((row) => row.map((cell, i) => wrapCell(cell, fitted[i]!)));
  return renderTable({ head, rows: wrapped, colWidths: fitted.map((w) => w + 2), wordWrap: false }, style);
}

/** Wrap each line of a cell; a line painted as a whole keeps its paint on every piece. */
function wrapCell(cell: string, width: number): string {
  return cell
    .split('\n')
    .flatMap((line) => {
      if (visibleLength(line) <= width) return [line];
      const m = /^((?:\u001b\[[0-9;]*m)*)(.*?)((?:\u001b\[[0-9;]*m)*)$/s.exec(line)!;
      const [open, inner, close] = [m[1]!, m[2]!, m[3]!];
      // Mixed paint inside the line: wrap the plain text rather than cut an escape sequence in two.
      if (inner.includes('\u001b[')) return wrap(inner.replace(SGR, ''), width);
      return wrap(inner, width).map((piece) => open + piece + close);
    })
    .join('\n');
}
