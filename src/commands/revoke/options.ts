// `oidc-probe revoke <token>`: revoke a token at the provider (RFC 7009).
import type { Command } from 'commander';
import type { TokenEndpointOptions } from '../shared/token-endpoint-call.js';
import { flagsOf, tokenEndpointCommand, type RunAction } from '../shared/options.js';

type CliValues = Omit<TokenEndpointOptions, 'token' | 'flags'>;

export function registerRevoke(program: Command, runAction: RunAction): void {
  tokenEndpointCommand(program, 'revoke', 'revoke a token at the provider (RFC 7009)').action(
    (token: string | undefined, opts: CliValues, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, token, flags: flagsOf(cmd) }, ctx)),
  );
}
