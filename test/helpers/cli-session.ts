// The built binary as a long-running session: for `login --no-browser`, the test reads the
// authorization URL from stderr while the command waits, plays the user agent, then collects
// the exit code and output.
import { spawn } from 'node:child_process';
import { BIN, type CliRun } from './cli.js';
import { isolatedEnv, startInProcess } from './in-process.js';

export interface CliSession {
  /**
   * Resolves with the first stderr line that is an http(s) URL starting with `prefix`, or undefined
   * if the command ended first.
   */
  urlLine(prefix: string): Promise<string | undefined>;
  done: Promise<CliRun>;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** The process id of the running command. */
  pid: number;
  /** Resolves with the first match of `pattern` in stderr, or undefined if the command ended first. */
  stderrMatch(pattern: RegExp): Promise<RegExpMatchArray | undefined>;
}

export function startBinary(
  args: string[],
  opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): CliSession {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: isolatedEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    const now = [...waiters];
    waiters.clear();
    for (const w of now) w();
  };
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    wake();
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`oidc-probe ${args.join(' ')} did not finish in time\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      ended = true;
      resolve({ code, stdout, stderr });
      wake();
    });
  });
  return {
    done,
    stderr: () => stderr,
    kill: (signal) => {
      child.kill(signal);
    },
    pid: child.pid!,
    stderrMatch(pattern) {
      return new Promise((resolve) => {
        const look = () => {
          const m = pattern.exec(stderr);
          if (m) return resolve(m);
          if (ended || child.exitCode !== null) return resolve(undefined);
          waiters.add(look);
        };
        look();
      });
    },
    urlLine(prefix) {
      return new Promise((resolve) => {
        const look = () => {
          const line = stderr
            .split('\n')
            .map((l) => l.trim())
            .find((l) => l.startsWith(prefix) && /^https?:\/\/\S+$/.test(l));
          if (line) return resolve(line);
          if (ended || child.exitCode !== null) return resolve(undefined);
          waiters.add(look);
        };
        look();
      });
    },
  };
}

/** A session run in this process: no process id to signal but the run's own handlers. */
export type InProcessCliSession = Omit<CliSession, 'pid'> & {
  /** Types into stdin (with openStdin). */
  input(text: string): void;
  endInput(): void;
};

/** The same session, run in this process (what most tests use). */
export function startCli(
  args: string[],
  opts: {
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    /** Keep stdin open for input() (a person typing at the prompt). */
    openStdin?: boolean;
    openBrowser?: (url: string, browser?: string) => Promise<void>;
  } = {},
): InProcessCliSession {
  const session = startInProcess(args, opts);
  let ended = false;
  void session.done.then(
    () => {
      ended = true;
    },
    () => {
      ended = true;
    },
  );
  return {
    done: session.done,
    stderr: session.stderr,
    kill: (signal) => session.kill(signal),
    input: (text) => session.input(text),
    endInput: () => session.endInput(),
    stderrMatch(pattern) {
      return new Promise((resolve) => {
        const look = () => {
          const m = pattern.exec(session.stderr());
          if (m) resolve(m);
          else if (ended) resolve(undefined);
        };
        session.onStderr(look);
        void session.done.finally(() => setImmediate(look)).catch(() => undefined);
        look();
      });
    },
    urlLine(prefix) {
      return new Promise((resolve) => {
        const look = (): boolean => {
          const line = session
            .stderr()
            .split('\n')
            .map((l) => l.trim())
            .find((l) => l.startsWith(prefix) && /^https?:\/\/\S+$/.test(l));
          if (line) resolve(line);
          else if (ended) resolve(undefined);
          else return false;
          return true;
        };
        if (look()) return;
        session.onStderr(() => void look());
        void session.done.finally(() => setImmediate(() => look()));
      });
    },
  };
}
