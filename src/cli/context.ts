// What every command gets from the global options: how to print, and to which stream.
import { terminalOutput } from '../render/escape.js';
import { colorLevelFor, loadStyles, makeStyle, type Style } from '../render/style.js';

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  debug?: boolean;
  showSecrets?: boolean;
  har?: string;
  caFile?: string;
  insecure?: boolean;
}

export interface Context {
  json: boolean;
  verbose: boolean;
  debug: boolean;
  showSecrets: boolean;
  /** HTTP edge settings (src/net/http-setup.ts). */
  http: { har?: string | undefined; caFile?: string | undefined; insecure: boolean };
  /** Run after the command, whatever happened (e.g. writing the HAR file). */
  readonly finalizers: Array<() => Promise<void>>;
  /** Paints stdout (results). */
  style: Style;
  /** Paints stderr (progress, warnings, prompts). */
  errStyle: Style;
  out(text: string): void;
  /** Progress and notes on stderr. */
  info(text: string): void;
  warn(text: string): void;
  /** Only with --verbose. */
  trace(text: string): void;
  /** Cleanups run on Ctrl-C before exit 130 (close listeners, browsers). */
  onInterrupt(cleanup: () => void | Promise<void>): () => void;
  readonly interruptCleanups: Set<() => void | Promise<void>>;
}

/** Before makeContext: load chalk only when a stream will get colours (start-up, render/style.ts). */
export async function prepareStyles(
  opts: GlobalOptions,
  streams: { stdout: { isTTY?: boolean }; stderr: { isTTY?: boolean } } = process,
): Promise<void> {
  const flagColor = opts.color !== false;
  if (colorLevelFor(streams.stdout, flagColor) || colorLevelFor(streams.stderr, flagColor)) await loadStyles();
}

export function makeContext(
  opts: GlobalOptions,
  streams = { stdout: process.stdout, stderr: process.stderr },
): Context {
  const flagColor = opts.color !== false;
  const style = makeStyle(colorLevelFor(streams.stdout, flagColor));
  const errStyle = makeStyle(colorLevelFor(streams.stderr, flagColor));
  const cleanups = new Set<() => void | Promise<void>>();
  const verbose = Boolean(opts.verbose || opts.debug);
  // Progress, warnings and traces quote providers and callbacks: stderr gets the one escaping rule.
  const err = (text: string) => streams.stderr.write(terminalOutput(`${text}\n`, { colors: errStyle.level > 0 }));
  return {
    json: Boolean(opts.json),
    verbose,
    debug: Boolean(opts.debug),
    showSecrets: Boolean(opts.showSecrets),
    http: { har: opts.har, caFile: opts.caFile, insecure: Boolean(opts.insecure) },
    finalizers: [],
    style,
    errStyle,
    out: (text) => {
      streams.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    info: (text) => {
      err(text);
    },
    warn: (text) => {
      err(`${errStyle.yellow('warning:')} ${text}`);
    },
    trace: (text) => {
      if (verbose) err(errStyle.dim(text));
    },
    onInterrupt: (cleanup) => {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
    interruptCleanups: cleanups,
  };
}
