// Times made readable: ISO 8601 UTC plus a relative phrase.
import { humanDuration } from '../protocol/duration.js';

export { humanDuration };

export function isoUtc(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return String(epochSeconds);
  return d.toISOString().replace('.000Z', 'Z');
}

/** "in 59 min", "3 h ago"; `expiry` phrases the past as "expired 3 h ago". */
export function relativeTime(epochSeconds: number, nowSeconds: number, opts: { expiry?: boolean } = {}): string {
  const delta = epochSeconds - nowSeconds;
  if (delta === 0) return 'now';
  if (delta > 0) return `in ${humanDuration(delta)}`;
  return `${opts.expiry ? 'expired ' : ''}${humanDuration(delta)} ago`;
}
