// Asking for the address the browser ended on (`login --paste`). The question goes to stderr
// (stdout is the result, even with --json). At a terminal the line is read in raw mode, which, unlike
// the terminal's cooked mode, does not cut it at 4 KiB (an address with an ID token in it is
// longer); otherwise each line of stdin is one answer.
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InterruptedError } from '../errors.js';

export interface AddressPrompt {
  /** One answer; undefined when stdin has ended or the prompt was closed. */
  ask(message: string): Promise<string | undefined>;
  close(): void;
}

export interface PromptEdges {
  stdin: Readable & { isTTY?: boolean | undefined };
  stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
}

export function addressPrompt(edges: PromptEdges): AddressPrompt {
  return edges.stdin.isTTY && edges.stderr.isTTY ? terminalPrompt(edges) : linePrompt(edges);
}

function terminalPrompt(edges: PromptEdges): AddressPrompt {
  // Raw mode (terminal: true): the line is edited here, not by the terminal's cooked mode and its limit.
  const rl = createInterface({
    input: edges.stdin,
    output: edges.stderr as unknown as NodeJS.WritableStream,
    terminal: true,
  });
  let closed = false;
  let interrupted: (() => void) | undefined;
  // Ctrl-C at the prompt is the contract's 130, as anywhere else.
  rl.on('SIGINT', () => interrupted?.());
  return {
    ask(message) {
      if (closed) return Promise.resolve(undefined);
      return new Promise((resolve, reject) => {
        interrupted = () => reject(new InterruptedError());
        rl.once('close', () => resolve(undefined));
        rl.question(`${message} `, (answer) => resolve(answer));
      });
    },
    close() {
      closed = true;
      rl.close();
    },
  };
}

function linePrompt(edges: PromptEdges): AddressPrompt {
  let rl: Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  let closed = false;
  return {
    async ask(message) {
      if (closed) return undefined;
      edges.stderr.write(`${message} `);
      rl ??= createInterface({ input: edges.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
      lines ??= rl[Symbol.asyncIterator]();
      const next = await lines.next().catch(() => ({ done: true, value: undefined }));
      edges.stderr.write('\n');
      return next.done ? undefined : next.value;
    },
    close() {
      closed = true;
      rl?.close();
    },
  };
}
