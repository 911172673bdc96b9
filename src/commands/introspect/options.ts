// `oidc-probe introspect <token>` (RFC 7662) and `oidc-probe revoke <token>` (RFC 7009).
import type { Command } from 'commander';
import type { Flags } from '../shared/settings.js';
import { positiveSeconds, addClientOptions, addProfileOptions, flagsOf, type RunAction } from '../shared/options.js';

export interface TokenEndpointOptions {
  token: string | undefined;
  endpoint?: string;
  tokenTypeHint?: string;
  timeout: number;
  dpopKey?: string;
  flags: Flags;
}

type CliValues = Omit<TokenEndpointOptions, 'token' | 'flags'>;

function endpointCommand(program: Command, name: 'introspect' | 'revoke', description: string): Command {
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

export function registerIntrospect(program: Command, runAction: RunAction): void {
  endpointCommand(
    program,
    'introspect',
    'ask the provider what a token is (RFC 7662); an inactive token is exit 1',
  ).action((token: string | undefined, opts: CliValues, cmd: Command) =>
    runAction(cmd, async (ctx) => (await import('./run.js')).introspect({ ...opts, token, flags: flagsOf(cmd) }, ctx)),
  );
  endpointCommand(program, 'revoke', 'revoke a token at the provider (RFC 7009)').action(
    (token: string | undefined, opts: CliValues, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).revoke({ ...opts, token, flags: flagsOf(cmd) }, ctx)),
  );
}
