// How often a device-flow client polls the token endpoint (RFC 8628 §3.2, §3.5). The provider's
// `interval` is only advice: a negative, tiny or absent one must not turn into a tight loop, and a
// huge one must not mean never polling before the code expires. Pure: numbers in, numbers out.

/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." Also our floor. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const MIN_POLL_INTERVAL_SECONDS = 5;
/** A sane ceiling for the provider's advice: a user who has finished waits at most a minute. */
export const MAX_POLL_INTERVAL_SECONDS = 60;
/** RFC 8628 §3.5: on slow_down "the interval MUST be increased by 5 seconds". */
export const SLOW_DOWN_STEP_SECONDS = 5;
/** RFC 8628 §3.2 makes expires_in REQUIRED; without a usable one, assume the common 10 minutes. */
export const DEFAULT_DEVICE_CODE_LIFETIME_SECONDS = 600;

export interface PollInterval {
  seconds: number;
  /** Set when the provider's value was not used as it was: what was wrong with it. */
  adjusted?: string;
}

/** The interval to start polling with, from the device authorization response's `interval`. */
export function initialPollInterval(advertised: unknown): PollInterval {
  if (advertised === undefined || advertised === null) return { seconds: DEFAULT_POLL_INTERVAL_SECONDS };
  const n = typeof advertised === 'string' && advertised.trim() !== '' ? Number(advertised) : advertised;
  if (typeof n !== 'number' || !Number.isFinite(n))
    return {
      seconds: DEFAULT_POLL_INTERVAL_SECONDS,
      adjusted:
        `interval ${JSON.stringify(advertised)} is not a number of seconds; ` +
        `polling every ${DEFAULT_POLL_INTERVAL_SECONDS} s (RFC 8628 §3.2 default)`,
    };
  if (n < MIN_POLL_INTERVAL_SECONDS)
    return {
      seconds: MIN_POLL_INTERVAL_SECONDS,
      adjusted:
        `interval ${n} s is below the ${MIN_POLL_INTERVAL_SECONDS} s minimum; ` +
        `polling every ${MIN_POLL_INTERVAL_SECONDS} s`,
    };
  if (n > MAX_POLL_INTERVAL_SECONDS)
    return {
      seconds: MAX_POLL_INTERVAL_SECONDS,
      adjusted:
        `interval ${n} s is over the ${MAX_POLL_INTERVAL_SECONDS} s maximum; ` +
        `polling every ${MAX_POLL_INTERVAL_SECONDS} s`,
    };
  return { seconds: Math.ceil(n) };
}

/**
 * The interval after a slow_down answer: 5 s more, for this and every later request (RFC 8628
 * §3.5). Not capped: the provider asked for it, and the wait never outlasts the code (pollDelay).
 */
export function afterSlowDown(current: number): number {
  return current + SLOW_DOWN_STEP_SECONDS;
}

/** How long the device code lives, from `expires_in` (seconds, positive), else the default. */
export function deviceCodeLifetime(expiresIn: unknown): number {
  const n = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : DEFAULT_DEVICE_CODE_LIFETIME_SECONDS;
}

/** The longest delay a timer can hold (2^31-1 ms); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds to wait before the next poll: the interval, but never past the code's expiry. */
export function pollDelayMs(intervalSeconds: number, msUntilExpiry: number): number {
  return Math.max(0, Math.min(intervalSeconds * 1000, msUntilExpiry, MAX_TIMER_MS));
}
