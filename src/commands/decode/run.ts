// decode: input → parse → classify → result. No verification happens here, and the output says so.
import { UsageError } from '../../errors.js';
import { isValid } from '../../protocol/checks.js';
import { decodeJwt, JwtFormatError, type DecodedJwe, type DecodedJwt } from '../../protocol/jwt.js';
import { isTimeClaim } from '../../protocol/claim-registry.js';
import { classifyToken } from '../../protocol/token-kind.js';
import { readTokenArgument } from '../../io/input.js';
import type { CommandResult, Context } from '../shared/context.js';
import type { DecodeOptions } from './options.js';
import { renderDecoded, type DecodeView } from '../../render/jwt-tables.js';
import { isoUtc } from '../../render/time.js';

export async function run(opts: DecodeOptions, ctx: Context): Promise<CommandResult> {
  const input = await readTokenArgument(opts.token, ctx.stdin);
  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(input);
  } catch (err) {
    if (err instanceof JwtFormatError) throw new UsageError('not_a_jwt', err.message);
    throw err;
  }
  const data =
    decoded.format === 'JWE' && opts.decryptionKey?.length
      ? await decryptedView(decoded, opts.decryptionKey)
      : decodeView(decoded);
  const now = ctx.now();
  return {
    data,
    human: (c) => renderDecoded(data, c.style, { now, ...(c.columns ? { width: c.columns } : {}) }),
  };
}

/** Nested JWTs (cty "JWT") are decoded this deep; deeper ones stay text. */
const MAX_NESTING = 3;

/** The JSON document of `decode`: raw header and claims, plus the reading of them. */
export function decodeView(decoded: DecodedJwt, depth = 0): DecodeView {
  if (decoded.format === 'JWE') {
    return {
      format: 'JWE',
      header: decoded.header,
      kind: classifyToken(decoded.header, undefined),
      signature_verified: false,
      note: "the payload is encrypted (JWE): reading it needs the recipient's private key",
    };
  }
  if (decoded.payloadText !== undefined) {
    const nested = depth < MAX_NESTING ? nestedJwt(decoded.header, decoded.payloadText) : undefined;
    return {
      format: 'JWS',
      header: decoded.header,
      payload: null,
      payload_text: decoded.payloadText,
      ...(decoded.payloadNote ? { payload_note: decoded.payloadNote } : {}),
      kind: classifyToken(decoded.header, undefined),
      signature_verified: false,
      ...(nested ? { nested: decodeView(nested, depth + 1) } : {}),
    };
  }
  const times: Record<string, string> = {};
  for (const [name, value] of Object.entries(decoded.payload)) {
    if (isTimeClaim(name) && typeof value === 'number' && Number.isFinite(value)) times[name] = isoUtc(value);
  }
  return {
    format: 'JWS',
    header: decoded.header,
    payload: decoded.payload,
    kind: classifyToken(decoded.header, decoded.payload),
    signature_verified: false,
    times,
  };
}

/**
 * A JWE opened with the user's keys (Core 10.2): the jwe.alg and jwe.decrypt rows, then what was
 * inside, decoded but not verified. Loaded only when a key is given: decode's start-up stays lean.
 */
async function decryptedView(decoded: DecodedJwe, paths: string[]): Promise<DecodeView> {
  const [{ loadDecryptionKeys }, { asUsage }, { decryptJwe, jweContent }] = await Promise.all([
    import('../../io/decryption-keys.js'),
    import('../../io/protocol-input.js'),
    import('../../protocol/jwe.js'),
  ]);
  const keys = await loadDecryptionKeys(paths);
  const jwe = await asUsage(() => decryptJwe(decoded.raw, keys));
  const view: DecodeView = { ...decodeView(decoded), checks: jwe.checks, valid: isValid(jwe.checks) };
  if (jwe.plaintext === undefined) return view;
  const content = jweContent(jwe.plaintext);
  return {
    ...view,
    note: `decrypted with the key from ${jwe.key!.origin}; what it holds is decoded, not verified`,
    ...(content.kind === 'jws'
      ? { nested: decodeView(content.jws, 1) }
      : content.kind === 'claims'
        ? { payload: content.claims }
        : { payload_text: content.text }),
  };
}

/** RFC 7519 §5.2: cty "JWT" says the payload is itself a JWT (signed then encrypted, or signed twice). */
function nestedJwt(header: Record<string, unknown>, payloadText: string): DecodedJwt | undefined {
  if (typeof header.cty !== 'string' || header.cty.toUpperCase() !== 'JWT') return undefined;
  try {
    return decodeJwt(payloadText);
  } catch {
    return undefined; // not a JWT after all: the text is shown as it is
  }
}
