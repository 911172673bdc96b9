// `oidc-probe discover <issuer>`: fetch and lint a provider's metadata and JWKS.
import type { Command } from 'commander';
import { makeContext } from '../shared/context.js';
import { positiveSeconds } from '../shared/option-parsers.js';
import { runCommand } from '../shared/run-command.js';

export interface DiscoverOptions {
  raw?: boolean;
  timeout: number;
}

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description("fetch a provider's discovery document (RFC 8414 metadata as fallback) and its JWKS, and lint both")
    .argument('<issuer>', 'the issuer URL, or the full .well-known URL of the document')
    .option('--raw', 'print the metadata document exactly as served, nothing else')
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .action(async (issuer: string, opts: DiscoverOptions, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => {
        const { discoverCommand } = await import('./run.js');
        return discoverCommand(ctx, issuer, opts);
      });
    });
}
