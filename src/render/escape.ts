// The one escaping rule for human output (cli-contract.md "Streams"): nothing that came from a
// token, a provider, a callback or a file reaches a terminal as a control character. A terminal
// acts on C0 controls (ESC starts cursor moves, screen clears, title and hyperlink sequences; BEL
// rings; CR and BS overwrite what was printed), on C1 controls (U+009B is a one-byte CSI on
// terminals that read C1), and DEL; bidi controls reorder what a person reads (U+202E shows
// "gpj.exe" as "exe.jpg"); line and paragraph separators and zero-width characters hide or split
// text. Each becomes a visible escape in the notation of JavaScript string literals: \t \n \r for
// the three everyone reads, \xNN below U+0100, \uNNNN above. A backslash stays as it is: the exact
// value is what --json is for. A newline inside a value is escaped too, so a value never starts a
// line of its own (a claim cannot fake a table row or a "valid" line).

/** Characters a terminal acts on or hides, outside of LF (which terminalOutput keeps as structure). */
const UNSAFE_SOURCE =
  '\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f' + // C0 but LF, DEL, C1
  '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069' + // bidi marks, embeddings, overrides, isolates
  '\\u2028\\u2029' + // line and paragraph separators
  '\\u200b\\u2060\\ufeff'; // zero-width space, word joiner, zero-width no-break space (BOM)
const UNSAFE_IN_VALUE = new RegExp(`[\\n${UNSAFE_SOURCE}]`, 'g');
const UNSAFE_IN_VALUE_TEST = new RegExp(`[\\n${UNSAFE_SOURCE}]`);

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function visible(char: string): string {
  const short = SHORT[char];
  if (short) return short;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A value from outside as terminal text: every control, bidi and invisible character (newlines
 * included) becomes a visible escape. Escape before painting, so the paint survives.
 */
export function escapeForTerminal(value: string): string {
  return UNSAFE_IN_VALUE_TEST.test(value) ? value.replace(UNSAFE_IN_VALUE, visible) : value;
}

// Select Graphic Rendition parameters our styles (chalk) use and nothing that hides or blinks
// text: reset, bold, dim, italic, underline, inverse, strikethrough, their ends, and the 16 colours.
const ALLOWED_SGR = new Set([
  0, 1, 2, 3, 4, 7, 9, 22, 23, 24, 27, 29, 39, 49, 30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97,
]);
const OUTPUT_UNSAFE = new RegExp(`(\\u001b\\[[0-9;]*m)|[${UNSAFE_SOURCE}]`, 'g');
const OUTPUT_UNSAFE_TEST = new RegExp(`[${UNSAFE_SOURCE}]`);

const allowedSgr = (sequence: string) =>
  sequence
    .slice(2, -1)
    .split(';')
    .every((p) => ALLOWED_SGR.has(p === '' ? 0 : Number(p)));

/**
 * The last line of defence, applied to whole human output on its way to stdout or stderr: lines
 * stay lines, the paint our styles put on (when that stream has colours) stays, and any other
 * control, bidi or invisible character a renderer let through becomes a visible escape. Renderers
 * still escape each value from outside (escapeForTerminal): only they know where a value's own
 * newlines are.
 */
export function terminalOutput(text: string, opts: { colors: boolean }): string {
  if (!OUTPUT_UNSAFE_TEST.test(text)) return text;
  return text.replace(OUTPUT_UNSAFE, (match, sgr: string | undefined) => {
    if (sgr === undefined) return visible(match);
    return opts.colors && allowedSgr(sgr) ? sgr : `\\x1b${sgr.slice(1)}`;
  });
}
