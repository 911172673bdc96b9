// The name / value / description tables of decode, verify, login, userinfo and introspect, fitted
// to a terminal width with a rule made for them: names stay whole up to 24 columns, and the value
// and its description share the rest.
import type { Style } from './style.js';
import { fitColumns, renderTable } from './table.js';

export { wrap } from './wrap.js';

/** Below this many columns of room the general rule (fitColumns) shares it instead. */
const MIN_ROOM = 40;

function nameValueDescription(natural: number[], room: number): number[] {
  if (room < MIN_ROOM || natural.length !== 3) return fitColumns(natural, room);
  const name = Math.min(natural[0]!, 24);
  const rest = room - name;
  // The value is what the reader came for: it takes up to 65% of the rest, the description the remainder.
  const value = Math.min(natural[1]!, rest - Math.min(natural[2]!, Math.floor(rest * 0.35)));
  return [name, value, rest - value];
}

/**
 * A three-column table that fits `width`: long names get at most 24 columns, value and description
 * share the rest. Cells are wrapped at spaces, keeping the indentation of nested values and the
 * colour of each line; without a width nothing is wrapped.
 */
export function fittedTable(head: string[], rows: string[][], style: Style, width: number | undefined): string {
  return renderTable({ head, rows, width, fit: nameValueDescription }, style);
}
