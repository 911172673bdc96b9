// The run as a sequence diagram in the terminal (--diagram): participants as columns, one arrow per
// message with its essential parameters, status and duration, and the checks that did not pass
// marked under the arrow that brought the bad value. Box-drawing characters, one character per
// column, so it fits the width it is given (80 by default) by abbreviating labels, never by wrapping.
// Drawn in one pass over the messages; colours only through the Style passed in (NO_COLOR honoured).
import type { Check } from '../protocol/checks.js';
import { type Message, type RunRecord, type Sequence, sequenceOf } from '../protocol/run-record.js';
import type { Style } from './style.js';

type Paint = 'plain' | 'dim' | 'bold' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';
interface Cell {
  ch: string;
  paint: Paint;
}

/** Labels may only hold characters one column wide; anything else is shown as an escape. */
const ONE_COLUMN = /[\u0020-\u007e\u00a0-\u00ff\u2026\u2717]/;

/**
 * Text from outside made safe for a terminal and for column arithmetic: control characters (C0,
 * DEL, C1), bidi overrides and anything not one column wide become visible escapes.
 */
export function terminalText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ONE_COLUMN.test(ch) && ch !== '\u00ad') out += ch;
    else {
      const cp = ch.codePointAt(0)!;
      out += cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
    }
  }
  return out;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The label of an arrow: title, parameters, then status details; what every view writes on an arrow. */
export function messageLabel(m: Message): string {
  const parts = [m.title];
  if (m.durationMs !== undefined)
    parts.push(`${m.kind === 'front_channel' ? 'after ' : ''}${formatDuration(m.durationMs)}`);
  if (m.error !== undefined && m.kind === 'request') parts.push(`✗ ${m.error}`);
  if (m.params.length) parts.push(m.params.join(' '));
  return parts.join(' · ');
}

const cut = (text: string, room: number): string =>
  room <= 0 ? '' : text.length <= room ? text : room === 1 ? '…' : `${text.slice(0, room - 1)}…`;

export interface DiagramOptions {
  /** Columns available; 80 when not given. */
  width?: number;
}

export function renderSequenceDiagram(record: RunRecord, style: Style, opts: DiagramOptions = {}): string {
  return drawSequence(sequenceOf(record), style, opts);
}

export function drawSequence(seq: Sequence, style: Style, opts: DiagramOptions = {}): string {
  const width = Math.max(30, opts.width ?? 80);
  const n = seq.participants.length;
  const span = Math.floor(width / n);
  const x = seq.participants.map((_, i) => i * span + Math.floor(span / 2));
  const column = new Map(seq.participants.map((p, i) => [p.id, i]));
  const lines: string[] = [];

  const blank = (): Cell[] => {
    const row: Cell[] = Array.from({ length: width }, () => ({ ch: ' ', paint: 'plain' as Paint }));
    for (const at of x) row[at] = { ch: '│', paint: 'dim' };
    return row;
  };
  const put = (row: Cell[], at: number, text: string, paint: Paint) => {
    for (let i = 0; i < text.length && at + i < width; i++) if (at + i >= 0) row[at + i] = { ch: text[i]!, paint };
  };
  const emit = (row: Cell[]) => {
    let end = row.length;
    while (end > 0 && row[end - 1]!.ch === ' ') end--;
    let out = '';
    let run = '';
    let paint: Paint = 'plain';
    for (const c of row.slice(0, end)) {
      if (c.paint !== paint) {
        out += paintText(run, paint, style);
        run = '';
        paint = c.paint;
      }
      run += c.ch;
    }
    lines.push(out + paintText(run, paint, style));
  };

  // The header: each name centred on its lifeline, the full name where it fits, else the short one.
  const head: Cell[] = Array.from({ length: width }, () => ({ ch: ' ', paint: 'plain' as Paint }));
  seq.participants.forEach((p, i) => {
    const name =
      [p.name, p.name.replace(/ endpoint$/, ''), p.short].find((t) => t.length <= span - 1) ?? cut(p.short, span - 1);
    put(head, Math.min(width - name.length, Math.max(0, x[i]! - Math.floor((name.length - 1) / 2))), name, 'bold');
  });
  emit(head);
  const top = blank();
  for (const at of x) top[at] = { ch: '┬', paint: 'dim' };
  emit(top);

  for (const row of seq.rows) {
    if ('note' in row) {
      const line = blank();
      const { status } = row.note;
      const mark = status === 'fail' ? '✗' : status === 'warn' ? '!' : '·';
      const paint: Paint = status === 'fail' ? 'red' : status === 'warn' ? 'yellow' : 'dim';
      put(line, 0, cut(` ${mark} ${terminalText(row.note.text)}`, width), paint);
      emit(line);
      continue;
    }
    const m = row.message;
    const from = x[column.get(m.from)!]!;
    const to = x[column.get(m.to)!]!;
    const left = Math.min(from, to);
    const start = left + 2;

    const label = blank();
    const text = cut(`${m.number}. ${terminalText(messageLabel(m))}`, width - start);
    put(label, start, text, m.error !== undefined ? 'red' : 'plain');
    if (m.status !== undefined) {
      const at = text.indexOf(` ${m.status}`);
      if (at >= 0) put(label, start + at + 1, String(m.status), statusPaint(m.status));
    }
    emit(label);

    const arrow = blank();
    const body = m.reply ? '╌' : '─';
    const failed = m.error !== undefined && m.kind === 'request';
    // Red: it failed or brought a bad value; magenta: through the user agent; cyan: the back channel.
    const paint: Paint =
      m.error !== undefined || m.flagged.some((c) => c.status === 'fail')
        ? 'red'
        : m.kind === 'front_channel'
          ? 'magenta'
          : 'cyan';
    for (let i = left + 1; i < Math.max(from, to); i++) arrow[i] = { ch: body, paint };
    if (to > from) {
      arrow[from] = { ch: '├', paint: 'dim' };
      arrow[to - 1] = { ch: failed ? '✗' : '▶', paint };
    } else {
      arrow[from] = { ch: '┤', paint: 'dim' };
      arrow[to + 1] = { ch: failed ? '✗' : '◀', paint };
    }
    emit(arrow);

    const shown = m.flagged.slice(0, 3);
    for (const c of shown) {
      const line = blank();
      put(line, start, cut(flagText(c), width - start), c.status === 'fail' ? 'red' : 'yellow');
      emit(line);
    }
    if (m.flagged.length > shown.length) {
      const line = blank();
      put(line, start, cut(`  +${m.flagged.length - shown.length} more (see the checks)`, width - start), 'red');
      emit(line);
    }
  }
  const bottom = blank();
  for (const at of x) bottom[at] = { ch: '┴', paint: 'dim' };
  emit(bottom);
  return lines.join('\n');
}

function flagText(c: Check): string {
  return `${c.status === 'fail' ? '✗' : '!'} ${terminalText(String(c.id))}: ${terminalText(c.message)}`;
}

function statusPaint(status: number): Paint {
  if (status >= 200 && status < 300) return 'green';
  if (status >= 300 && status < 400) return 'yellow';
  return 'red';
}

function paintText(text: string, paint: Paint, style: Style): string {
  if (!text || paint === 'plain') return text;
  return style[paint](text);
}
