// introspect and revoke: a token and client authentication to a provider endpoint.
import type { Command } from 'commander';
import type { Context } from '../shared/context.js';
import type { TokenEndpointCliOptions } from './options.js';
import type { CommandResult } from '../shared/run-command.js';
import {
  checkAuthMethod,
  missingSetting,
  resolveClientSecret,
  resolveCommandSettings,
  settingValue,
} from '../shared/settings.js';
import { UsageError } from '../../errors.js';
import { authenticateClient } from '../shared/client-authentication.js';
import { resolveEndpoint } from '../shared/provider-endpoint.js';
import { errorForStatus } from '../../io/http.js';
import { httpClientFor } from '../../io/http-setup.js';
import { readTokenArgument } from '../../io/input.js';
import { loadPrivateKeyFile } from '../../io/keys.js';
import { fail, pass, type Check } from '../../protocol/checks.js';
import { defaultClientAuthMethod } from '../../protocol/client-auth.js';
import { cleanTokenInput } from '../../protocol/jwt.js';
import { renderChecks } from '../../render/checks.js';
import { renderClaimsTable } from '../../render/jwt-tables.js';

const SETTINGS = [
  'issuer',
  'client-id',
  'client-secret',
  'client-secret-file',
  'auth-method',
  'private-key',
  'signing-alg',
] as const;

async function prepare(
  ctx: Context,
  cmd: Command,
  tokenArg: string | undefined,
  opts: TokenEndpointCliOptions,
  field: string,
  what: string,
) {
  const token = cleanTokenInput(await readTokenArgument(tokenArg));
  if (!token) throw new UsageError('no_input', 'the token is empty');
  const settings = await resolveCommandSettings(cmd, SETTINGS);
  const clientId = settingValue(settings, 'client-id');
  if (clientId === undefined) throw missingSetting('client-id');
  const http = httpClientFor(ctx, { timeoutSeconds: opts.timeout });
  const { endpoint, metadata } = await resolveEndpoint(http, {
    issuer: settingValue(settings, 'issuer'),
    endpoint: opts.endpoint,
    field,
    what,
  });
  const clientSecret = await resolveClientSecret(settings);
  const advertised =
    metadata?.[`${field.replace(/_endpoint$/, '')}_endpoint_auth_methods_supported`] ??
    metadata?.token_endpoint_auth_methods_supported;
  const method =
    checkAuthMethod(settingValue(settings, 'auth-method')) ??
    defaultClientAuthMethod(
      clientSecret !== undefined,
      Array.isArray(advertised) ? (advertised as string[]) : undefined,
    );
  const privateKeyPath = settingValue(settings, 'private-key');
  const auth = await authenticateClient(
    method,
    {
      clientId,
      clientSecret,
      privateKey: privateKeyPath ? await loadPrivateKeyFile(privateKeyPath) : undefined,
      signingAlg: settingValue(settings, 'signing-alg'),
    },
    endpoint,
  );
  return { token, http, endpoint, auth };
}

export async function introspectCommand(
  ctx: Context,
  cmd: Command,
  tokenArg: string | undefined,
  opts: TokenEndpointCliOptions,
): Promise<CommandResult> {
  const { token, http, endpoint, auth } = await prepare(
    ctx,
    cmd,
    tokenArg,
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
  const data = { valid: !checks.some((c) => c.status === 'fail'), endpoint, response: json, checks };
  return {
    data,
    human: (c) =>
      [
        c.style.bold(`Introspection at ${endpoint}`),
        renderClaimsTable(json, c.style, {
          now: Math.floor(Date.now() / 1000),
          ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
        }),
        renderChecks(checks, c.style),
      ].join('\n'),
  };
}

export async function revokeCommand(
  ctx: Context,
  cmd: Command,
  tokenArg: string | undefined,
  opts: TokenEndpointCliOptions,
): Promise<CommandResult> {
  const { token, http, endpoint, auth } = await prepare(
    ctx,
    cmd,
    tokenArg,
    opts,
    'revocation_endpoint',
    'revocation endpoint',
  );
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
