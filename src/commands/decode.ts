// decode: input → parse → result. No verification happens here, and the output says so.
import { UsageError } from '../errors.js';
import { decodeJwt, JwtFormatError } from '../protocol/jwt.js';
import { readTokenArgument } from '../net/input.js';
import type { CommandResult } from '../cli/run.js';
import { renderDecoded } from '../render/decode.js';

export async function decodeCommand(tokenArg: string | undefined): Promise<CommandResult> {
  const input = await readTokenArgument(tokenArg);
  let decoded;
  try {
    decoded = decodeJwt(input);
  } catch (err) {
    if (err instanceof JwtFormatError) throw new UsageError('not_a_jwt', err.message);
    throw err;
  }
  const data = decoded.format === 'JWS'
    ? { format: decoded.format, header: decoded.header, payload: decoded.payload, signature_verified: false }
    : { format: decoded.format, header: decoded.header, signature_verified: false, note: 'the payload is encrypted; decrypting it needs the recipient\'s key' };
  return { data, human: (ctx) => renderDecoded(decoded, ctx.style) };
}
