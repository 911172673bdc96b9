// `oidc-probe decode [token]`: show a JWT's header and claims without verifying anything.
import type { Command } from 'commander';
import type { RunAction } from '../shared/options.js';

export interface DecodeOptions {
  token: string | undefined;
}

export function registerDecode(program: Command, runAction: RunAction): void {
  program
    .command('decode')
    .description('decode a JWT (JWS or JWE) without verifying it; reads stdin when the token is omitted or "-"')
    .argument('[token]', 'the JWT; a leading "Bearer " and whitespace are ignored')
    .action((token: string | undefined, _opts: unknown, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ token }, ctx)),
    );
}
