// What introspect (RFC 7662) and revoke (RFC 7009) share: a token, the client's authentication and
// the endpoint from discovery or --endpoint, with DPoP proofs when a key is given.
import type { Context } from './context.js';
import type { Flags } from './settings.js';
import { missingSetting, resolveCommandSettings, settingValue } from './settings.js';
import { UsageError } from '../../errors.js';
import { authenticateClient, CLIENT_SETTING_NAMES, clientAuthMethodFor, resolveClient } from './client.js';
import { resolveEndpoint } from './provider-endpoint.js';
import { readTokenArgument } from '../../io/input.js';
import { cleanTokenInput } from '../../protocol/jwt.js';
import { dpopKeySetting, withDpopProofs } from './key-settings.js';

/** The options of introspect and revoke (commands/shared/options.ts tokenEndpointCommand). */
export interface TokenEndpointOptions {
  token: string | undefined;
  endpoint?: string;
  tokenTypeHint?: string;
  timeout: number;
  dpopKey?: string;
  flags: Flags;
}

const SETTINGS = ['issuer', 'client-id', ...CLIENT_SETTING_NAMES, 'dpop-key'] as const;

/** The token, an HTTP client (with DPoP when asked), the endpoint and the client authentication. */
export async function prepareTokenEndpointCall(ctx: Context, opts: TokenEndpointOptions, field: string, what: string) {
  const token = cleanTokenInput(await readTokenArgument(opts.token, ctx));
  if (!token) throw new UsageError('no_input', 'the token is empty');
  const settings = await resolveCommandSettings(opts.flags, SETTINGS, ctx.env);
  const clientId = settingValue(settings, 'client-id');
  if (clientId === undefined) throw missingSetting('client-id');
  const dpopKey = await dpopKeySetting(settings);
  const plainHttp = ctx.httpClient({ timeoutSeconds: opts.timeout });
  const { endpoint, metadata } = await resolveEndpoint(plainHttp, {
    issuer: settingValue(settings, 'issuer'),
    endpoint: opts.endpoint,
    field,
    what,
  });
  const client = await resolveClient(ctx, settings, clientId);
  const advertised = metadata?.[`${field}_auth_methods_supported`] ?? metadata?.token_endpoint_auth_methods_supported;
  const auth = await authenticateClient(clientAuthMethodFor(client, advertised), client, endpoint);
  // RFC 9449 needs no proof at these endpoints, but a server may ask for one; it costs nothing to send.
  const http = await withDpopProofs(plainHttp, dpopKey);
  return { token, http, endpoint, auth, dpopKey };
}
