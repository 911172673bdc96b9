// The device authorization grant (RFC 8628): reading the device authorization response (§3.2) and
// deciding what each answer of the token endpoint means while polling (§3.5). How often to poll
// is device-polling.ts. Pure.
import { deviceCodeLifetime, initialPollInterval, type PollInterval } from './device-polling.js';

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds the device code lives (§3.2: REQUIRED; the default when a provider leaves it out). */
  expiresIn: number;
  /** Seconds between polls, kept within sane bounds (device-polling.ts). */
  interval: PollInterval;
}

/** RFC 8628 §3.2, or what is missing (to follow "the device authorization response from <url>"). */
export function parseDeviceAuthorization(json: Record<string, unknown>): DeviceAuthorization | string {
  const { device_code: deviceCode, user_code: userCode } = json;
  // Some providers spell it verification_url (an early draft's name).
  const verificationUri = json.verification_uri ?? json.verification_url;
  // Without them there is nothing to poll with, or nothing to tell the person (the provider's fault).
  if (typeof deviceCode !== 'string' || deviceCode === '') return 'has no device_code (RFC 8628 §3.2)';
  if (typeof userCode !== 'string' || userCode === '') return 'has no user_code (RFC 8628 §3.2)';
  if (typeof verificationUri !== 'string' || verificationUri === '') return 'has no verification_uri (RFC 8628 §3.2)';
  return {
    deviceCode,
    userCode,
    verificationUri,
    ...(typeof json.verification_uri_complete === 'string'
      ? { verificationUriComplete: json.verification_uri_complete }
      : {}),
    expiresIn: deviceCodeLifetime(json.expires_in),
    interval: initialPollInterval(json.interval),
  };
}

export type PollOutcome =
  | { kind: 'tokens' }
  /** §3.5 authorization_pending: ask again after the interval. */
  | { kind: 'pending' }
  /** §3.5 slow_down: ask again, 5 seconds more between polls from now on. */
  | { kind: 'slow_down' }
  /** §3.5 expired_token: start over. */
  | { kind: 'expired' }
  /** §3.5 access_denied and any other OAuth error. */
  | { kind: 'error'; error: string; description?: string | undefined }
  /** Neither tokens nor an OAuth error. */
  | { kind: 'unreadable' };

/**
 * What a token endpoint answer means while polling. The error member decides, whatever the status:
 * some providers answer authorization_pending with HTTP 200 (RFC 6749 §5.2 says 400).
 */
export function pollOutcome(status: number, body: unknown): PollOutcome {
  const object =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const error = typeof object?.error === 'string' ? object.error : undefined;
  if (error === 'authorization_pending') return { kind: 'pending' };
  if (error === 'slow_down') return { kind: 'slow_down' };
  if (error === 'expired_token') return { kind: 'expired' };
  if (error !== undefined)
    return {
      kind: 'error',
      error,
      description: typeof object?.error_description === 'string' ? object.error_description : undefined,
    };
  if (status >= 200 && status < 300 && object !== undefined) return { kind: 'tokens' };
  return { kind: 'unreadable' };
}
