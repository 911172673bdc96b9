// Reading what the user hands us: a token argument or stdin, and files named by options.
// Files are read synchronously: node:fs/promises would cost the run ~3 ms to load, and a command
// has nothing else to do meanwhile.
import { closeSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * The token from the argument, or stdin when it is omitted or "-". `from.stdin` is touched only
 * then: setting up process.stdin costs a start-up a few ms that `decode TOKEN` need not pay.
 */
export async function readTokenArgument(
  arg: string | undefined,
  from: { readonly stdin: AsyncIterable<unknown> & { isTTY?: boolean | undefined } },
): Promise<string> {
  if (arg !== undefined && arg !== '-') {
    if (Buffer.byteLength(arg) > MAX_INPUT_BYTES)
      throw new UsageError('input_too_large', `the token is over ${MAX_INPUT_BYTES} bytes (1 MiB)`);
    return arg;
  }
  const { stdin } = from;
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

/** A file the user named, as text, at most 1 MiB (over that, exit 2 naming `what`); read errors are thrown as is. */
export function readAtMostOneMiB(path: string, what: string): string {
  const buf = readAtMost(path, MAX_INPUT_BYTES + 1);
  if (buf.length > MAX_INPUT_BYTES) throw new UsageError('file_too_large', `${what} is over 1 MiB`);
  return buf.toString('utf8');
}

/** A file the user named in an option; unreadable → exit 2 naming the option. */
export async function readUserFile(path: string, option: string): Promise<string> {
  try {
    return readAtMostOneMiB(path, `${option} ${path}`);
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

/** The file's first `limit` bytes at most: a huge or endless file (/dev/zero) is not read whole. */
function readAtMost(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(limit);
    let size = 0;
    while (size < limit) {
      const n = readSync(fd, buf, size, limit - size, null);
      if (n === 0) break;
      size += n;
    }
    return buf.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}
