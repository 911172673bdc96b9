// The commander side that several commands share: option groups, value parsers, and the bridge
// from commander to a command's plain typed options. Commander is imported only by main.ts and
// the options.ts files (the dependency rules in .dependency-cruiser.cjs keep it so).
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CommandResult, Context } from './context.js';
import type { Flags } from './settings.js';

/** main.ts hands this to every command: it builds the context and turns the result into output. */
export type RunAction = (cmd: Command, run: (ctx: Context) => Promise<CommandResult>) => Promise<void>;

/** The longest timer Node.js can set is 2^31-1 ms; a longer one fires at once. */
export const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);

export function seconds(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number of seconds`);
  return Number(value.trim());
}

/** A duration that becomes a timer (timeouts): more than 0, at most MAX_TIMER_SECONDS. */
export function positiveSeconds(value: string): number {
  const n = seconds(value);
  if (n <= 0) throw new InvalidArgumentError('must be more than 0 seconds');
  if (n > MAX_TIMER_SECONDS)
    throw new InvalidArgumentError(
      `must be at most ${MAX_TIMER_SECONDS} seconds (about 24 days, the longest timer Node.js can set)`,
    );
  return n;
}

/** For repeatable options: --audience a --audience b. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** What the user typed and what commander filled in, without commander (settings.ts reads it). */
export function flagsOf(cmd: Command): Flags {
  const values = cmd.opts() as Record<string, unknown>;
  const typed = new Set<string>();
  for (const name of Object.keys(values)) {
    const source = cmd.getOptionValueSource(name);
    if (source === 'cli') typed.add(name);
  }
  return { values, typed };
}

export function addProfileOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'use a profile from $XDG_CONFIG_HOME/oidc-probe/config.json (env OIDC_PROBE_PROFILE)')
    .option('--config <file>', 'read profiles from this file instead');
}

/** The options every command that authenticates a client shares. */
export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--issuer <url>', 'the provider (env OIDC_PROBE_ISSUER)')
    .option('--client-id <id>', 'your client_id (env OIDC_PROBE_CLIENT_ID)')
    .option(
      '--client-secret <secret>',
      'client secret (prefer OIDC_PROBE_CLIENT_SECRET or --client-secret-file: keeps it out of ps and history)',
    )
    .option('--client-secret-file <file>', 'read the client secret from a file')
    .option(
      '--auth-method <method>',
      'client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, tls_client_auth, ' +
        'self_signed_tls_client_auth or none (default: from --private-key, --cert, a secret and discovery)',
    )
    .option('--private-key <file>', "private_key_jwt: the client's private key (PEM or JWK)")
    .option('--signing-alg <alg>', "alg for client assertions (default HS256, or the private key's)")
    .option('--cert <pem>', 'tls_client_auth / self_signed_tls_client_auth: the client certificate (RFC 8705)')
    .option('--cert-key <pem>', "the client certificate's private key")
    .addOption(new Option('--key <pem>', 'deprecated spelling of --cert-key').hideHelp());
}

/** introspect and revoke: a token argument, the endpoint, a type hint, the client and DPoP options. */
export function tokenEndpointCommand(program: Command, name: 'introspect' | 'revoke', description: string): Command {
  const cmd = program
    .command(name)
    .description(description)
    .argument('[token]', 'the token; stdin when omitted or "-"')
    .option(
      '--endpoint <url>',
      `the ${name === 'introspect' ? 'introspection' : 'revocation'} endpoint (default: from discovery)`,
    )
    .option('--token-type-hint <hint>', 'access_token or refresh_token')
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .option(
      '--dpop-key <file>',
      name === 'introspect'
        ? "a DPoP-bound token's key: its binding (cnf.jkt) is checked, and requests carry proofs (RFC 9449)"
        : 'a DPoP key (PEM or JWK): the request carries a proof, for servers that ask for one (RFC 9449)',
    );
  addClientOptions(cmd);
  addProfileOptions(cmd);
  return cmd;
}
