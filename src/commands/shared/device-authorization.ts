// The device authorization grant as `token --grant device_code` and `login --device` run it: the
// endpoint from the metadata, the code shown on stderr, Ctrl-C stopping the polling.
import type { Context } from './context.js';
import { advertisedEndpoint, type ProviderMetadata } from '../../io/discovery.js';
import { deviceAuthorizationGrant, type DeviceGrantResult } from '../../io/device-authorization.js';
import type { HttpClient } from '../../io/http.js';
import type { ClientAuthParts } from '../../protocol/client-auth.js';
import type { DeviceAuthorization } from '../../protocol/device-authorization.js';
import { escapeForTerminal } from '../../render/escape.js';

export interface DeviceCodeRequest {
  issuer: string;
  tokenEndpoint: string;
  auth(): Promise<ClientAuthParts>;
  scope?: string | undefined;
  resource?: string[] | undefined;
}

/** The device authorization endpoint, RFC 8628 §4 (exit 2 with the usual hint when not advertised). */
export function deviceAuthorizationEndpoint(metadata: ProviderMetadata, issuer: string): string {
  return advertisedEndpoint(metadata, 'device_authorization_endpoint', { issuer });
}

export async function deviceCodeTokens(
  ctx: Context,
  http: HttpClient,
  metadata: ProviderMetadata,
  req: DeviceCodeRequest,
): Promise<DeviceGrantResult & { deviceAuthorizationEndpoint: string }> {
  const endpoint = deviceAuthorizationEndpoint(metadata, req.issuer);
  const abort = new AbortController();
  const stop = ctx.onInterrupt(() => abort.abort());
  try {
    const result = await deviceAuthorizationGrant(http, {
      deviceAuthorizationEndpoint: endpoint,
      tokenEndpoint: req.tokenEndpoint,
      auth: req.auth,
      scope: req.scope,
      resource: req.resource,
      show: (a) => showUserCode(ctx, a),
      warn: (m) => ctx.warn(m),
      signal: abort.signal,
    });
    return { ...result, deviceAuthorizationEndpoint: endpoint };
  } finally {
    stop();
  }
}

function showUserCode(ctx: Context, a: DeviceAuthorization): void {
  const s = ctx.errStyle;
  // The provider's values reach a terminal: escaped (render/escape.ts).
  ctx.info(
    `${s.bold('To sign in')}, open ${s.cyan(escapeForTerminal(a.verificationUri))} and enter the code ` +
      `${s.bold(escapeForTerminal(a.userCode))}`,
  );
  // On a line of its own, so that it can be copied (or opened by a test playing the person).
  if (a.verificationUriComplete) ctx.info(escapeForTerminal(a.verificationUriComplete));
}
