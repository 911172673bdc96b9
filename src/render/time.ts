// Times made readable: ISO 8601 UTC plus a relative phrase.

export function isoUtc(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return String(epochSeconds);
  return d.toISOString().replace('.000Z', 'Z');
}

export function humanDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400 * 2) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  if (s < 86400 * 365 * 2) return `${Math.round(s / 86400)} days`;
  return `${Math.round(s / (86400 * 365))} years`;
}

/** "in 59 min", "3 h ago"; `expiry` phrases the past as "expired 3 h ago". */
export function relativeTime(epochSeconds: number, nowSeconds: number, opts: { expiry?: boolean } = {}): string {
  const delta = epochSeconds - nowSeconds;
  if (delta === 0) return 'now';
  if (delta > 0) return `in ${humanDuration(delta)}`;
  return `${opts.expiry ? 'expired ' : ''}${humanDuration(delta)} ago`;
}
