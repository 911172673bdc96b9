// cli-table3 measures every line of every cell, several times per draw, with string-width, which
// strips ANSI codes and runs a 10 kB emoji regex over the string before counting. Our tables are
// mostly printable ASCII and the table's own borders (box drawing, U+2500-U+257F) and "…", where
// the width is the length (none of them is wide, combining or part of an emoji); the bundle
// (scripts/bundle.mjs) wraps cli-table3's string-width with this so only other text pays for the
// full measurement.
const ONE_COLUMN_EACH = /^[\x20-\x7e\u2500-\u257f\u2026]*$/;

/** string-width with an exact shortcut: text of one-column characters is as wide as it is long. */
export function withOneColumnShortcut(stringWidth: (text: string) => number): (text: string) => number {
  return (text) => (typeof text === 'string' && ONE_COLUMN_EACH.test(text) ? text.length : stringWidth(text));
}
