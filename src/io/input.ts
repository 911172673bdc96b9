// Reading what the user hands us: a token argument or stdin, and files named by options.
// fs.promises on use, not node:fs/promises on import: loading it costs every start-up ~2 ms.
import { promises as fs } from 'node:fs';
import { UsageError } from '../errors.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

/** The token from the argument, or stdin when it is omitted or "-". */
export async function readTokenArgument(
  arg: string | undefined,
  stdin: AsyncIterable<unknown> & { isTTY?: boolean | undefined },
): Promise<string> {
  if (arg !== undefined && arg !== '-') {
    if (Buffer.byteLength(arg) > MAX_INPUT_BYTES)
      throw new UsageError('input_too_large', `the token is over ${MAX_INPUT_BYTES} bytes (1 MiB)`);
    return arg;
  }
  if (stdin.isTTY)
    throw new UsageError('no_input', 'no token given: pass it as an argument or pipe it on stdin', {
      hint: 'oidc-probe decode "$TOKEN"   or   echo "$TOKEN" | oidc-probe decode',
    });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES)
      throw new UsageError('input_too_large', `the input on stdin is over ${MAX_INPUT_BYTES} bytes (1 MiB)`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A file the user named in an option; unreadable → exit 2 naming the option. */
export async function readUserFile(path: string, option: string): Promise<string> {
  try {
    const buf = await fs.readFile(path);
    if (buf.length > MAX_INPUT_BYTES) throw new UsageError('file_too_large', `${option} ${path} is over 1 MiB`);
    return buf.toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (err as Error).message;
    throw new UsageError('unreadable_file', `cannot read ${option} ${path}: ${why}`);
  }
}
