// `oidc-probe userinfo <access-token>`: call the UserInfo endpoint and check the answer.
import type { Command } from 'commander';
import type { Flags } from '../shared/settings.js';
import { collect, positiveSeconds, addProfileOptions, flagsOf, type RunAction } from '../shared/options.js';

export interface UserinfoOptions {
  token: string | undefined;
  flags: Flags;
  issuer?: string;
  endpoint?: string;
  clientId?: string;
  sub?: string;
  timeout: number;
  dpopKey?: string;
  decryptionKey?: string[];
}

export function registerUserinfo(program: Command, runAction: RunAction): void {
  const cmd = program
    .command('userinfo')
    .description('call the UserInfo endpoint with an access token and check the answer (JSON or signed JWT)')
    .argument('[access-token]', 'the access token; stdin when omitted or "-"')
    .option(
      '--issuer <url>',
      'the provider (env OIDC_PROBE_ISSUER): finds the endpoint and, for a signed answer, the keys',
    )
    .option('--endpoint <url>', 'the UserInfo endpoint (default: from discovery)')
    .option('--client-id <id>', 'your client_id: the expected aud of a signed answer')
    .option('--sub <sub>', "the ID token's sub: the answer's sub must equal it")
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .option('--dpop-key <file>', 'a DPoP-bound token: the private key its proofs are signed with (RFC 9449 §7)')
    .option(
      '--decryption-key <file>',
      'private key (PEM or JWK/JWKS) for an encrypted answer (repeatable; Core 5.3.2)',
      collect,
    )
    .action((token: string | undefined, opts: Omit<UserinfoOptions, 'token' | 'flags'>, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, token, flags: flagsOf(cmd) }, ctx)),
    );
  addProfileOptions(cmd);
}
