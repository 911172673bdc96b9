// Standard output of a real run. Where it is a pipe, a socket or a file (`TOKEN=$(oidc-probe token …)`,
// `… | jq`, a CI log), each write goes straight to file descriptor 1: setting up process.stdout there
// (a net.Socket or a file stream) costs a short command several ms of its start-up. A terminal, or
// anything else that is a character device, gets process.stdout (its width, its colours).
// Either way, a reader that went away (`oidc-probe … | head`) ends the run quietly, not with a stack trace.
import { fstatSync, writeSync } from 'node:fs';

/** What a command writes its result to (commands/shared/context.ts OutputStream). */
export interface StandardOutput {
  write(text: string | Uint8Array): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export function standardOutput(): StandardOutput {
  let direct = false;
  try {
    const stat = fstatSync(1);
    direct = stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    /* no stdout at all: process.stdout copes */
  }
  if (!direct) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      readerGone();
    });
    return process.stdout;
  }
  return { isTTY: false, write: (text) => writeAll(typeof text === 'string' ? Buffer.from(text) : text) };
}

/** The whole buffer, however many writes it takes; a full non-blocking pipe is waited on, not spun on. */
function writeAll(bytes: Uint8Array): boolean {
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') readerGone();
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  return true;
}

function readerGone(): never {
  process.exit(process.exitCode || 0);
}
