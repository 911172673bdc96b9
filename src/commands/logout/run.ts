// logout: discovery → listener → end-session request in the browser → state check.
import type { LogoutOptions } from './options.js';
import type { CommandResult, Context } from '../shared/context.js';
import { missingSetting, resolveCommandSettings, settingValue } from '../shared/settings.js';
import { resolveEndpoint } from '../shared/provider-endpoint.js';
import { openOrPrint } from '../../io/browser.js';
import { readTokenArgument } from '../../io/input.js';
import { parseLoopbackRedirectUri, startLoopbackListener } from '../../io/loopback-listener.js';
import { checkState, randomValue } from '../../protocol/authorization-request.js';
import { isValid } from '../../protocol/checks.js';
import { cleanTokenInput } from '../../protocol/jwt.js';
import { buildLogoutUrl } from '../../protocol/logout-request.js';
import { renderChecks } from '../../render/checks.js';
import { redactUrl } from '../../protocol/redact.js';
import { runRecorderFor } from '../../io/run-recorder.js';

export async function run(opts: LogoutOptions, ctx: Context): Promise<CommandResult> {
  const settings = await resolveCommandSettings(opts.flags, ['issuer', 'client-id'], ctx.env);
  const issuer = settingValue(settings, 'issuer');
  if (issuer === undefined && opts.endpoint === undefined) throw missingSetting('issuer');
  const clientId = settingValue(settings, 'client-id');
  if (clientId === undefined) throw missingSetting('client-id');
  parseLoopbackRedirectUri(opts.postLogoutRedirectUri);
  const idToken =
    opts.idToken === undefined
      ? undefined
      : cleanTokenInput(opts.idToken === '-' ? await readTokenArgument('-', ctx) : opts.idToken);
  const http = ctx.httpClient({ timeoutSeconds: opts.httpTimeout });
  const { endpoint } = await resolveEndpoint(http, {
    // With --endpoint nothing else is needed from discovery.
    issuer: opts.endpoint === undefined ? issuer : undefined,
    endpoint: opts.endpoint,
    field: 'end_session_endpoint',
    what: 'end-session endpoint',
  });
  const state = randomValue();
  const listener = await startLoopbackListener(opts.postLogoutRedirectUri, {
    timeoutSeconds: opts.timeout,
    expectFragment: false,
    state,
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
    await openOrPrint(ctx, url.href, {
      openBrowser: opts.browser,
      purpose: 'sign out',
      browser: ctx.env.OIDC_PROBE_BROWSER || undefined,
    });
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
