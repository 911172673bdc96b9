// `oidc-probe introspect <token>` (RFC 7662) and `oidc-probe revoke <token>` (RFC 7009).
import type { Command } from 'commander';
import { makeContext } from '../shared/context.js';
import { positiveSeconds } from '../shared/option-parsers.js';
import { runCommand } from '../shared/run-command.js';
import { addClientOptions, addProfileOptions } from '../shared/settings.js';

export interface TokenEndpointCliOptions {
  endpoint?: string;
  tokenTypeHint?: string;
  timeout: number;
}

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
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10);
  addClientOptions(cmd);
  addProfileOptions(cmd);
  return cmd;
}

export function registerIntrospect(program: Command): void {
  endpointCommand(
    program,
    'introspect',
    'ask the provider what a token is (RFC 7662); an inactive token is exit 1',
  ).action(async (token: string | undefined, opts: TokenEndpointCliOptions, cmd: Command) => {
    const ctx = makeContext(cmd.optsWithGlobals());
    await runCommand(ctx, async () =>
      (await import('./run.js')).introspectCommand(ctx, cmd, token, opts),
    );
  });
  endpointCommand(program, 'revoke', 'revoke a token at the provider (RFC 7009)').action(
    async (token: string | undefined, opts: TokenEndpointCliOptions, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () =>
        (await import('./run.js')).revokeCommand(ctx, cmd, token, opts),
      );
    },
  );
}
