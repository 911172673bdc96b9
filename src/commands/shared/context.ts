// What a command gets besides its options: how to print and to which stream, and every edge it
// may touch (environment, clock, terminal, stdin, prompts, browser). main.ts builds it from the
// process; tests build it from their own streams and directories (test/helpers/in-process.ts).
import type { Readable } from 'node:stream';
import type { HttpClient } from '../../io/http.js';
import type { HttpSetupOptions } from '../../io/http-setup.js';
import type { LoginPromptAnswers } from '../../io/prompts.js';
import type { Style } from '../../render/style.js';

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  debug?: boolean;
  showSecrets?: boolean;
  har?: string;
  diagram?: boolean;
  report?: string;
  caFile?: string;
  insecure?: boolean;
}

/** A stream the command writes to: process.stdout/stderr in a real run, a buffer in tests. */
export interface OutputStream {
  write(text: string | Uint8Array): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface Context {
  json: boolean;
  verbose: boolean;
  debug: boolean;
  showSecrets: boolean;
  /** HTTP edge settings (src/io/http-setup.ts). */
  http: { har?: string | undefined; caFile?: string | undefined; insecure: boolean };
  /** A picture of the run: --diagram on stdout, --report FILE.html|FILE.md (commands/shared/run-report.ts). */
  picture: { diagram: boolean; report?: string | undefined };
  /** Run after the command, whatever happened (e.g. writing the HAR file). */
  readonly finalizers: Array<() => Promise<void>>;
  /** Paints stdout (results). */
  style: Style;
  /** Paints stderr (progress, warnings, prompts). */
  errStyle: Style;
  out(text: string): void;
  /** Progress and notes on stderr: the reporter flows talk through. */
  info(text: string): void;
  warn(text: string): void;
  /** Only with --verbose. */
  trace(text: string): void;
  /** Cleanups run on Ctrl-C before exit 130 (close listeners, browsers). */
  onInterrupt(cleanup: () => void | Promise<void>): () => void;
  readonly interruptCleanups: Set<() => void | Promise<void>>;
  /** The environment (settings, proxies, XDG directories, CI). */
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean | undefined };
  stdout: OutputStream;
  stderr: OutputStream;
  /** Width of the terminal that gets stdout, when it is one. */
  columns: number | undefined;
  /** Seconds since the epoch (a test may fix it). */
  now(): number;
  /** An HTTP client with this run's timeouts, TLS trust, proxies and traces (--verbose, --har). */
  httpClient(opts?: HttpSetupOptions): HttpClient;
  /** Hands a URL to the user's browser, or the one named (the `open` package, or a test's user agent). */
  openBrowser(url: string, browser?: string): Promise<void>;
  /** Asks a person for the login settings that are missing (only where canPrompt says so). */
  promptLogin(known: {
    issuer?: string | undefined;
    clientId?: string | undefined;
    hasSecret: boolean;
  }): Promise<LoginPromptAnswers>;
  /** Where the token cache lives ($XDG_CACHE_HOME/oidc-probe/tokens). */
  tokenCacheDir: string;
}

/** What a command returns: the JSON document, and how a person sees it. */
export interface CommandResult<T extends object = object> {
  /** The JSON document (also what the human renderer reads). */
  data: T;
  /** Human rendering of `data` for stdout. */
  human: (ctx: Context) => string;
  /** Exit code; defaults to 1 when data.valid === false, else 0. */
  exit?: number;
}
