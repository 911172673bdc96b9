// The part of Mermaid's sequenceDiagram grammar that oidc-probe emits, checked line by line the way
// Mermaid's lexer reads it (packages/mermaid/src/diagrams/sequence/parser/sequenceDiagram.jison).
// No Mermaid parser package runs in Node without a DOM (the standalone @mermaid-js/parser has no
// sequence diagrams), so the tests assert the grammar itself:
// - Mermaid first turns entity codes ("#59;") into placeholders, then lexes;
// - a message or note text is ":" then [^#\n;]+ (TXT); "#" starts a comment, ";" ends a statement;
// - "participant" ACTOR "as" then [^#\n;]* (restOfLine);
// - an actor is [^+\->:\n,;]+, and the lexer tries its keywords first with no word boundary, so an
//   actor id must not start with one (case-insensitive);
// - arrows: ->> -->> -> --> -x --x -) --).

const KEYWORDS = [
  'box',
  'participant',
  'actor',
  'create',
  'destroy',
  'loop',
  'rect',
  'opt',
  'alt',
  'else',
  'par',
  'and',
  'critical',
  'option',
  'break',
  'end',
  'left of',
  'right of',
  'links',
  'link',
  'properties',
  'details',
  'over',
  'note',
  'activate',
  'deactivate',
  'title',
  'acctitle',
  'accdescr',
  'sequencediagram',
  'autonumber',
  'off',
];

export interface MermaidMessage {
  from: string;
  arrow: string;
  to: string;
  text: string;
}

export interface MermaidSequence {
  participants: Map<string, string>;
  messages: MermaidMessage[];
  notes: { over: string[]; text: string }[];
}

const ENTITY = /#\w+;/g;

function text(raw: string, where: string, required: boolean): string {
  const bare = raw.replace(ENTITY, '\u00a7');
  if (required ? !/^[^#\n;]+$/.test(bare) : !/^[^#\n;]*$/.test(bare))
    throw new Error(`${where}: the text "${raw}" has "#", ";" or a newline outside an entity code`);
  if (/^\s*(no)?wrap:/.test(bare)) throw new Error(`${where}: the text starts with a wrap directive`);
  if (bare.includes('%%')) throw new Error(`${where}: "%%" starts a comment`);
  return raw.trim();
}

function actor(id: string, where: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(id)) throw new Error(`${where}: "${id}" is not a plain actor id`);
  const lower = id.toLowerCase();
  const keyword = KEYWORDS.find((k) => lower.startsWith(k));
  if (keyword) throw new Error(`${where}: the actor "${id}" starts with the keyword "${keyword}"`);
  return id;
}

export function parseMermaidSequence(source: string): MermaidSequence {
  const lines = source.split('\n');
  if (lines[0] !== 'sequenceDiagram') throw new Error('line 1: not "sequenceDiagram"');
  const out: MermaidSequence = { participants: new Map(), messages: [], notes: [] };
  const known = (id: string, where: string) => {
    if (!out.participants.has(id)) throw new Error(`${where}: "${id}" was not declared as a participant`);
    return id;
  };
  lines.slice(1).forEach((line, i) => {
    const where = `line ${i + 2}`;
    const l = line.trim();
    if (l === '' || l === 'autonumber') return;
    let m = /^participant (\S+) as (.*)$/.exec(l);
    if (m) {
      if (out.messages.length) throw new Error(`${where}: participant declared after the first message`);
      out.participants.set(actor(m[1]!, where), text(m[2]!, where, true));
      return;
    }
    m = /^Note over ([A-Za-z0-9_]+)(?:,([A-Za-z0-9_]+))?: (.*)$/.exec(l);
    if (m) {
      const over = [known(m[1]!, where), ...(m[2] ? [known(m[2], where)] : [])];
      out.notes.push({ over, text: text(m[3]!, where, true) });
      return;
    }
    m = /^([A-Za-z0-9_]+)(-->>|->>|-->|->|--x|-x|--\)|-\))([A-Za-z0-9_]+): (.*)$/.exec(l);
    if (m) {
      out.messages.push({
        from: known(m[1]!, where),
        arrow: m[2]!,
        to: known(m[3]!, where),
        text: text(m[4]!, where, true),
      });
      return;
    }
    throw new Error(`${where}: not a statement of the sequenceDiagram grammar: ${l}`);
  });
  return out;
}

/** A Mermaid text with its entity codes decoded, as Mermaid shows it. */
export function decodeMermaidText(t: string): string {
  return t
    .replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/#(lt|gt|amp|quot);/g, (_, n: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' })[n]!);
}
