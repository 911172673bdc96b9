// introspect and revoke: a token and client authentication to a provider endpoint.
import type { TokenEndpointOptions } from './options.js';
import type { CommandResult, Context } from '../shared/context.js';
import { missingSetting, resolveCommandSettings, settingValue } from '../shared/settings.js';
import { UsageError } from '../../errors.js';
import { authenticateClient, CLIENT_SETTING_NAMES, clientAuthMethodFor, resolveClient } from '../shared/client.js';
import { resolveEndpoint } from '../shared/provider-endpoint.js';
import { errorForStatus } from '../../io/http.js';
import { readTokenArgument } from '../../io/input.js';
import { fail, pass, type Check } from '../../protocol/checks.js';
import { checkDpopBinding } from '../../protocol/dpop.js';
import { cleanTokenInput } from '../../protocol/jwt.js';
import { renderChecks } from '../../render/checks.js';
import { renderClaimsTable } from '../../render/jwt-tables.js';

const SETTINGS = ['issuer', 'client-id', ...CLIENT_SETTING_NAMES, 'dpop-key'] as const;

async function prepare(ctx: Context, opts: TokenEndpointOptions, field: string, what: string) {
  const token = cleanTokenInput(await readTokenArgument(opts.token, ctx));
  if (!token) throw new UsageError('no_input', 'the token is empty');
  const settings = await resolveCommandSettings(opts.flags, SETTINGS, ctx.env);
  const clientId = settingValue(settings, 'client-id');
  if (clientId === undefined) throw missingSetting('client-id');
  const dpopKeyPath = settingValue(settings, 'dpop-key');
  const dpopKey =
    dpopKeyPath !== undefined ? await (await import('../../io/dpop-key.js')).loadDpopKey(dpopKeyPath) : undefined;
  const plainHttp = ctx.httpClient({ timeoutSeconds: opts.timeout });
  const { endpoint, metadata } = await resolveEndpoint(plainHttp, {
    issuer: settingValue(settings, 'issuer'),
    endpoint: opts.endpoint,
    field,
    what,
  });
  const client = await resolveClient(ctx, settings, clientId);
  const advertised =
    metadata?.[`${field.replace(/_endpoint$/, '')}_endpoint_auth_methods_supported`] ??
    metadata?.token_endpoint_auth_methods_supported;
  const auth = await authenticateClient(clientAuthMethodFor(client, advertised), client, endpoint);
  let http = plainHttp;
  if (dpopKey) {
    // RFC 9449 needs no proof at these endpoints, but a server may ask for one; it costs nothing to send.
    const { createDpopSession, withDpop } = await import('../../io/dpop-client.js');
    http = withDpop(plainHttp, createDpopSession(dpopKey));
  }
  return { token, http, endpoint, auth, dpopKey };
}

export async function introspect(opts: TokenEndpointOptions, ctx: Context): Promise<CommandResult> {
  const { token, http, endpoint, auth, dpopKey } = await prepare(
    ctx,
    opts,
    'introspection_endpoint',
    'introspection endpoint',
  );
  const { json } = await http.json({
    url: endpoint,
    method: 'POST',
    what: 'introspection endpoint',
    headers: auth.headers,
    form: { ...auth.form, token, token_type_hint: opts.tokenTypeHint },
  });
  // RFC 7662 §2.2: active is REQUIRED; anything but true means the token must not be accepted.
  const checks: Check[] = [
    json.active === true
      ? pass('active', 'the provider says the token is active')
      : fail(
          'active',
          json.active === false
            ? 'the provider says the token is not active (expired, revoked, or never issued to this client)'
            : 'the answer has no boolean "active" (RFC 7662 §2.2 requires it)',
          { actual: json.active },
        ),
  ];
  // RFC 9449 §6.2: the introspection answer of a DPoP-bound token names its key in cnf.jkt.
  const cnf = json.cnf as { jkt?: unknown } | undefined;
  if (dpopKey && json.active === true && (String(json.token_type).toLowerCase() === 'dpop' || cnf?.jkt !== undefined))
    checks.push(checkDpopBinding(json, dpopKey.thumbprint, 'the introspected token'));
  const data = { valid: !checks.some((c) => c.status === 'fail'), endpoint, response: json, checks };
  return {
    data,
    human: (c) =>
      [
        c.style.bold(`Introspection at ${endpoint}`),
        renderClaimsTable(json, c.style, {
          now: ctx.now(),
          ...(c.columns ? { width: c.columns } : {}),
        }),
        renderChecks(checks, c.style),
      ].join('\n'),
  };
}

export async function revoke(opts: TokenEndpointOptions, ctx: Context): Promise<CommandResult> {
  const { token, http, endpoint, auth } = await prepare(ctx, opts, 'revocation_endpoint', 'revocation endpoint');
  const response = await http.request({
    url: endpoint,
    method: 'POST',
    what: 'revocation endpoint',
    headers: auth.headers,
    form: { ...auth.form, token, token_type_hint: opts.tokenTypeHint },
  });
  // RFC 7009 §2.2: 200 whether or not the token was valid; errors use the RFC 6749 §5.2 body.
  if (response.status !== 200) throw errorForStatus(response, 'the revocation endpoint');
  const data = { revoked: true, endpoint, status: response.status };
  return {
    data,
    human: (c) =>
      `${c.style.green('revoked')}: ${endpoint} answered 200 (RFC 7009: also the answer for a token it did not know)`,
  };
}
