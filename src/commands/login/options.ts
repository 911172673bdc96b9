// `oidc-probe login`: a browser flow through a loopback listener (cli-contract.md "login").
import type { Command } from 'commander';
import type { Flags } from '../shared/settings.js';
import {
  collect,
  positiveSeconds,
  seconds,
  addClientOptions,
  addProfileOptions,
  flagsOf,
  type RunAction,
} from '../shared/options.js';

export interface LoginOptions {
  flags: Flags;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  authMethod?: string;
  flow?: string;
  responseType?: string;
  responseMode?: string;
  scope?: string;
  redirectUri?: string;
  pkce: boolean;
  prompt?: string;
  loginHint?: string;
  acrValues?: string;
  maxAge?: number;
  param?: string[];
  /** false with --no-browser; the browser to use with --browser (else OIDC_PROBE_BROWSER or the default). */
  browser: string | boolean;
  /** --paste / --no-paste; undefined: automatic (over SSH without a display). */
  paste?: boolean;
  device?: boolean;
  listen?: string;
  listenAny?: boolean;
  issuerTemplate?: boolean;
  timeout: number;
  userinfo: boolean;
  httpTimeout: number;
  profile?: string;
  config?: string;
  cache?: boolean;
  privateKey?: string;
  signingAlg?: string;
  trustedAudience?: string[];
  strictAudience?: boolean;
  par?: boolean;
  requestObject?: boolean;
  requestObjectEncrypt?: boolean;
  dpop?: boolean;
  dpopKey?: string;
  dpopBindCode?: boolean;
  authorizationDetails?: string;
  decryptionKey?: string[];
}

/** One example per issue-14 feature, under the options in `login --help`. */
const EXAMPLES = `
Examples:
  # pushed authorization request (RFC 9126)
  oidc-probe login --profile dev --par
  # signed request object (RFC 9101); add --request-object-encrypt to encrypt it
  oidc-probe login --profile dev --request-object --private-key client.pem
  # JARM: the authorization response as a signed JWT
  oidc-probe login --profile dev --response-mode jwt
  # DPoP-bound tokens, the code bound to the key too (RFC 9449)
  oidc-probe login --profile dev --dpop --dpop-bind-code
  # rich authorization request: what was asked beside what was granted (RFC 9396)
  oidc-probe login --profile dev --authorization-details @details.json
  # encrypted ID token and userinfo (OpenID Connect Core 10.2)
  oidc-probe login --profile dev --decryption-key client-enc.pem
  # mTLS: the token must be bound to this certificate (RFC 8705)
  oidc-probe login --profile dev --cert client.crt --cert-key client.key`;

export function registerLogin(program: Command, runAction: RunAction): void {
  const cmd = program
    .command('login')
    .description('sign in through a browser and a loopback listener, then check everything that came back')
    .option(
      '--flow <flow>',
      'code, implicit or hybrid (default code; implicit means "id_token token", hybrid "code id_token")',
    )
    .option(
      '--response-type <types>',
      'space-separated: code, id_token, "id_token token", "code id_token", "code token", "code id_token token"',
    )
    .option(
      '--response-mode <mode>',
      'query, fragment or form_post (default: query for code, fragment otherwise); ' +
        'JARM: jwt, query.jwt, fragment.jwt or form_post.jwt',
    )
    .option('--scope <scopes>', 'space-separated scopes', 'openid profile email')
    .option('--redirect-uri <uri>', 'loopback redirect URI (port 0 = any free port)', 'http://127.0.0.1:8765/callback')
    .option('--no-pkce', 'do not send a PKCE code challenge')
    .option('--prompt <prompt>', 'prompt parameter (none, login, consent, select_account)')
    .option('--login-hint <hint>', 'login_hint parameter')
    .option('--acr-values <values>', 'acr_values parameter (space-separated)')
    .option('--max-age <seconds>', 'max_age parameter: auth_time becomes required and is checked', seconds)
    .option('--param <key=value>', 'extra authorization request parameter (repeatable)', collect)
    .option('--no-browser', 'print the authorization URL on stderr instead of opening a browser')
    .option(
      '--browser <name|command>',
      'open the URL with this browser (chrome, firefox, edge, brave, or a command and its arguments; ' +
        'env OIDC_PROBE_BROWSER)',
    )
    .option(
      '--paste',
      'for a remote shell: print the URL, then ask for the address the browser ends on (automatic over SSH ' +
        'without a display)',
    )
    .option('--no-paste', 'never ask for the address the browser ends on, even over SSH')
    .option(
      '--device',
      'sign in with the device authorization grant (RFC 8628) on another device; the tokens are checked as ' +
        'in a browser login',
    )
    .option(
      '--listen <host:port>',
      "bind the listener here instead of the redirect URI's address (a forwarded port, a container; :0 = any)",
    )
    .option('--listen-any', 'allow a --listen address that is not loopback (a container interface): warned')
    .option(
      '--issuer-template',
      'accept a discovery issuer with {tenantid} (Microsoft Entra multi-tenant) and check each iss with its tid',
    )
    .option('--timeout <seconds>', 'how long to wait for the authorization response', positiveSeconds, 300)
    .option('--http-timeout <seconds>', 'per-request timeout talking to the provider', positiveSeconds, 10)
    .option('--no-userinfo', 'do not call the userinfo endpoint')
    .option('--trusted-audience <aud>', 'another audience you trust in the ID token aud (repeatable)', collect)
    .option('--strict-audience', 'fail, not warn, when the ID token aud lists audiences you do not trust')
    .option(
      '--cache',
      'store the tokens in the token cache, so `oidc-probe token --grant refresh_token` can refresh them',
    )
    .option(
      '--par',
      'push the request to pushed_authorization_request_endpoint first (RFC 9126; automatic when required)',
    )
    .option(
      '--request-object',
      'send the request as a signed JWT (RFC 9101): --private-key, or the secret with --signing-alg HS256',
    )
    .option('--request-object-encrypt', "also encrypt the request object to the provider's key (implies it)")
    .option('--dpop', 'bind the tokens to a fresh DPoP key (RFC 9449)')
    .option('--dpop-key <file>', 'the DPoP private key (PEM or JWK) instead of a fresh one; implies --dpop')
    .option('--dpop-bind-code', 'bind the code to the DPoP key too (dpop_jkt, RFC 9449 §10); implies --dpop')
    .option('--authorization-details <json>', 'RFC 9396 authorization_details: a JSON array, or @file')
    .option(
      '--decryption-key <file>',
      'private key (PEM or JWK/JWKS) for encrypted ID tokens, userinfo and JARM responses (repeatable)',
      collect,
    );
  addClientOptions(cmd);
  addProfileOptions(cmd).addHelpText('after', EXAMPLES);
  cmd.action((opts: Omit<LoginOptions, 'flags'>, command: Command) =>
    runAction(command, async (ctx) => (await import('./run.js')).run({ ...opts, flags: flagsOf(command) }, ctx)),
  );
}
