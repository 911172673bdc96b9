// token: settings → cache (reuse: no network at all) → lock → refresh or grant → cache → output.
// The heavy parts (HTTP, jose) are imported only when the cache cannot answer.
import type { CommandResult, Context } from '../shared/context.js';
import type { TokenOptions } from './options.js';
import { GRANT_NAMES, isGrantName } from '../../protocol/grants.js';
import { checkAuthMethod, missingSetting, resolveCommandSettings, settingValue } from '../shared/settings.js';
import { CLIENT_SETTING_NAMES, resolveClient } from '../shared/client.js';
import { UsageError } from '../../errors.js';
import { readUserFile } from '../../io/input.js';
import { readEntry, withLock, writeEntry } from '../../io/token-cache.js';
import { isValid, type Check } from '../../protocol/checks.js';
import {
  cacheKey,
  decideForIdToken,
  decideFromCache,
  cacheEntryFrom,
  type CacheEntry,
  type CacheIdentity,
} from '../../protocol/token-cache-policy.js';
import {
  envAssignments,
  execCredential,
  jwtExpiry,
  TOKEN_OUTPUTS,
  type TokenOutput,
} from '../../protocol/token-output.js';
import { renderToken, type TokenView } from './render.js';
import type { DpopKey } from '../../protocol/dpop.js';
import { asUsage } from '../../io/protocol-input.js';
import { dpopKeySetting } from '../shared/key-settings.js';

const SETTINGS = [
  'issuer',
  'client-id',
  ...CLIENT_SETTING_NAMES,
  'grant',
  'scope',
  'username',
  'output',
  'dpop-key',
] as const;

