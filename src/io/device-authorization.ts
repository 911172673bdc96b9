// The device authorization grant on the wire (RFC 8628 §3.1–3.5): ask the device authorization
// endpoint for a code, let the caller tell the person where to enter it, then poll the token
// endpoint at the interval until the person has finished, declined, or the code has expired.
// `token --grant device_code` and `login --device` both come through here.
import { NetworkError, ProviderError, UserStepError } from '../errors.js';
import type { ClientAuthParts } from '../protocol/client-auth.js';
import { parseDeviceAuthorization, pollOutcome, type DeviceAuthorization } from '../protocol/device-authorization.js';
import { GRANT_TYPES } from '../protocol/grants.js';
import { parseTokenResponse, type TokenResponse } from '../protocol/token-response.js';
import type { HttpClient } from './http.js';

export interface DeviceGrantRequest {
  deviceAuthorizationEndpoint: string;
  tokenEndpoint: string;
  /** Client authentication, fresh for each request (a client assertion is single-use). */
  auth(): Promise<ClientAuthParts>;
  scope?: string | undefined;
  resource?: string[] | undefined;
  /** Tell the person where to go and what to enter. */
  show(authorization: DeviceAuthorization): void;
  /** Stops the polling (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

export interface DeviceGrantResult {
  authorization: DeviceAuthorization;
  tokens: TokenResponse;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export async function deviceAuthorizationGrant(http: HttpClient, req: DeviceGrantRequest): Promise<DeviceGrantResult> {
  const a = await req.auth();
  const { json } = await http.json<Record<string, unknown>>({
    url: req.deviceAuthorizationEndpoint,
    method: 'POST',
    what: 'device authorization endpoint',
    headers: a.headers,
    form: { ...a.form, scope: req.scope, resource: req.resource },
  });
  const authorization = parseDeviceAuthorization(json);
  if (typeof authorization === 'string') throw new NetworkError('bad_device_response', authorization);
  req.show(authorization);
  const { expiresIn } = authorization;
  let interval = authorization.interval;
  const deadline = Date.now() + expiresIn * 1000;
  for (;;) {
    if (Date.now() >= deadline)
      throw new UserStepError(
        'device_code_expired',
        `the device code expired after ${expiresIn} s before the user finished`,
        { hint: 'run again and enter the code sooner' },
      );
    await sleep(interval * 1000, req.signal);
    if (req.signal?.aborted) throw new UserStepError('device_code_expired', 'stopped before the user finished');
    const auth = await req.auth();
    const res = await http.request({
      url: req.tokenEndpoint,
      method: 'POST',
      what: 'token endpoint',
      headers: auth.headers,
      form: { ...auth.form, grant_type: GRANT_TYPES.device_code, device_code: authorization.deviceCode },
    });
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(res.body.toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        body = parsed as Record<string, unknown>;
    } catch {
      /* not JSON: unreadable below */
    }
    const outcome = pollOutcome(res.status, body);
    switch (outcome.kind) {
      case 'tokens':
        return { authorization, tokens: parseTokenResponse(body!) };
      case 'pending':
        continue;
      case 'slow_down':
        interval += 5; // RFC 8628 §3.5
        continue;
      case 'expired':
        throw new UserStepError(
          'device_code_expired',
          'the device code expired before the user finished (expired_token)',
          { hint: 'run again and enter the code sooner' },
        );
      case 'error':
        throw new ProviderError({ error: outcome.error, error_description: outcome.description }, 'the token endpoint');
      case 'unreadable':
        throw new NetworkError('bad_device_poll', `the token endpoint answered HTTP ${res.status} while polling`);
    }
  }
}
