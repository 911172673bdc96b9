// `oidc-probe discover <issuer>`: fetch, show and lint a provider's metadata and JWKS.
import type { Command } from 'commander';
import { makeContext } from './context.js';
import { positiveSeconds } from './option-parsers.js';
import { runCommand } from './run.js';

export interface DiscoverOptions { raw?: boolean; timeout: number }

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('fetch a provider\'s discovery document (RFC 8414 as fallback) and JWKS, show what it can do, and lint both')
    .argument('<issuer>', 'the issuer URL, or a full .well-known URL')
    .option('--raw', 'print the document exactly as served, nothing else')
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .action(async (issuer: string, opts: DiscoverOptions, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => {
        const { discoverCommand } = await import('../commands/discover.js');
        return discoverCommand(ctx, issuer, opts);
      });
    });
}
