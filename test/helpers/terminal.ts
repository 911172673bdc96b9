// Hostile text for the escaping tests: one character of each class a terminal acts on or hides.
export const HOSTILE = {
  esc: '\u001b',
  bel: '\u0007',
  cr: '\r',
  backspace: '\b',
  del: '\u007f',
  csi: '\u009b',
  nel: '\u0085',
  rlo: '\u202e',
  lri: '\u2066',
  lrm: '\u200e',
  alm: '\u061c',
  lineSeparator: '\u2028',
  zeroWidthSpace: '\u200b',
  bom: '\ufeff',
};

/** All of them in one string, inside a cursor-moving, title-setting, screen-clearing payload. */
export const HOSTILE_TEXT = `\u001b[2J\u001b]0;pwned\u0007x\r${Object.values(HOSTILE).join('')}\u001b[8mhidden`;

/** Any character a terminal acts on or hides, but LF. */
export const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/;

/**
 * The raw bytes of terminal output hold none of them: no C0 byte but LF, no DEL byte, and, read as
 * UTF-8, no C1, bidi, separator or zero-width character.
 */
export function assertNoRawControls(bytes: Buffer, what: string): void {
  const text = bytes.toString('utf8');
  const found = RAW_CONTROL.exec(text);
  if (found)
    throw new Error(
      `${what} has a raw U+${found[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${found.index}: ` +
        JSON.stringify(text.slice(Math.max(0, found.index - 40), found.index + 40)),
    );
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x0a) || byte === 0x7f)
      throw new Error(`${what} has a raw byte 0x${byte.toString(16)}`);
  }
}
