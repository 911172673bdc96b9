// The device authorization grant (RFC 8628): reading the device authorization response (§3.2) and
// deciding what each answer of the token endpoint means while polling (§3.5). Pure.

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds the device code lives (§3.2: REQUIRED; 600 when a provider leaves it out). */
  expiresIn: number;
  /** Seconds between polls (§3.2: default 5). */
  interval: number;
}

/** RFC 8628 §3.2, or the one sentence saying what is missing. */
export function parseDeviceAuthorization(json: Record<string, unknown>): DeviceAuthorization | string {
  const { device_code: deviceCode, user_code: userCode } = json;
  // Some providers spell it verification_url (an early draft's name).
  const verificationUri = json.verification_uri ?? json.verification_url;
  if (typeof deviceCode !== 'string' || deviceCode === '')
    return 'the device authorization response has no device_code';
  if (typeof userCode !== 'string' || userCode === '') return 'the device authorization response has no user_code';
  if (typeof verificationUri !== 'string' || verificationUri === '')
    return 'the device authorization response has no verification_uri';
  const seconds = (v: unknown, fallback: number) => {
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    deviceCode,
    userCode,
    verificationUri,
    ...(typeof json.verification_uri_complete === 'string'
      ? { verificationUriComplete: json.verification_uri_complete }
      : {}),
    expiresIn: seconds(json.expires_in, 600),
    interval: seconds(json.interval, 5),
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
export function pollOutcome(status: number, body: Record<string, unknown> | undefined): PollOutcome {
  const error = typeof body?.error === 'string' ? body.error : undefined;
  if (error === 'authorization_pending') return { kind: 'pending' };
  if (error === 'slow_down') return { kind: 'slow_down' };
  if (error === 'expired_token') return { kind: 'expired' };
  if (error !== undefined)
    return {
      kind: 'error',
      error,
      description: typeof body?.error_description === 'string' ? body.error_description : undefined,
    };
  if (status >= 200 && status < 300 && body !== undefined) return { kind: 'tokens' };
  return { kind: 'unreadable' };
}