export async function run(opts: TokenOptions, ctx: Context): Promise<CommandResult> {
  const settings = await resolveCommandSettings(opts.flags, SETTINGS, ctx.env);
  const grant = settingValue(settings, 'grant') ?? 'client_credentials';
  if (!isGrantName(grant))
    throw new UsageError('unknown_grant', `unknown grant "${grant}"; valid grants: ${GRANT_NAMES.join(', ')}`);
  checkAuthMethod(settingValue(settings, 'auth-method')); // a typo is exit 2 before any request
  const issuer = settingValue(settings, 'issuer');
  if (issuer === undefined) throw missingSetting('issuer');
  const clientId = settingValue(settings, 'client-id');
  if (clientId === undefined) throw missingSetting('client-id');
  const output = outputFormat(opts, settingValue(settings, 'output'), ctx);
  if (output === 'json') ctx.json = true;
  // Bad input in the advanced options is exit 2 before the cache or the network is touched.
  const dpopKeyPath = settingValue(settings, 'dpop-key');
  const useDpop = opts.dpop === true || dpopKeyPath !== undefined;
  const givenDpopKey = await dpopKeySetting(settings);
  const details =
    opts.authorizationDetails !== undefined
      ? await (await import('../../io/authorization-details.js')).readAuthorizationDetails(opts.authorizationDetails)
      : undefined;

  const identity: CacheIdentity = {
    issuer,
    clientId,
    grant,
    scope: settingValue(settings, 'scope'),
    audience: opts.audience,
    resource: opts.resource,
    subject:
      grant === 'password'
        ? settingValue(settings, 'username')
        : grant === 'token_exchange'
          ? opts.subjectToken?.slice(-16)
          : undefined,
    ...(useDpop ? { dpop: true } : {}),
    ...(details ? { authorizationDetails: JSON.stringify(details) } : {}),
  };
  // Grants whose input is a one-off credential are not worth caching by default.
  const cacheable = opts.cache && !['token_exchange', 'jwt_bearer'].includes(grant);
  const key = cacheKey(identity);
  const now = () => ctx.now();

  // exec-credential hands out the ID token when there is one: it has to be good for as long.
  const decide = (entry: CacheEntry | undefined, decision: ReturnType<typeof decideFromCache>) =>
    output === 'exec-credential' && entry && decision.action === 'reuse'
      ? (decideForIdToken(entry, now(), opts.minTtl, entry.id_token ? jwtExpiry(entry.id_token) : undefined) ??
        decision)
      : decision;
  const fromCache = async (): Promise<{ entry?: CacheEntry; decision: ReturnType<typeof decideFromCache> }> => {
    const read = await readEntry(key, ctx.tokenCacheDir);
    if (read.corrupt)
      ctx.warn(
        `the cache file for this token (${ctx.tokenCacheDir}/${key}.json) is unreadable ` +
          `(${read.corrupt}); ignoring it and fetching a new token`,
      );
    const decision = decideFromCache(read.entry, now(), opts.minTtl, { dpopJkt: givenDpopKey?.thumbprint });
    return { ...(read.entry ? { entry: read.entry } : {}), decision: decide(read.entry, decision) };
  };

  if (cacheable) {
    const first = await fromCache();
    if (first.decision.action === 'reuse')
      return result(
        ctx,
        output,
        viewFromEntry(first.entry!, 'reuse', `cached, ${first.decision.secondsLeft} s left`, []),
        dpopKeyNote(ctx, key, dpopKeyPath, true),
      );
  }

  const fetchFresh = async (
    cached: CacheEntry | undefined,
    action: 'refresh' | 'fetch',
    reason: string,
  ): Promise<TokenView> => {
    const client = await resolveClient(ctx, settings, clientId);
    const password =
      grant === 'password'
        ? opts.passwordFile
          ? (await readUserFile(opts.passwordFile, '--password-file')).replace(/\r?\n$/, '')
          : ctx.env.OIDC_PROBE_PASSWORD
        : undefined;
    const { obtainTokens } = await import('./grants.js');
    const http = ctx.httpClient({ timeoutSeconds: opts.timeout, clientCertificate: client.certificate });
    const useRefresh = action === 'refresh' && cached?.refresh_token !== undefined;
    // RFC 9449 §5: a refresh of a DPoP-bound token proves possession of the same key, so a cached key is reused.
    const dpopKey = useDpop ? await dpopKeyFor(givenDpopKey, cached) : undefined;
    const outcome = await obtainTokens(ctx, http, {
      grant: useRefresh ? 'refresh_token' : grant,
      ...client,
      issuer,
      scope: identity.scope,
      audience: opts.audience,
      resource: opts.resource,
      refreshToken: useRefresh
        ? cached!.refresh_token
        : (opts.refreshToken ?? (grant === 'refresh_token' ? cached?.refresh_token : undefined)),
      previousIdToken: cached?.id_token,
      username: settingValue(settings, 'username'),
      password,
      subjectToken: opts.subjectToken,
      subjectTokenType: opts.subjectTokenType,
      actorToken: opts.actorToken,
      actorTokenType: opts.actorTokenType,
      requestedTokenType: opts.requestedTokenType,
      assertion: opts.assertion,
      assertionSubject: opts.assertionSubject,
      dpopKey,
      authorizationDetails: details,
    });
    const t = outcome.tokens;
    if (t.access_token === undefined)
      return { ...baseView(identity, 'fetch', reason), checks: outcome.checks, valid: false, tokens: t.raw };
    const entry = cacheEntryFrom(identity, { ...t, access_token: t.access_token }, now(), {
      previous: cached,
      dpopKey,
    });
    if (cacheable && isValid(outcome.checks)) await writeEntry(key, entry, ctx.tokenCacheDir);
    return {
      ...viewFromEntry(entry, useRefresh ? 'refresh' : 'fetch', reason, outcome.checks),
      tokens: t.raw,
      auth_method: outcome.authMethod,
      ...(outcome.authorizationDetails ? { authorization_details: outcome.authorizationDetails } : {}),
    };
  };

  if (!cacheable)
    return result(
      ctx,
      output,
      await fetchFresh(undefined, 'fetch', 'cache not used'),
      dpopKeyNote(ctx, key, dpopKeyPath, false),
    );
  // Inside the lock, look again: a parallel job may have just fetched the same token.
  const view = await withLock(
    key,
    async () => {
      const again = await fromCache();
      if (again.decision.action === 'reuse')
        return viewFromEntry(
          again.entry!,
          'reuse',
          `cached by a parallel job, ${again.decision.secondsLeft} s left`,
          [],
        );
      return fetchFresh(again.entry, again.decision.action, again.decision.reason);
    },
    ctx.tokenCacheDir,
    {
      onWait: (o) =>
        ctx.info(`waiting for ${o ? `process ${o.pid} on ${o.host}` : 'another job'}, which is fetching this token…`),
      onTakeOver: (o, why) =>
        ctx.info(`taking over the cache lock of ${o ? `process ${o.pid}` : 'another job'}: ${why}`),
    },
  );
  return result(ctx, output, view, dpopKeyNote(ctx, key, dpopKeyPath, true));
}

/** --dpop-key's key, else the one cached with the token being refreshed, else a fresh one. */
async function dpopKeyFor(given: DpopKey | undefined, cached: CacheEntry | undefined): Promise<DpopKey> {
  if (given) return given;
  const { dpopKeyFromJwk, generateDpopKey } = await import('../../protocol/dpop.js');
  if (cached?.dpop_jwk) {
    const jwk = cached.dpop_jwk;
    return asUsage(() => dpopKeyFromJwk(jwk, { origin: 'the DPoP key in the token cache entry' }));
  }
  return generateDpopKey();
}

