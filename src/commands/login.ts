// login: settings → response type and mode → the flow → result.
import type { Command } from 'commander';
import type { Context } from '../cli/context.js';
import type { LoginCliOptions } from '../cli/login.js';
import type { CommandResult } from '../cli/run.js';
import { promptForLogin } from '../cli/prompts.js';
import { checkAuthMethod, resolveClientSecret, resolveCommandSettings, settingValue } from '../cli/settings.js';
import { loadClientCertificate, loadPrivateKeyFile } from '../net/keys.js';
import { UsageError } from '../errors.js';
import { runLogin } from '../flows/login.js';
import { httpClientFor } from '../net/http-setup.js';
import { parseLoopbackRedirectUri } from '../net/loopback-listener.js';
import { resolveResponseMode, resolveResponseType } from '../protocol/response-type.js';
import { renderLogin } from '../render/login.js';

const SETTINGS = [
  'issuer',
  'client-id',
  'client-secret',
  'client-secret-file',
  'auth-method',
  'private-key',
  'cert',
  'key',
  'scope',
  'redirect-uri',
  'flow',
  'response-type',
  'response-mode',
] as const;

export async function loginCommand(ctx: Context, cmd: Command, opts: LoginCliOptions): Promise<CommandResult> {
  const settings = await resolveCommandSettings(cmd, SETTINGS);
  // Option contradictions first: they need no network.
  const responseType = resolveResponseType({
    flow: settingValue(settings, 'flow'),
    responseType: settingValue(settings, 'response-type'),
  });
  const responseMode = resolveResponseMode(responseType, settingValue(settings, 'response-mode'));
  const redirectUri = settingValue(settings, 'redirect-uri') ?? 'http://127.0.0.1:8765/callback';
  parseLoopbackRedirectUri(redirectUri);
  const secretGiven = await resolveClientSecret(settings);
  const answers = await promptForLogin(settings, secretGiven !== undefined);
  const { issuer, clientId } = answers;
  const clientSecret = secretGiven ?? answers.clientSecret;
  const params: Record<string, string> = {};
  for (const kv of opts.param ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError('bad_param', `--param "${kv}" is not key=value`);
    params[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const clientCertificate = await loadClientCertificate(
    settingValue(settings, 'cert'),
    settingValue(settings, 'key'),
    settingValue(settings, 'auth-method'),
  );
  const http = httpClientFor(ctx, { timeoutSeconds: opts.httpTimeout, clientCertificate });
  const view = await runLogin(ctx, http, {
    issuer,
    clientId,
    clientSecret,
    authMethod: checkAuthMethod(settingValue(settings, 'auth-method')),
    privateKey: settingValue(settings, 'private-key')
      ? await loadPrivateKeyFile(settingValue(settings, 'private-key')!)
      : undefined,
    signingAlg: opts.signingAlg,
    mtls: clientCertificate !== undefined,
    responseType,
    responseMode,
    scope: settingValue(settings, 'scope') ?? 'openid profile email',
    redirectUri,
    pkce: opts.pkce,
    prompt: opts.prompt,
    loginHint: opts.loginHint,
    acrValues: opts.acrValues,
    maxAge: opts.maxAge,
    params,
    openBrowser: opts.browser,
    timeoutSeconds: opts.timeout,
    userinfo: opts.userinfo,
    trustedAudiences: opts.trustedAudience,
    strictAudience: opts.strictAudience,
  });
  if (opts.cache && view.result.valid) await cacheLoginTokens(ctx, issuer, clientId, view.result.tokens);
  return {
    data: view.result,
    human: (c) =>
      renderLogin(view, c.style, {
        showSecrets: c.showSecrets,
        ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
      }),
  };
}

/** `login --cache`: keep the tokens where `token --grant refresh_token` looks (same issuer and client, no --scope). */
async function cacheLoginTokens(
  ctx: Context,
  issuer: string,
  clientId: string,
  tokens: Record<string, unknown> | undefined,
): Promise<void> {
  if (!tokens || typeof tokens.access_token !== 'string') return;
  const [{ cacheKey, expiresAt }, { writeEntry }] = await Promise.all([
    import('../protocol/token-cache-policy.js'),
    import('../net/token-cache.js'),
  ]);
  const { parseTokenResponse } = await import('../protocol/token-response.js');
  const t = parseTokenResponse(tokens);
  const now = Math.floor(Date.now() / 1000);
  const identity = { issuer, clientId, grant: 'refresh_token' };
  const path = await writeEntry(cacheKey(identity), {
    version: 1,
    ...identity,
    access_token: t.access_token!,
    token_type: t.token_type,
    expires_at: expiresAt(now, t.expires_in, t.access_token!),
    refresh_token: t.refresh_token,
    id_token: t.id_token,
    scope_granted: t.scope,
    obtained_at: now,
  });
  ctx.info(
    `cached the tokens in ${path}${t.refresh_token ? '' : ' (no refresh token came: ask for offline_access to get one)'}`,
  );
}
