// The device authorization grant on the wire (RFC 8628 §3.1–3.5): ask the device authorization
// endpoint for a code, let the caller tell the person where to enter it, then poll the token
// endpoint at the interval until the person has finished, declined, or the code has expired.
// `token --grant device_code` and `login --device` both come through here.
import { NetworkError, ProviderError, UserStepError } from '../errors.js';
import type { ClientAuthParts } from '../protocol/client-auth.js';
import { parseDeviceAuthorization, pollOutcome, type DeviceAuthorization } from '../protocol/device-authorization.js';
import { afterSlowDown, pollDelayMs } from '../protocol/device-polling.js';
import { GRANT_TYPES } from '../protocol/grants.js';
import { parseTokenResponse, type TokenResponse } from '../protocol/token-response.js';
import { errorForStatus, jsonBody, type HttpClient } from './http.js';

export interface DeviceGrantRequest {
  deviceAuthorizationEndpoint: string;
  tokenEndpoint: string;
  /** Client authentication, fresh for each request (a client assertion is single-use). */
  auth(): Promise<ClientAuthParts>;
  scope?: string | undefined;
  resource?: string[] | undefined;
  /** Tell the person where to go and what to enter. */
  show(authorization: DeviceAuthorization): void;
  /** Say what was not used as the provider sent it (an interval out of bounds). */
  warn(message: string): void;
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
  if (typeof authorization === 'string')
    throw new NetworkError(
      'bad_device_response',
      `the device authorization response from ${req.deviceAuthorizationEndpoint} ${authorization}`,
    );
  req.show(authorization);
  if (authorization.interval.adjusted)
    req.warn(`the device authorization response's ${authorization.interval.adjusted}`);
  const { expiresIn } = authorization;
  let interval = authorization.interval.seconds;
  const deadline = Date.now() + expiresIn * 1000;
  for (;;) {
    await sleep(pollDelayMs(interval, deadline - Date.now()), req.signal);
    if (req.signal?.aborted) throw new UserStepError('device_code_expired', 'stopped before the user finished');
    if (Date.now() >= deadline)
      throw new UserStepError(
        'device_code_expired',
        `the device code expired after ${expiresIn} s before the user finished`,
        { hint: 'run again and enter the code sooner' },
      );
    const auth = await req.auth();
    const res = await http.request({
      url: req.tokenEndpoint,
      method: 'POST',
      what: 'token endpoint',
      headers: auth.headers,
      form: { ...auth.form, grant_type: GRANT_TYPES.device_code, device_code: authorization.deviceCode },
    });
    const body = jsonBody(res, 'token endpoint');
    const outcome = pollOutcome(res.status, body);
    switch (outcome.kind) {
      case 'tokens':
        return { authorization, tokens: parseTokenResponse(body as Record<string, unknown>) };
      case 'pending':
        continue;
      case 'slow_down':
        // RFC 8628 §3.5: the interval goes up for this and all later requests.
        interval = afterSlowDown(interval);
        continue;
      case 'expired':
        throw new UserStepError(
          'device_code_expired',
          'the device code expired before the user finished (expired_token)',
          { hint: 'run again and enter the code sooner' },
        );
      case 'error':
        throw new ProviderError(
          { error: outcome.error, error_description: outcome.description },
          `the token endpoint (HTTP ${res.status})`,
        );
      case 'unreadable':
        if (res.status >= 200 && res.status < 300)
          throw new NetworkError(
            'invalid_json',
            `the token endpoint at ${req.tokenEndpoint} answered HTTP ${res.status} ` +
              'without a JSON object while polling',
          );
        // Not an OAuth error body: the provider's fault (exit 3).
        throw errorForStatus(res, 'the token endpoint', body);
    }
  }
}
