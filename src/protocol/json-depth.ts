// How deeply a JSON text nests, measured before it is parsed. JSON (RFC 8259 §9) lets a parser
// limit nesting depth; ours is MAX_JSON_DEPTH. Tokens, metadata and JWKS nest a few levels; a
// text thousands deep is hostile input, and every recursive step after JSON.parse (redaction,
// rendering, even JSON.stringify, which overflows the stack near 5,000 levels) would fail on it.
// Pure: a linear scan of the text, no recursion.

/** Deep enough for any real token or document, shallow enough for every recursive walk after it. */
export const MAX_JSON_DEPTH = 256;

/**
 * True when the text opens more than `max` arrays or objects inside one another. Brackets inside
 * strings do not count; the text need not be valid JSON (the parser judges that afterwards).
 */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** The sentence used when a text nests too deeply: "<what> nests JSON more than 256 levels deep". */
export function tooDeepMessage(what: string, max = MAX_JSON_DEPTH): string {
  return `${what} nests JSON more than ${max} levels deep (hostile or broken input; real documents nest a few levels)`;
}
