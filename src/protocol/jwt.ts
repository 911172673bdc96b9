// Parsing compact JWS (RFC 7515 §7.1) and JWE (RFC 7516 §7.1) without verifying anything.
// Errors say which segment and which character is wrong, so a user can fix a bad paste.
import { exceedsJsonDepth, tooDeepMessage } from './json-depth.js';

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
  /** Why the payload is text: the header's cty names another media type, or b64:false (RFC 7797). */
  payloadNote?: string;
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

/** A segment whose JSON nests too deeply to be read at all, whatever the header says it carries. */
export class JwtTooDeepError extends JwtFormatError {
  override name = 'JwtTooDeepError';
}

const SEGMENT_NAMES_JWS = ['header', 'payload', 'signature'];
const SEGMENT_NAMES_JWE = [
  'protected header',
  'encrypted key',
  'initialization vector',
  'ciphertext',
  'authentication tag',
];
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * What a user pastes, made into a token: surrounding whitespace, a leading "Bearer "/"DPoP "
 * (any case, also after "Authorization:") and line breaks of a wrapped paste are dropped.
 * A JWT never contains whitespace, so nothing meaningful is lost.
 */
export function cleanTokenInput(input: string): string {
  return input
    .trim()
    .replace(/^(authorization:\s*)?(bearer|dpop)\s+/i, '')
    .replace(/\s*[\r\n]+\s*/g, '')
    .trim();
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
    const hint =
      parts.length === 2
        ? ' (is the signature segment missing? even an unsecured JWT ends with ".")'
        : parts.length === 1
          ? ' (no "." at all: is this an opaque access token rather than a JWT?)'
          : '';
    throw new JwtFormatError(
      `not a JWT: expected 3 dot-separated segments (JWS) or 5 (JWE), found ${parts.length}${hint}`,
    );
  }
  const names = parts.length === 3 ? SEGMENT_NAMES_JWS : SEGMENT_NAMES_JWE;
  checkBase64url(parts, 0, names[0]!);
  const header = decodeJsonSegment(parts[0]!, 'header') as JoseHeader;
  // RFC 7797 §3: with "b64": false the payload segment is the payload itself, not base64url.
  const unencoded = parts.length === 3 && header.b64 === false;
  parts.forEach((_, i) => {
    if (i > 0 && !(unencoded && i === 1)) checkBase64url(parts, i, names[i]!);
  });
  if (parts.length === 5) return { format: 'JWE', header, raw: token };
  const base = {
    format: 'JWS' as const,
    header,
    signature: parts[2]!,
    signingInput: `${parts[0]}.${parts[1]}`,
    raw: token,
  };
  if (unencoded) {
    // The segment is the payload octets (RFC 7797 §3); when they are a JSON object they are the
    // claims set (RFC 7519 §7.2 step 10), checked like any other.
    const claims = jsonObject(parts[1]!);
    if (claims) return { ...base, payload: claims };
    const detached = parts[1] === '';
    return {
      ...base,
      payload: {},
      payloadText: parts[1]!,
      payloadNote: detached
        ? 'the payload is detached (b64:false, RFC 7797 and RFC 7515 Appendix F): it travels separately'
        : 'the payload is not base64url-encoded (b64:false, RFC 7797 §3) and is shown as it is',
    };
  }
  if (!parts[1])
    throw new JwtFormatError(
      'the payload segment (segment 2) is empty ' +
        '(a detached payload, RFC 7515 Appendix F, cannot be decoded without the content)',
    );
  try {
    return { ...base, payload: decodeJsonSegment(parts[1], 'payload') };
  } catch (err) {
    // A JWS may carry any payload (RFC 7515); a header whose cty names a media type says so.
    const cty = typeof header.cty === 'string' ? header.cty : undefined;
    if (err instanceof JwtTooDeepError || (!opts.allowNonJsonPayload && cty === undefined)) throw err;
    const text = Buffer.from(parts[1], 'base64url').toString('utf8');
    const nested = cty !== undefined && cty.toUpperCase() === 'JWT';
    return {
      ...base,
      payload: {},
      payloadText: text,
      payloadNote:
        cty === undefined
          ? 'the payload is not a JSON object: a JWS but not a JWT'
          : nested
            ? 'the payload is a nested JWT (cty "JWT", RFC 7519 §5.2)'
            : `the payload is of media type "${cty}" (cty header), not a JSON claims set`,
    };
  }
}

function checkBase64url(parts: string[], index: number, name: string): void {
  const segment = parts[index]!;
  if (B64URL.test(segment)) {
    if (segment.length % 4 === 1)
      throw new JwtFormatError(
        `the ${name} (segment ${index + 1}) is not valid base64url: its length ${segment.length} is impossible ` +
          '(length mod 4 is 1; is the segment cut short?)',
      );
    return;
  }
  // Position in the segment and in the whole token, both counted from 1.
  const offset = parts.slice(0, index).reduce((n, p) => n + p.length + 1, 0);
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (!/[A-Za-z0-9_-]/.test(ch)) {
      const shown = /\s/.test(ch) ? JSON.stringify(ch) : `"${ch}"`;
      const why =
        ch === '+' || ch === '/'
          ? ' (that is base64, not base64url)'
          : ch === '='
            ? ' (base64url in JWTs has no padding)'
            : '';
      throw new JwtFormatError(
        `the ${name} (segment ${index + 1}) is not valid base64url: character ${shown} ` +
          `at position ${i + 1} of the segment, ${offset + i + 1} of the token${why}`,
      );
    }
  }
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function decodeJsonSegment(segment: string, name: 'header' | 'payload'): Record<string, unknown> {
  const n = name === 'header' ? 1 : 2;
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  if (exceedsJsonDepth(text)) throw new JwtTooDeepError(tooDeepMessage(`the ${name} (segment ${n})`));
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
