// The CLI run in this process: main() with its own streams, environment and XDG directories, as a
// user would run it but without starting a Node process per run (most of the suite's time used to
// be spent there). test/e2e/ runs the built binary for what only a real process shows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { type Edges, main } from '../../src/main.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Pretend stdout is a terminal of this many columns. */
  ttyColumns?: number;
  /** Plays the user's browser: gets the URL oidc-probe would open. */
  openBrowser?: (url: string, browser?: string) => Promise<void>;
  /** Keep stdin open, to be written to while the command runs (a person typing). */
  openStdin?: boolean;
}

/** A fresh HOME and XDG directories for one run, unless the test gives its own. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'oidc-probe-home-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    CI: 'true',
    // Where the tests run must not change what login does (an SSH session pastes; a browser setting opens).
    SSH_CONNECTION: undefined,
    SSH_CLIENT: undefined,
    SSH_TTY: undefined,
    OIDC_PROBE_BROWSER: undefined,
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

interface InProcessSession {
  done: Promise<CliRun>;
  stdout(): string;
  stderr(): string;
  /** Delivers a signal to the run's handlers, as Ctrl-C would. */
  kill(signal: NodeJS.Signals): void;
  onStderr(listener: () => void): void;
  /** Types into stdin (with openStdin). */
  input(text: string): void;
  endInput(): void;
}

export function startInProcess(args: string[], opts: RunOptions = {}): InProcessSession {
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const signalHandlers = new Map<string, Set<() => void>>();
  let exitWith: ((code: number) => void) | undefined;
  const exited = new Promise<number>((resolve) => {
    exitWith = resolve;
  });
  const stdin =
    opts.input !== undefined ? Readable.from([Buffer.from(opts.input)]) : Object.assign(new PassThrough(), {});
  if (opts.input === undefined && !opts.openStdin) (stdin as PassThrough).end();
  const edges: Edges = {
    env: isolatedEnv(opts.env),
    stdin,
    stdout: {
      write: (t) => {
        stdout += typeof t === 'string' ? t : Buffer.from(t).toString('latin1');
        return true;
      },
      isTTY: opts.ttyColumns !== undefined,
      columns: opts.ttyColumns,
    },
    stderr: {
      write: (t) => {
        stderr += typeof t === 'string' ? t : Buffer.from(t).toString('utf8');
        for (const l of [...listeners]) l();
        return true;
      },
      isTTY: false,
    },
    onSignal(signal, handler) {
      const set = signalHandlers.get(signal) ?? new Set();
      set.add(handler);
      signalHandlers.set(signal, set);
      return () => set.delete(handler);
    },
    exit: (code) => exitWith?.(code),
    ...(opts.openBrowser ? { openBrowser: opts.openBrowser } : {}),
  };
  const run = main(['node', 'oidc-probe', ...args], edges);
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`oidc-probe ${args.join(' ')} did not finish in time\n${stderr}`)),
      opts.timeoutMs ?? 60_000,
    );
    const finish = (code: number) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    };
    run.then(finish, reject);
    void exited.then(finish);
  });
  return {
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    kill(signal) {
      for (const h of [...(signalHandlers.get(signal) ?? [])]) h();
    },
    onStderr(listener) {
      listeners.add(listener);
    },
    input: (text) => void (stdin as PassThrough).write(text),
    endInput: () => void (stdin as PassThrough).end(),
  };
}

/** One run of the CLI, in process: exit code, stdout and stderr. */
export function runInProcess(args: string[], opts: RunOptions = {}): Promise<CliRun> {
  return startInProcess(args, opts).done;
}
