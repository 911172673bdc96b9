// `oidc-probe token`: a token for scripts and CI, from the cache when it is still good.
import { Option, type Command } from 'commander';
import type { Flags } from '../shared/settings.js';
import { GRANT_NAMES } from '../../protocol/grants.js';
import { TOKEN_OUTPUTS, type TokenOutput } from '../../protocol/token-output.js';
import {
  collect,
  positiveSeconds,
  seconds,
  addClientOptions,
  addProfileOptions,
  flagsOf,
  type RunAction,
} from '../shared/options.js';

export interface TokenOptions {
  flags: Flags;
  grant?: string;
  scope?: string;
  audience?: string[];
  resource?: string[];
  output?: TokenOutput;
  cache: boolean;
  minTtl: number;
  timeout: number;
  refreshToken?: string;
  username?: string;
  passwordFile?: string;
  privateKey?: string;
  signingAlg?: string;
  subjectToken?: string;
  subjectTokenType?: string;
  actorToken?: string;
  actorTokenType?: string;
  requestedTokenType?: string;
  assertion?: string;
  assertionSubject?: string;
  dpop?: boolean;
  dpopKey?: string;
  authorizationDetails?: string;
}

export function registerToken(program: Command, runAction: RunAction): void {
  const cmd = program
    .command('token')
    .description(
      'get a token without a browser (client credentials, refresh, device code, token exchange, JWT ' +
        'bearer, password), cached for scripts',
    )
    .option('--grant <grant>', `${GRANT_NAMES.join(', ')} (env OIDC_PROBE_GRANT; default client_credentials)`)
    .option('--scope <scopes>', 'space-separated scopes')
    .option('--audience <value>', 'audience (RFC 8693; some providers for client_credentials) (repeatable)', collect)
    .option('--resource <uri>', 'resource indicator, RFC 8707 (repeatable)', collect)
    .option('--refresh-token <token>', 'refresh_token grant: the refresh token (default: the cached one)')
    .option('--username <name>', 'password grant: the resource owner')
    .option('--password-file <file>', 'password grant: read the password from a file (or OIDC_PROBE_PASSWORD)')
    .option('--subject-token <token>', 'token exchange: the subject token')
    .option('--subject-token-type <urn>', 'token exchange: its type (default …:access_token)')
    .option('--actor-token <token>', 'token exchange: the actor token')
    .option('--actor-token-type <urn>', 'token exchange: its type')
    .option('--requested-token-type <urn>', 'token exchange: the type wanted')
    .option('--assertion <jwt>', 'JWT bearer grant: the assertion (or --private-key to sign one)')
    .option('--assertion-subject <sub>', 'JWT bearer grant: sub of the assertion we sign (default: the client id)')
    .option('--dpop', 'a DPoP-bound token (RFC 9449); its key is cached with it (0600)')
    .option('--dpop-key <file>', 'the DPoP private key (PEM or JWK) instead of a fresh one; implies --dpop')
    .option('--authorization-details <json>', 'RFC 9396 authorization_details: a JSON array, or @file')
    .addOption(
      new Option(
        '--output <format>',
        'raw: the access token alone; json; table (default: table on a terminal, raw in a pipe); ' +
          'exec-credential: a kubectl credential plugin answer; env: ACCESS_TOKEN=… and ID_TOKEN=… lines',
      ).choices(TOKEN_OUTPUTS),
    )
    .option('--no-cache', 'neither read nor write the token cache')
    .option('--min-ttl <seconds>', 'reuse a cached token only with more than this left', seconds, 60)
    .option('--timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .action((opts: Omit<TokenOptions, 'flags'>, command: Command) =>
      runAction(command, async (ctx) => (await import('./run.js')).run({ ...opts, flags: flagsOf(command) }, ctx)),
    );
  addClientOptions(cmd);
  addProfileOptions(cmd);
}
