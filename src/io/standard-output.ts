// Standard output and standard error of a real run. Where one is a pipe, a socket, a file or
// /dev/null (`TOKEN=$(oidc-probe token …)`, `… | jq`, a CI log, `… > /dev/null && echo ok`), each
// write goes straight to its file descriptor: setting up process.stdout or process.stderr there (a
// net.Socket, a file stream, a tty stream) costs a short command several ms of its start-up. A
// terminal, or any other character device, gets process.stdout / process.stderr (their width, their
// colours, the prompts' input).
// A reader of stdout that went away (`oidc-probe … | head`) ends the run quietly, not with a stack
// trace; on stderr, what no one reads any more is dropped.
import { fstatSync, statSync, writeSync } from 'node:fs';

/** What a command writes to (commands/shared/context.ts OutputStream). */
export interface StandardOutput {
  write(text: string | Uint8Array): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export function standardOutput(fd: 1 | 2): StandardOutput {
  let direct = false;
  try {
    const stat = fstatSync(fd);
    direct = stat.isFIFO() || stat.isSocket() || stat.isFile() || isDevNull(stat);
  } catch {
    /* not open at all: the process stream copes */
  }
  const readerGone = fd === 1 ? () => process.exit(process.exitCode || 0) : () => undefined;
  if (!direct) {
    const stream = fd === 1 ? process.stdout : process.stderr;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      readerGone();
    });
    return stream;
  }
  return {
    isTTY: false,
    write: (text) => writeAll(fd, typeof text === 'string' ? Buffer.from(text) : text, readerGone),
  };
}

/** The whole buffer, however many writes it takes; a full non-blocking pipe is waited on, not spun on. */
function writeAll(fd: number, bytes: Uint8Array, readerGone: () => void): boolean {
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(fd, bytes, written);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        readerGone();
        return false;
      }
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  return true;
}

/** The null device, told from a terminal by its device number (both are character devices). */
function isDevNull(stat: { isCharacterDevice(): boolean; rdev: number }): boolean {
  if (!stat.isCharacterDevice()) return false;
  try {
    return stat.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}
