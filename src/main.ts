// The program: global options, the command registry (only the command being run is set up), and
// the one place where a run's outcome becomes an exit code. Commands get a Context built here from
// the process, or from a test's own streams (`Edges`), and never touch `process` themselves.
import type { Readable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { commandWord } from './command-word.js';
import type { Context, GlobalOptions, OutputStream } from './commands/shared/context.js';
import { commandLineSecretWarnings } from './commands/shared/command-line-secrets.js';
import { flagsOf, type RunAction } from './commands/shared/options.js';
import { UsageError } from './errors.js';
import { httpClientFor } from './io/http-setup.js';
import { promptForLogin } from './io/prompts.js';
import { tokenCacheDir } from './io/cache-location.js';
import { standardOutput } from './io/standard-output.js';
import { terminalOutput } from './render/escape.js';
import { colorLevelFor, loadStyles, makeStyle } from './render/style.js';
import { type ProcessControl, reportError, runCommand } from './run-command.js';
import { VERSION } from './version.js';
import { registerCache } from './commands/cache/options.js';
import { registerCompletion } from './commands/completion/options.js';
import { registerDecode } from './commands/decode/options.js';
import { registerDiscover } from './commands/discover/options.js';
import { registerIntrospect } from './commands/introspect/options.js';
import { registerLogin } from './commands/login/options.js';
import { registerLogout } from './commands/logout/options.js';
import { registerRevoke } from './commands/revoke/options.js';
import { registerServe } from './commands/serve/options.js';
import { registerToken } from './commands/token/options.js';
import { registerUserinfo } from './commands/userinfo/options.js';
import { registerVerify } from './commands/verify/options.js';

type Register = (program: Command, runAction: RunAction) => void;

// In the order --help lists them.
const COMMANDS: Record<string, Register> = {
  decode: registerDecode,
  verify: registerVerify,
  discover: registerDiscover,
  login: registerLogin,
  token: registerToken,
  cache: registerCache,
  userinfo: registerUserinfo,
  introspect: registerIntrospect,
  revoke: registerRevoke,
  logout: registerLogout,
  serve: registerServe,
  completion: registerCompletion,
};

/** Everything outside the program: the process in a real run, buffers and temp dirs in a test. */
export interface Edges extends ProcessControl {
  env: NodeJS.ProcessEnv;
  /** Replaces the user's browser (tests play the user agent here). */
  openBrowser?: (url: string, browser?: string) => Promise<void>;
  stdin: Readable & { isTTY?: boolean | undefined };
  stdout: OutputStream;
  stderr: OutputStream;
}

export function processEdges(): Edges {
  return {
    env: process.env,
    // On first use only: setting up process.stdin costs a few ms that `decode TOKEN` need not pay.
    get stdin() {
      return process.stdin;
    },
    stdout: standardOutput(1),
    stderr: standardOutput(2),
    onSignal(signal, handler) {
      process.once(signal, handler);
      return () => process.removeListener(signal, handler);
    },
    exit: (code) => process.exit(code),
  };
}

/**
 * The program with every command, or with `only` that one: a run of `decode` need not build the
 * options of ten other commands (a few ms of every start-up). Completion describes them all.
 */
export function buildProgram(only: string | undefined, runAction: RunAction, edges: Edges): Command {
  const program = new Command('oidc-probe')
    .description(
      'Debug OpenID Connect: run flows through a loopback listener, decode and verify tokens, lint ' +
        'discovery documents.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--no-color', 'no colours (also NO_COLOR; FORCE_COLOR forces them)')
    .option('--verbose', 'show HTTP exchanges and progress details on stderr')
    .option('--debug', 'like --verbose, and show stack traces')
    .option(
      '--har <file>',
      'write every HTTP exchange of the run to a HAR 1.2 file (secrets redacted unless --show-secrets)',
    )
    .option('--diagram', 'draw the run as a sequence diagram on stdout, after the results')
    .option(
      '--report <file>',
      'write a picture of the run to FILE.html (self-contained) or FILE.md (Mermaid), secrets redacted',
    )
    .option('--ca-file <pem>', 'trust this CA (PEM) for TLS, e.g. a private or corporate CA')
    .option('--insecure', 'do not verify TLS certificates (loudly warned on every run)')
    .addOption(new Option('--show-secrets', 'show tokens, codes and secrets in full instead of redacted'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => edges.stdout.write(text),
      writeErr: (text) => edges.stderr.write(text),
      getOutHelpWidth: () => edges.stdout.columns ?? 80,
      getErrHelpWidth: () => edges.stderr.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok · 1 a check failed · 2 usage · 3 network · 4 provider error · 5 user step unfinished ·
130 interrupted`,
    );

  const one = only !== undefined && only !== 'completion' ? COMMANDS[only] : undefined;
  if (one) one(program, runAction);
  else for (const register of new Set(Object.values(COMMANDS))) register(program, runAction);
  return program;
}

/** Runs the command line and returns the exit code (bin sets process.exitCode from it). */
export async function main(argv: string[], edges: Edges = processEdges()): Promise<number> {
  let exit = 0;
  const runAction: RunAction = async (cmd, run) => {
    const ctx = await makeContext(cmd.optsWithGlobals(), edges);
    for (const warning of commandLineSecretWarnings(flagsOf(cmd).typed)) ctx.warn(warning);
    exit = await runCommand(ctx, edges, () => run(ctx), cmd.name());
  };
  const word = commandWord(argv.slice(2));
  const program = buildProgram(word, runAction, edges);
  try {
    await program.parseAsync(protectTokenArguments(program, word, argv));
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // Commander already printed its one-line message on stderr; usage errors are exit 2.
      if (argv.includes('--json')) {
        const error = { code: 'usage', message: err.message.replace(/^error: /, ''), exit: 2 };
        edges.stdout.write(JSON.stringify({ error }, null, 2) + '\n');
      }
      return 2;
    }
    const opts = {
      json: argv.includes('--json'),
      debug: argv.includes('--debug'),
      color: !argv.includes('--no-color'),
    };
    const ctx = await makeContext(opts, edges);
    reportError(ctx, err instanceof Error ? err : new UsageError('usage', String(err)));
    return exit || 1;
  }
}

/** The Context a command runs with: styles per stream, and every edge from `edges`. */
export async function makeContext(opts: GlobalOptions, edges: Edges): Promise<Context> {
  const flagColor = opts.color !== false;
  const outLevel = colorLevelFor(edges.stdout, flagColor, edges.env);
  const errLevel = colorLevelFor(edges.stderr, flagColor, edges.env);
  // chalk is loaded only when some stream gets colours (start-up, render/style.ts).
  if (outLevel || errLevel) await loadStyles();
  const style = makeStyle(outLevel);
  const errStyle = makeStyle(errLevel);
  const cleanups = new Set<() => void | Promise<void>>();
  const verbose = Boolean(opts.verbose || opts.debug);
  const { stdout, stderr } = edges;
  // Progress, warnings and traces quote providers and callbacks: stderr gets the one escaping rule.
  const err = (text: string) => stderr.write(terminalOutput(`${text}\n`, { colors: errLevel > 0 }));
  const ctx: Context = {
    json: Boolean(opts.json),
    verbose,
    debug: Boolean(opts.debug),
    showSecrets: Boolean(opts.showSecrets),
    http: { har: opts.har, caFile: opts.caFile, insecure: Boolean(opts.insecure) },
    picture: { diagram: Boolean(opts.diagram), report: opts.report },
    finalizers: [],
    style,
    errStyle,
    out: (text) => stdout.write(text.endsWith('\n') ? text : text + '\n'),
    info: (text) => err(text),
    warn: (text) => err(`${errStyle.yellow('warning:')} ${text}`),
    trace: (text) => {
      if (verbose) err(errStyle.dim(text));
    },
    onInterrupt: (cleanup) => {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
    interruptCleanups: cleanups,
    env: edges.env,
    get stdin() {
      return edges.stdin;
    },
    stdout,
    stderr,
    columns: stdout.isTTY ? stdout.columns : undefined,
    now: () => Math.floor(Date.now() / 1000),
    httpClient: (httpOpts) => httpClientFor(ctx, httpOpts),
    // Loaded when a browser is opened: most commands never do (start-up).
    openBrowser:
      edges.openBrowser ?? (async (url, browser) => (await import('./io/browser.js')).openInBrowser(url, browser)),
    promptLogin: (known) => promptForLogin(edges, known),
    tokenCacheDir: tokenCacheDir(edges.env),
  };
  return ctx;
}

/** An opaque token may begin with "-" (base64url); no option of ours looks like one. */
const TOKEN_LIKE = /^-[A-Za-z0-9_.~+/=-]{15,}$/;
const OPTION_LIKE = /^--[a-z][a-z0-9-]*(=[\s\S]*)?$/;

/**
 * A token argument that begins with "-" (`userinfo -9AGz…`) would be read as an unknown option:
 * move it after "--", where commander takes it as the argument it is. An option's value
 * (`--client-secret -x…`) stays where it is.
 */
export function protectTokenArguments(program: Command, word: string | undefined, argv: string[]): string[] {
  const command = program.commands.find((c) => c.name() === word);
  if (!command || command.registeredArguments.length === 0) return argv;
  const takesValue = new Set<string>();
  for (const option of [...command.options, ...program.options]) {
    if (!option.required && !option.optional) continue;
    if (option.long) takesValue.add(option.long);
    if (option.short) takesValue.add(option.short);
  }
  const kept: string[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (i < 2 || arg === '--') {
      kept.push(...(arg === '--' ? argv.slice(i) : [arg]));
      if (arg === '--') break;
      continue;
    }
    const previous = argv[i - 1]!;
    if (TOKEN_LIKE.test(arg) && !OPTION_LIKE.test(arg) && !takesValue.has(previous)) tokens.push(arg);
    else kept.push(arg);
  }
  if (tokens.length === 0) return argv;
  const dashes = kept.indexOf('--');
  return dashes < 0 ? [...kept, '--', ...tokens] : [...kept.slice(0, dashes + 1), ...tokens, ...kept.slice(dashes + 1)];
}
