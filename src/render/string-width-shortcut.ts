// string-width strips ANSI codes and runs a 10 kB emoji regex over a string before counting; the
// first two calls in a process also compile that regex (~5-15 ms). Our tables are mostly text in
// which every character takes one column (none is wide, combining or part of an emoji), so the
// width is the length: the table renderer (wrap.ts) measures such text by its length and only
// other text with string-width.
// Printable ASCII and Latin-1, Latin Extended-A, general punctuation ("—", "…", "‰"; not the
// separators and bidi controls at U+2028-U+202E and from U+2060, which escape.ts turns into text),
// arrows, box drawing and block elements, check marks: one column each (test/render/string-width-shortcut.test.ts
// measures every one with string-width).
const ONE_COLUMN_EACH = /^[\x20-\x7e\u00a0-\u017f\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u259f\u2713\u2717]*$/;

/** Whether every character of the text takes exactly one column. */
export const isOneColumn = (text: string): boolean => ONE_COLUMN_EACH.test(text);

/** string-width with an exact shortcut: text of one-column characters is as wide as it is long. */
export function withOneColumnShortcut(stringWidth: (text: string) => number): (text: string) => number {
  return (text) => (typeof text === 'string' && ONE_COLUMN_EACH.test(text) ? text.length : stringWidth(text));
}
