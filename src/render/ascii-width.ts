// cli-table3 measures every line of every cell, several times per draw, with string-width, which
// strips ANSI codes and runs a 10 kB emoji regex over the string before counting. Our tables are
// mostly printable ASCII, where the width is the length; the bundle (scripts/bundle.mjs) wraps
// cli-table3's string-width with this so only other text pays for the full measurement.

// eslint-disable-next-line no-control-regex
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** string-width with an exact shortcut: a printable ASCII string is as wide as it is long. */
export function withAsciiFastPath(stringWidth: (text: string) => number): (text: string) => number {
  return (text) => (typeof text === 'string' && PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text));
}
