// login: settings → response type and mode → the flow → result.
import type { CommandResult, Context } from '../shared/context.js';
import type { LoginOptions } from './options.js';
import { canPrompt, missingSetting, resolveCommandSettings, settingValue } from '../shared/settings.js';
import { CLIENT_SETTING_NAMES, resolveClient } from '../shared/client.js';
import { UsageError } from '../../errors.js';
import { runLogin, type LoginSettings } from './flow.js';
import { parseListenAddress, parseLoopbackRedirectUri } from '../../io/loopback-listener.js';
import { resolveResponseMode, resolveResponseType } from '../../protocol/response-type.js';
import { jarmResponseChannel } from '../../protocol/jarm.js';
import { isJarmResponseMode } from '../../protocol/response-type.js';
import type { DpopKey } from '../../protocol/dpop.js';
import { asUsage } from '../../io/protocol-input.js';
import { renderLogin } from './render.js';
import { decryptionKeysSetting } from '../shared/key-settings.js';

const SETTINGS = [
  'issuer',
  'client-id',
  ...CLIENT_SETTING_NAMES,
  'scope',
  'redirect-uri',
  'flow',
  'response-type',
  'response-mode',
  'dpop-key',
  'decryption-key',
] as const;

export async function run(opts: LoginOptions, ctx: Context): Promise<CommandResult> {
  const settings = await resolveCommandSettings(opts.flags, SETTINGS, ctx.env);
  // Option contradictions first: they need no network.
  const responseType = resolveResponseType({
    flow: settingValue(settings, 'flow'),
    responseType: settingValue(settings, 'response-type'),
  });
  const modeValue = settingValue(settings, 'response-mode');
  // JARM (jwt, query.jwt, …): the response comes back as one JWT, on the channel its mode names.
  const jarmMode = modeValue !== undefined && isJarmResponseMode(modeValue) ? modeValue : undefined;
  const responseMode = jarmMode
    ? await asUsage(() => jarmResponseChannel(jarmMode, responseType))
    : resolveResponseMode(responseType, modeValue);
  const redirectUri = settingValue(settings, 'redirect-uri') ?? 'http://127.0.0.1:8765/callback';
  const redirectUrl = parseLoopbackRedirectUri(redirectUri);
  const placement = where(opts, ctx, settings, redirectUrl);
  let issuer = settingValue(settings, 'issuer');
  let clientId = settingValue(settings, 'client-id');
  let client = await resolveClient(ctx, settings, clientId ?? '');
  if (issuer === undefined || clientId === undefined) {
    if (!canPrompt(ctx)) throw missingSetting(issuer === undefined ? 'issuer' : 'client-id');
    const hasSecret = client.clientSecret !== undefined;
    const answers = await ctx.promptLogin({ issuer, clientId, hasSecret });
    issuer = answers.issuer;
    clientId = answers.clientId;
    client = { ...client, clientId, clientSecret: client.clientSecret ?? answers.clientSecret };
  }
  const params: Record<string, string> = {};
  for (const kv of opts.param ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError('bad_param', `--param "${kv}" is not key=value`);
    params[kv.slice(0, i)] = kv.slice(i + 1);
  }
  // Every file and value the advanced options name is read now: bad input is exit 2 before the browser opens.
  const dpopKeyPath = settingValue(settings, 'dpop-key');
  const dpopKey =
    opts.dpop || opts.dpopBindCode || dpopKeyPath !== undefined
      ? await (await import('../../io/dpop-key.js')).loadDpopKey(dpopKeyPath)
      : undefined;
  const authorizationDetails =
    opts.authorizationDetails !== undefined
      ? await (await import('../../io/authorization-details.js')).readAuthorizationDetails(opts.authorizationDetails)
      : undefined;
  const decryptionKeys = await decryptionKeysSetting(opts.decryptionKey, settings);
  const http = ctx.httpClient({ timeoutSeconds: opts.httpTimeout, clientCertificate: client.certificate });
  const view = await runLogin(ctx, http, {
    ...client,
    issuer,
    responseType,
    responseMode,
    responseModeRequested: settingValue(settings, 'response-mode') !== undefined,
    scope: settingValue(settings, 'scope') ?? 'openid profile email',
    redirectUri,
    pkce: opts.pkce,
    prompt: opts.prompt,
    loginHint: opts.loginHint,
    acrValues: opts.acrValues,
    maxAge: opts.maxAge,
    params,
    ...placement,
    issuerTemplate: opts.issuerTemplate,
    timeoutSeconds: opts.timeout,
    userinfo: opts.userinfo,
    trustedAudiences: opts.trustedAudience,
    strictAudience: opts.strictAudience,
    jarmMode,
    par: opts.par,
    requestObject: opts.requestObject,
    requestObjectEncrypt: opts.requestObjectEncrypt,
    dpopKey,
    dpopBindCode: opts.dpopBindCode,
    authorizationDetails,
    decryptionKeys,
  });
  if (opts.cache && view.result.valid) await cacheLoginTokens(ctx, issuer, clientId, view.result.tokens, dpopKey);
  return {
    data: view.result,
    human: (c) =>
      renderLogin(view, c.style, {
        showSecrets: c.showSecrets,
        ...(c.columns ? { width: c.columns } : {}),
      }),
  };
}

