// `oidc-probe discover <issuer>`: fetch and lint a provider's metadata and JWKS.
import type { Command } from 'commander';
import { positiveSeconds, type RunAction } from '../shared/options.js';

export interface DiscoverOptions {
  issuer: string;
  raw?: boolean;
  followRedirect?: boolean;
  timeout: number;
}

export function registerDiscover(program: Command, runAction: RunAction): void {
  program
    .command('discover')
    .description("fetch a provider's discovery document (RFC 8414 metadata as fallback) and its JWKS, and lint both")
    .argument('<issuer>', 'the issuer URL, or the full .well-known URL of the document')
    .option('--raw', 'print the metadata document exactly as served, nothing else')
    .option('--follow-redirect', 'follow redirects of the well-known URL (each hop is shown, and warned about)')
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .action((issuer: string, opts: Omit<DiscoverOptions, 'issuer'>, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, issuer }, ctx)),
    );
}