/** Where the key of a DPoP-bound token is, for the note beside a raw token (RFC 9449 §7: a proof per request). */
function dpopKeyNote(ctx: Context, key: string, dpopKeyPath: string | undefined, cached: boolean): string {
  const where =
    dpopKeyPath !== undefined
      ? `the key is in ${dpopKeyPath}`
      : cached
        ? `the key is in the cache entry ${ctx.tokenCacheDir}/${key}.json (dpop_jwk)`
        : 'the key was made for this run and is not kept (--no-cache): pass --dpop-key FILE to keep using the token';
  return (
    'this access token is DPoP-bound: every request with it needs a DPoP proof signed with its key ' +
    `(RFC 9449 §7); ${where}`
  );
}

function baseView(
  id: CacheIdentity,
  action: TokenView['cache']['action'],
  reason: string,
): Omit<TokenView, 'checks' | 'valid'> {
  return { grant: id.grant, issuer: id.issuer, client_id: id.clientId, cache: { action, reason } };
}

function viewFromEntry(
  e: CacheEntry,
  action: TokenView['cache']['action'],
  reason: string,
  checks: Check[],
): TokenView {
  return {
    ...baseView(e, action, reason),
    access_token: e.access_token,
    token_type: e.token_type,
    expires_at: e.expires_at,
    scope: e.scope_granted ?? e.scope,
    ...(e.refresh_token ? { refresh_token: e.refresh_token } : {}),
    ...(e.id_token ? { id_token: e.id_token } : {}),
    ...(e.dpop_jkt ? { dpop: { jkt: e.dpop_jkt } } : {}),
    checks,
    valid: isValid(checks),
  };
}

/** --json, --output, OIDC_PROBE_OUTPUT or the profile, else table on a terminal and raw in a pipe. */
function outputFormat(opts: TokenOptions, setting: string | undefined, ctx: Context): TokenOutput {
  if (ctx.json && opts.output !== undefined && opts.output !== 'json')
    throw new UsageError(
      'contradictory_options',
      `--json and --output ${opts.output} contradict each other: both say what stdout carries`,
    );
  if (ctx.json) return 'json';
  if (setting !== undefined && opts.output === undefined && !(TOKEN_OUTPUTS as readonly string[]).includes(setting))
    throw new UsageError('usage', `unknown output "${setting}"; valid outputs: ${TOKEN_OUTPUTS.join(', ')}`);
  return opts.output ?? (setting as TokenOutput | undefined) ?? (ctx.stdout.isTTY ? 'table' : 'raw');
}

/** Formats that are the token itself: a script gets nothing on stdout unless every check held. */
const TOKEN_ONLY: ReadonlySet<TokenOutput> = new Set(['raw', 'exec-credential', 'env']);

function result(_ctx: Context, output: TokenOutput, view: TokenView, dpopNote: string): CommandResult {
  if (TOKEN_ONLY.has(output) && (!view.valid || !view.access_token)) {
    // A script must never receive a token that failed its checks: nothing on stdout, exit 1.
    return {
      data: view,
      human: (c) => {
        c.warn(
          `no token printed: ${
            view.checks
              .filter((x) => x.status === 'fail')
              .map((x) => `${x.id}: ${x.message}`)
              .join('; ') || 'no access_token in the response'
          }`,
        );
        return '';
      },
      exit: 1,
    };
  }
  if (output === 'raw')
    return {
      data: view,
      human: (c) => {
        if (view.token_type?.toLowerCase() === 'dpop') c.info(dpopNote);
        return view.access_token!;
      },
    };
  if (output === 'exec-credential') {
    const credential = execCredential({
      accessToken: view.access_token!,
      accessTokenExpiresAt: view.expires_at,
      idToken: view.id_token,
    });
    // client-go reads this document, not the human view: the same JSON either way.
    return { data: view, human: () => JSON.stringify(credential, null, 2) };
  }
  if (output === 'env') {
    const env = envAssignments({ ACCESS_TOKEN: view.access_token, ID_TOKEN: view.id_token });
    if ('refused' in env)
      return {
        data: view,
        human: (c) => {
          c.warn(`no token printed: ${env.refused}`);
          return '';
        },
        exit: 1,
      };
    return { data: view, human: () => env.text };
  }
  return {
    data: view,
    human: (c) => renderToken(view, c.style, { showSecrets: c.showSecrets, width: c.columns }),
  };
}
