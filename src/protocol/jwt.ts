// Parsing compact JWS (RFC 7515 §7.1) and JWE (RFC 7516 §7.1) without verifying anything.
// Errors say which segment and which character is wrong, so a user can fix a bad paste.

export type JoseHeader = Record<string, unknown> & { alg?: unknown; kid?: unknown; typ?: unknown; enc?: unknown };
export type Claims = Record<string, unknown>;

export interface DecodedJws {
  format: 'JWS';
  header: JoseHeader;
  payload: Claims;
  signature: string;
  /** base64url(header) + '.' + base64url(payload): the signing input. */
  signingInput: string;
  raw: string;
  /** Set (and payload left empty) when the payload is not a JSON object and decodeJwt was asked to allow that. */
  payloadText?: string;
}

export interface DecodedJwe {
  format: 'JWE';
  header: JoseHeader;
  raw: string;
}

export type DecodedJwt = DecodedJws | DecodedJwe;

/** Thrown for input that is not a JWT; the CLI maps it to exit 2. */
export class JwtFormatError extends Error {
  override name = 'JwtFormatError';
}

const SEGMENT_NAMES_JWS = ['header', 'payload', 'signature'];
const SEGMENT_NAMES_JWE = ['protected header', 'encrypted key', 'initialization vector', 'ciphertext', 'authentication tag'];
const B64URL = /^[A-Za-z0-9_-]*$/;

/** Strip surrounding whitespace and a leading "Bearer " (any case), as pasted from a header. */
export function cleanTokenInput(input: string): string {
  return input.trim().replace(/^bearer\s+/i, '').trim();
}

export interface DecodeOptions {
  /** A JWS may carry any payload (RFC 7515); a JWT needs a JSON object (RFC 7519 §7.2). */
  allowNonJsonPayload?: boolean;
}

export function decodeJwt(input: string, opts: DecodeOptions = {}): DecodedJwt {
  const token = cleanTokenInput(input);
  if (!token) throw new JwtFormatError('the input is empty: expected a JWT (header.payload.signature)');
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) {
    throw new JwtFormatError(`not a JWT: expected 3 dot-separated segments (JWS) or 5 (JWE), found ${parts.length}`);
  }
  const names = parts.length === 3 ? SEGMENT_NAMES_JWS : SEGMENT_NAMES_JWE;
  parts.forEach((part, i) => checkBase64url(part, names[i]!, i));
  const header = decodeJsonSegment(parts[0]!, 'header') as JoseHeader;
  if (parts.length === 5) return { format: 'JWE', header, raw: token };
  if (!parts[1]) throw new JwtFormatError('the payload segment (segment 2) is empty');
  const base = { format: 'JWS' as const, header, signature: parts[2]!, signingInput: `${parts[0]}.${parts[1]}`, raw: token };
  try {
    return { ...base, payload: decodeJsonSegment(parts[1], 'payload') };
  } catch (err) {
    if (!opts.allowNonJsonPayload) throw err;
    return { ...base, payload: {}, payloadText: Buffer.from(parts[1], 'base64url').toString('utf8') };
  }
}

function checkBase64url(segment: string, name: string, index: number): void {
  if (B64URL.test(segment)) {
    if (segment.length % 4 === 1) throw new JwtFormatError(`the ${name} (segment ${index + 1}) is not valid base64url: its length ${segment.length} is impossible (length mod 4 is 1)`);
    return;
  }
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (!/[A-Za-z0-9_-]/.test(ch)) {
      const shown = /\s/.test(ch) ? JSON.stringify(ch) : `"${ch}"`;
      const why = ch === '+' || ch === '/' ? ' (that is base64, not base64url)' : ch === '=' ? ' (base64url in JWTs has no padding)' : '';
      throw new JwtFormatError(`the ${name} (segment ${index + 1}) is not valid base64url: character ${shown} at position ${i + 1}${why}`);
    }
  }
}

function decodeJsonSegment(segment: string, name: 'header' | 'payload'): Record<string, unknown> {
  const n = name === 'header' ? 1 : 2;
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JwtFormatError(`the ${name} (segment ${n}) is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new JwtFormatError(`the ${name} (segment ${n}) is JSON but ${kind}, not an object`);
  }
  return value as Record<string, unknown>;
}
