// `oidc-probe introspect <token>`: ask the provider what a token is (RFC 7662).
import type { Command } from 'commander';
import type { TokenEndpointOptions } from '../shared/token-endpoint-call.js';
import { flagsOf, tokenEndpointCommand, type RunAction } from '../shared/options.js';

type CliValues = Omit<TokenEndpointOptions, 'token' | 'flags'>;

export function registerIntrospect(program: Command, runAction: RunAction): void {
  tokenEndpointCommand(
    program,
    'introspect',
    'ask the provider what a token is (RFC 7662); an inactive token is exit 1',
  ).action((token: string | undefined, opts: CliValues, cmd: Command) =>
    runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, token, flags: flagsOf(cmd) }, ctx)),
  );
}
