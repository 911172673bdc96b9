// Asking for the address the browser ended on (`login --paste`). The question goes to stderr
// (stdout is the result, even with --json). At a terminal the answer is read by an inquirer prompt
// in raw mode, which, unlike a line in cooked mode, is not cut at the terminal's 4 KiB line limit
// (an address with an ID token in it is longer); otherwise each line of stdin is one answer.
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InterruptedError } from '../errors.js';
import { importEsm } from './import-esm.js';

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
  const abort = new AbortController();
  return {
    async ask(message) {
      if (abort.signal.aborted) return undefined;
      const { input } = await importEsm<typeof import('@inquirer/prompts')>('@inquirer/prompts');
      try {
        return await input(
          { message },
          { input: edges.stdin, output: edges.stderr as NodeJS.WritableStream, signal: abort.signal },
        );
      } catch (err) {
        if ((err as Error).name === 'ExitPromptError') throw new InterruptedError();
        if ((err as Error).name === 'AbortPromptError') return undefined;
        throw err;
      }
    },
    close: () => abort.abort(),
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
