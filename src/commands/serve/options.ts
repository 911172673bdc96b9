// `oidc-probe serve`: the options. The command is imported when serve runs, and the provider it
// starts is a bundle of its own (dist/bundle/serve.cjs, see scripts/bundle.mjs).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { collect, MAX_TIMER_SECONDS, type RunAction, seconds } from '../shared/options.js';

export interface ServeOptions {
  port: number;
  issuerPath: string;
  /** ID[:SECRET][@redirect-uri], repeatable. */
  client?: string[] | undefined;
  user: string;
  autoApprove?: boolean | undefined;
  defect?: string[] | undefined;
  listDefects?: boolean | undefined;
  jsonLog?: boolean | undefined;
  signingAlg: string;
  /** Seconds the slow_* defects wait. */
  slowDelay: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError(`"${value}" is not a port (0–65535)`);
  return n;
}

/** A delay that becomes a timer: whole seconds, at most the longest timer Node.js can set. */
function delaySeconds(value: string): number {
  const n = seconds(value);
  if (n > MAX_TIMER_SECONDS)
    throw new InvalidArgumentError(`must be at most ${MAX_TIMER_SECONDS} seconds (the longest timer Node.js can set)`);
  return n;
}

export function registerServe(program: Command, runAction: RunAction): void {
  program
    .command('serve')
    .description('run a local OpenID provider on loopback that misbehaves on demand, to test your own client')
    .option('--port <port>', 'port on 127.0.0.1 and [::1] (0 = any free port)', port, 0)
    .option('--issuer-path <path>', 'path of the issuer, e.g. /realms/test', '/')
    .option(
      '--client <spec>',
      'a client, ID[:SECRET][@redirect-uri] (repeatable; default: public client "oidc-probe", any loopback ' +
        'redirect URI)',
      collect,
    )
    .option('--user <name>', 'the user who signs in (the sub of the tokens)', 'alice')
    .option('--auto-approve', 'answer at once instead of showing the sign-in page')
    .option('--defect <name>', 'misbehave this way (repeatable; see --list-defects)', collect)
    .option('--list-defects', 'list every defect with the rule it breaks, and exit')
    .option('--json-log', 'log one JSON object per line on stderr instead of readable lines')
    .addOption(
      new Option('--signing-alg <alg>', 'how ID tokens are signed')
        .choices(['RS256', 'ES256', 'EdDSA'])
        .default('RS256'),
    )
    .option('--slow-delay <seconds>', 'how long the slow_* defects wait', delaySeconds, 5)
    .action((opts: ServeOptions, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./command.js')).serveCommand(opts, ctx)),
    );
}
