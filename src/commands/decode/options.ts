// `oidc-probe decode [token]`: show a JWT's header and claims without verifying anything.
import type { Command } from 'commander';
import { makeContext } from '../shared/context.js';
import { runCommand } from '../shared/run-command.js';

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('decode a JWT (JWS or JWE) without verifying it; reads stdin when the token is omitted or "-"')
    .argument('[token]', 'the JWT; a leading "Bearer " and whitespace are ignored')
    .action(async (token: string | undefined, _opts: unknown, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => {
        const { decodeCommand } = await import('./run.js');
        return decodeCommand(token);
      });
    });
}