/**
 * Where the person and the browser are: a browser here (opened, or the one named), a browser on
 * another machine (--paste, automatic over SSH without a display), no browser at all (--device),
 * and where the listener binds (--listen). Contradictions are usage errors before any request.
 */
function where(
  opts: LoginOptions,
  ctx: Context,
  settings: Awaited<ReturnType<typeof resolveCommandSettings>>,
  redirectUrl: URL,
): Pick<LoginSettings, 'openBrowser' | 'browser' | 'paste' | 'device' | 'listen'> {
  const contradiction = (message: string) => new UsageError('contradictory_options', message);
  if (opts.listenAny && opts.listen === undefined)
    throw new UsageError(
      'missing_option',
      '--listen-any allows a non-loopback --listen address: give --listen HOST:PORT too',
    );
  if (opts.device) {
    for (const [given, name] of [
      [opts.paste === true, '--paste'],
      [opts.listen !== undefined, '--listen'],
      [settingValue(settings, 'response-mode') !== undefined, '--response-mode'],
      [typeof opts.browser === 'string', '--browser'],
    ] as const)
      if (given)
        throw contradiction(
          `--device and ${name} contradict each other: the device grant has no redirect URI or browser here`,
        );
    const flow = settingValue(settings, 'flow');
    const responseType = settingValue(settings, 'response-type');
    if ((flow !== undefined && flow !== 'code') || (responseType !== undefined && responseType !== 'code'))
      throw contradiction(
        '--device and --flow/--response-type contradict each other: the device grant returns tokens only',
      );
    return { openBrowser: false, device: true };
  }
  const listen =
    opts.listen === undefined
      ? undefined
      : parseListenAddress(opts.listen, redirectUrl, { any: Boolean(opts.listenAny) });
  if (listen && !listen.loopback)
    ctx.warn(
      `--listen ${opts.listen} is not a loopback address: anything that can reach it can send the listener an ` +
        'authorization response, which RFC 8252 §8.3 keeps to the loopback interface; the state still has to ' +
        "match, but publish the port on the host's loopback only and keep the run short",
    );
  const named = typeof opts.browser === 'string' ? opts.browser : ctx.env.OIDC_PROBE_BROWSER || undefined;
  let paste = opts.paste === true;
  // A shell on another machine (SSH) with no display of its own: the browser is on the person's machine.
  const env = ctx.env;
  const overSsh = [env.SSH_CONNECTION, env.SSH_CLIENT, env.SSH_TTY].some((v) => v !== undefined && v !== '');
  const display = [env.DISPLAY, env.WAYLAND_DISPLAY].some((v) => v !== undefined && v !== '');
  if (opts.paste === undefined && named === undefined && overSsh && !display) {
    paste = true;
    ctx.info(
      'This is an SSH session without a display, so no browser is opened here: open the URL below on your own ' +
        'machine, then paste the address the browser ends on (--no-paste to only wait for the listener).',
    );
  }
  // A browser elsewhere is not opened here unless one was named.
  const openBrowser = opts.browser !== false && (!paste || named !== undefined);
  return { openBrowser, browser: named, paste, ...(listen ? { listen } : {}) };
}

/** `login --cache`: keep the tokens where `token --grant refresh_token` looks (same issuer and client, no --scope). */
async function cacheLoginTokens(
  ctx: Context,
  issuer: string,
  clientId: string,
  tokens: Record<string, unknown> | undefined,
  dpopKey: DpopKey | undefined,
): Promise<void> {
  if (!tokens || typeof tokens.access_token !== 'string') return;
  const [{ cacheKey, cacheEntryFrom }, { writeEntry }] = await Promise.all([
    import('../../protocol/token-cache-policy.js'),
    import('../../io/token-cache.js'),
  ]);
  const { parseTokenResponse } = await import('../../protocol/token-response.js');
  const t = parseTokenResponse(tokens);
  const now = ctx.now();
  // RFC 9449 §5: a DPoP-bound refresh token is refreshed with the same key, so the key goes with it.
  const dpop = dpopKey !== undefined && t.token_type?.toLowerCase() === 'dpop';
  const identity = { issuer, clientId, grant: 'refresh_token', ...(dpop ? { dpop: true } : {}) };
  const entry = cacheEntryFrom(identity, { ...t, access_token: tokens.access_token }, now, { dpopKey });
  const path = await writeEntry(cacheKey(identity), entry, ctx.tokenCacheDir);
  ctx.info(
    `cached the tokens in ` +
      `${path}${t.refresh_token ? '' : ' (no refresh token came: ask for offline_access to get one)'}`,
  );
}
