// `oidc-probe verify [token]`: every check of a JWS as its own row.
import { Option, type Command } from 'commander';
import { collect, positiveSeconds, seconds, type RunAction } from '../shared/options.js';

export interface VerifyOptions {
  token: string | undefined;
  jwks?: string;
  key?: string;
  secret?: string;
  secretFile?: string;
  issuer?: string;
  audience?: string[];
  trustedAudience?: string[];
  strictAudience?: boolean;
  clientId?: string;
  nonce?: string;
  maxAge?: number;
  clockTolerance: number;
  alg?: string[];
  type?: 'id_token' | 'access_token' | 'logout_token';
  accessToken?: string;
  code?: string;
  state?: string;
  acrValues?: string;
  decryptionKey?: string[];
  timeout: number;
}

export function registerVerify(program: Command, runAction: RunAction): void {
  program
    .command('verify')
    .description(
      'verify a JWS: signature, alg, kid and every claim, each as its own row; reads stdin when the ' +
        'token is omitted or "-"',
    )
    .argument('[token]', 'the JWT; a leading "Bearer " and whitespace are ignored')
    .option('--jwks <file|url>', 'verify with a JWKS from a file or URL')
    .option('--key <file>', 'verify with a PEM (public key, private key or certificate) or JWK file')
    .option(
      '--secret <value>',
      'verify an HMAC token with this shared secret (prefer --secret-file: keeps it out of ps and history)',
    )
    .option('--secret-file <file>', 'read the HMAC secret from a file')
    .option('--issuer <url>', 'expected iss; alone, also the key source (discovery → jwks_uri)')
    .option('--audience <value>', 'expected aud (repeatable: any match passes)', collect)
    .option('--trusted-audience <aud>', 'another audience you trust to share the token (repeatable)', collect)
    .option('--strict-audience', 'fail, not warn, when aud lists audiences neither expected nor trusted')
    .option('--client-id <id>', 'your client_id, for the azp rule (defaults to a single --audience)')
    .option('--nonce <value>', 'expected nonce')
    .option('--max-age <seconds>', 'max_age that was requested: auth_time becomes required and is checked', seconds)
    .option('--acr-values <values>', 'space-separated acr values that were requested')
    .option('--clock-tolerance <seconds>', 'leeway for exp, nbf, iat and auth_time', seconds, 60)
    .option('--alg <alg>', 'allowed alg (repeatable); anything else fails', collect)
    .addOption(
      new Option('--type <type>', 'also apply the rules of this token type').choices([
        'id_token',
        'access_token',
        'logout_token',
      ]),
    )
    .option('--access-token <token>', 'check at_hash against this access token')
    .option('--code <code>', 'check c_hash against this authorization code')
    .option('--state <state>', 'check s_hash against this state')
    .option('--decryption-key <file>', 'decrypt a JWE (PEM or JWK/JWKS private key, repeatable), then verify', collect)
    .option('--timeout <seconds>', 'per-request timeout for fetching keys', positiveSeconds, 10)
    .action((token: string | undefined, opts: Omit<VerifyOptions, 'token'>, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, token }, ctx)),
    );
}
