// Widths and wrapping for terminal text, in linear time: every line is measured once, and text of
// one-column characters (nearly all of ours) without calling string-width at all.
import stringWidth from 'string-width';
import { isOneColumn, withOneColumnShortcut } from './string-width-shortcut.js';

const SGR = /\u001b\[[0-9;]*m/g;
const measure = withOneColumnShortcut(stringWidth);

/** The text without its paint (SGR sequences). */
export const withoutPaint = (text: string): string => (text.includes('\u001b') ? text.replace(SGR, '') : text);

/** Columns one line takes on a terminal (paint takes none). */
export function displayWidth(line: string): number {
  return measure(withoutPaint(line));
}

/** The longest indentation kept when wrapping: deeper nesting would leave no room for the text. */
const maxIndent = (width: number) => Math.floor(width / 2);

/**
 * Word-wrap one line of plain text to `width` columns, breaking words longer than a line; the
 * indentation is repeated on every line (capped at half the width). No width: no wrapping.
 */
export function wrap(text: string, width: number | undefined): string[] {
  if (!width) return [text];
  // Text of one-column characters has words as wide as they are long: nothing more to measure.
  const oneColumn = isOneColumn(text);
  if ((oneColumn ? text.length : displayWidth(text)) <= width) return [text];
  const widthOf = oneColumn ? (s: string) => s.length : displayWidth;
  const indent = /^ */.exec(text)![0].slice(0, maxIndent(width));
  const room = Math.max(1, width - indent.length);
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.trimStart().split(' ')) {
    const wordWidth = widthOf(word);
    if (line && lineWidth + 1 + wordWidth > room) {
      lines.push(line);
      line = '';
      lineWidth = 0;
    }
    if (wordWidth > room) {
      const pieces = cut(word, room);
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1)!;
      lineWidth = widthOf(line);
      continue;
    }
    line = line ? `${line} ${word}` : word;
    lineWidth += (lineWidth ? 1 : 0) + wordWidth;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l);
}

/** A word longer than a line, in pieces of at most `room` columns. */
function cut(word: string, room: number): string[] {
  if (isOneColumn(word)) {
    const pieces: string[] = [];
    for (let i = 0; i < word.length; i += room) pieces.push(word.slice(i, i + room));
    return pieces;
  }
  const pieces: string[] = [];
  let piece = '';
  let pieceWidth = 0;
  for (const char of word) {
    const w = measure(char);
    if (pieceWidth + w > room && piece) {
      pieces.push(piece);
      piece = '';
      pieceWidth = 0;
    }
    piece += char;
    pieceWidth += w;
  }
  pieces.push(piece);
  return pieces;
}

const PAINTED = /^((?:\u001b\[[0-9;]*m)*)([^\u001b]*)((?:\u001b\[[0-9;]*m)*)$/;

/**
 * Wrap one line of terminal text to `width`: a line painted as a whole keeps its paint on every
 * piece; a line with paint inside it is wrapped as plain text rather than cut inside a sequence.
 */
export function wrapLine(line: string, width: number): string[] {
  const m = PAINTED.exec(line);
  if (!m) return wrap(withoutPaint(line), width);
  const [open, inner, close] = [m[1]!, m[2]!, m[3]!];
  const pieces = wrap(inner, width);
  return open || close ? pieces.map((piece) => open + piece + close) : pieces;
}
