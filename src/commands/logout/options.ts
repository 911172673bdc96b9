// `oidc-probe logout`: RP-initiated logout through the browser and back to a loopback listener.
import type { Command } from 'commander';
import type { Flags } from '../shared/settings.js';
import { positiveSeconds, addProfileOptions, flagsOf, type RunAction } from '../shared/options.js';

export interface LogoutOptions {
  flags: Flags;
  endpoint?: string;
  idToken?: string;
  postLogoutRedirectUri: string;
  browser: boolean;
  timeout: number;
  httpTimeout: number;
}

export function registerLogout(program: Command, runAction: RunAction): void {
  const cmd = program
    .command('logout')
    .description("RP-initiated logout: open the provider's end_session_endpoint and check the state that comes back")
    .option('--issuer <url>', 'the provider (env OIDC_PROBE_ISSUER)')
    .option('--client-id <id>', 'your client_id (env OIDC_PROBE_CLIENT_ID)')
    .option('--endpoint <url>', 'the end-session endpoint (default: from discovery)')
    .option('--id-token <jwt>', 'the ID token to send as id_token_hint ("-" reads stdin)')
    .option(
      '--post-logout-redirect-uri <uri>',
      'loopback URI to come back to (port 0 = any free port)',
      'http://127.0.0.1:0/logged-out',
    )
    .option('--no-browser', 'print the logout URL on stderr instead of opening a browser')
    .option('--timeout <seconds>', 'how long to wait for the redirect back', positiveSeconds, 300)
    .option('--http-timeout <seconds>', 'per-request timeout', positiveSeconds, 10)
    .action((opts: Omit<LogoutOptions, 'flags'>, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).run({ ...opts, flags: flagsOf(cmd) }, ctx)),
    );
  addProfileOptions(cmd);
}
