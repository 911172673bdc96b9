// `oidc-probe decode [token]`: show a JWT's header and claims without verifying anything.
import type { Command } from 'commander';
import { collect, type RunAction } from '../shared/options.js';

export interface DecodeOptions {
  token: string | undefined;
  /** JWE: decrypt with these private keys (PEM or JWK/JWKS files). */
  decryptionKey?: string[] | undefined;
}

export function registerDecode(program: Command, runAction: RunAction): void {
  program
    .command('decode')
    .description('decode a JWT (JWS or JWE) without verifying it; reads stdin when the token is omitted or "-"')
    .argument('[token]', 'the JWT; a leading "Bearer " and whitespace are ignored')
    .option('--decryption-key <file>', 'decrypt a JWE with this private key, PEM or JWK/JWKS (repeatable)', collect)
    .action((token: string | undefined, opts: { decryptionKey?: string[] }, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, token }, ctx)),
    );
}
