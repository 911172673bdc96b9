// logout: discovery → listener → end-session request in the browser → state check.
import type { Command } from 'commander';
import type { Context } from '../cli/context.js';
import type { LogoutCliOptions } from '../cli/logout.js';
import type { CommandResult } from '../cli/run.js';
import { missingSetting, resolveCommandSettings, settingValue } from '../cli/settings.js';
import { resolveEndpoint } from '../flows/provider-endpoint.js';
import { openOrPrint } from '../net/browser.js';
import { runRecorderFor } from '../io/run-recorder.js';
import { httpClientFor } from '../net/http-setup.js';
import { readTokenArgument } from '../net/input.js';
import { parseLoopbackRedirectUri, startLoopbackListener } from '../net/loopback-listener.js';
import { checkState, randomValue } from '../protocol/authorization-request.js';
import { isValid } from '../protocol/checks.js';
import { cleanTokenInput } from '../protocol/jwt.js';
import { buildLogoutUrl } from '../protocol/logout-request.js';
import { renderChecks } from '../render/checks.js';
import { redactUrl } from '../protocol/redact.js';

export async function logoutCommand(ctx: Context, cmd: Command, opts: LogoutCliOptions): Promise<CommandResult> {
  const settings = await resolveCommandSettings(cmd, ['issuer', 'client-id']);
  const issuer = settingValue(settings, 'issuer');
  if (issuer === undefined) throw missingSetting('issuer');
  const clientId = settingValue(settings, 'client-id');
  if (clientId === undefined) throw missingSetting('client-id');
  parseLoopbackRedirectUri(opts.postLogoutRedirectUri);
  const idToken =
    opts.idToken === undefined
      ? undefined
      : cleanTokenInput(opts.idToken === '-' ? await readTokenArgument('-') : opts.idToken);
  const http = httpClientFor(ctx, { timeoutSeconds: opts.httpTimeout });
  const { endpoint } = await resolveEndpoint(http, {
    issuer,
    field: 'end_session_endpoint',
    what: 'end-session endpoint',
  });
  const state = randomValue();
  const listener = await startLoopbackListener(opts.postLogoutRedirectUri, {
    timeoutSeconds: opts.timeout,
    expectFragment: false,
    warn: (m) => ctx.warn(m),
  });
  const stop = ctx.onInterrupt(() => listener.close());
  let params: Record<string, string>;
  try {
    const url = buildLogoutUrl({
      endSessionEndpoint: endpoint,
      idTokenHint: idToken,
      clientId,
      postLogoutRedirectUri: listener.redirectUri,
      state,
    });
    await openOrPrint(ctx, url.href, { openBrowser: opts.browser, purpose: 'sign out' });
    const response = await listener.response;
    runRecorderFor(ctx)?.frontChannelResponse(response.channel, response.params);
    params = response.params;
  } finally {
    await listener.close();
    stop();
  }
  // RP-Initiated Logout §3: the OP returns the state it was given.
  const checks = [checkState(params, state)];
  const data = {
    valid: isValid(checks),
    end_session_endpoint: endpoint,
    post_logout_redirect_uri: listener.redirectUri,
    id_token_hint: idToken !== undefined,
    checks,
  };
  return {
    data,
    human: (c) =>
      [
        `${c.style.bold('Signed out')} at ${redactUrl(endpoint, c.showSecrets)}, back on ${listener.redirectUri}`,
        renderChecks(checks, c.style),
      ].join('\n'),
  };
}
