// Commander wiring for the whole program. Command modules register their options here and
// import their heavy parts only when they run, so `--help` and `decode` start fast.
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { makeContext, prepareStyles } from './context.js';
import { reportError } from './run.js';
import { VERSION } from '../version.js';
import { registerDecode } from './decode.js';
import { registerVerify } from './verify.js';
import { registerLogin } from './login.js';
import { registerToken } from './token.js';
import { registerCache } from './cache.js';
import { registerIntrospect } from './introspect.js';
import { registerUserinfo } from './userinfo.js';
import { registerLogout } from './logout.js';
import { registerDiscover } from './discover.js';
import { registerServe } from '../commands/serve/options.js';
import { registerCompletion } from './completion.js';
import { commandWord } from './command-word.js';

export { setEsmImporter } from '../net/import-esm.js';

// In the order --help lists them.
const COMMANDS: Record<string, (program: Command) => void> = {
  decode: registerDecode,
  verify: registerVerify,
  discover: registerDiscover,
  login: registerLogin,
  token: registerToken,
  cache: registerCache,
  userinfo: registerUserinfo,
  introspect: registerIntrospect,
  logout: registerLogout,
  serve: registerServe,
  completion: registerCompletion,
};

/**
 * The program with every command, or with `only` that one: a run of `decode` need not build the
 * options of nine other commands (a few ms of every start-up). Completion describes them all.
 */
export function buildProgram(only?: string): Command {
  const program = new Command('oidc-probe')
    .description(
      'Debug OpenID Connect: run flows through a loopback listener, decode and verify tokens, lint discovery documents.',
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
    .option('--ca-file <pem>', 'trust this CA (PEM) for TLS, e.g. a private or corporate CA')
    .option('--insecure', 'do not verify TLS certificates (loudly warned on every run)')
    .addOption(new Option('--show-secrets', 'show tokens, codes and secrets in full instead of redacted'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .hook('preAction', (_program, action) => prepareStyles(action.optsWithGlobals()))
    .addHelpText(
      'after',
      `
Exit codes: 0 ok · 1 a check failed · 2 usage · 3 network · 4 provider error · 5 user step unfinished · 130 interrupted`,
    );

  const one = only !== undefined && only !== 'completion' ? COMMANDS[only] : undefined;
  if (one) one(program);
  else for (const register of Object.values(COMMANDS)) register(program);

  return program;
}

/** The names of the commands (the start-up code cache keeps one cache per command). */
export function commandNames(): string[] {
  return Object.keys(COMMANDS);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(commandWord(argv.slice(2)));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') {
        process.exitCode = 0;
        return;
      }
      // Commander already printed its one-line message on stderr; usage errors are exit 2.
      if (argv.includes('--json')) {
        process.stdout.write(
          JSON.stringify({ error: { code: 'usage', message: err.message.replace(/^error: /, ''), exit: 2 } }, null, 2) +
            '\n',
        );
      }
      process.exitCode = 2;
      return;
    }
    const opts = {
      json: argv.includes('--json'),
      debug: argv.includes('--debug'),
      color: !argv.includes('--no-color'),
    };
    await prepareStyles(opts);
    const ctx = makeContext(opts);
    reportError(ctx, err instanceof Error ? err : new UsageError('usage', String(err)));
    process.exitCode = process.exitCode || 1;
  }
}
