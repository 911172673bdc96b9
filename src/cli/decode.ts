// `oidc-probe decode [token]`: show a JWT's header and claims without verifying anything.
import type { Command } from 'commander';
import { makeContext } from './context.js';
import { collect } from './option-parsers.js';
import { runCommand } from './run.js';

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('decode a JWT (JWS or JWE) without verifying it; reads stdin when the token is omitted or "-"')
    .argument('[token]', 'the JWT; a leading "Bearer " and whitespace are ignored')
    .option('--decryption-key <file>', 'decrypt a JWE with this private key, PEM or JWK/JWKS (repeatable)', collect)
    .action(async (token: string | undefined, opts: { decryptionKey?: string[] }, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => {
        const { decodeCommand } = await import('../commands/decode.js');
        return decodeCommand(token, opts);
      });
    });
}
