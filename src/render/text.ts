// Small text helpers shared by every renderer.

/** Shorten a long value in the middle so both ends stay recognisable. */
export function shortenMiddle(value: string, max = 48): string {
  if (value.length <= max) return value;
  const keep = Math.max(4, Math.floor((max - 1) / 2));
  return `${value.slice(0, keep)}…${value.slice(-keep)}`;
}

/** How a secret is shown without --show-secrets: enough to tell two apart, never enough to use. */
export function redactSecret(value: string, show: boolean): string {
  if (show) return value;
  if (value.length <= 12) return `[redacted, ${value.length} chars]`;
  return `${value.slice(0, 6)}…${value.slice(-4)} [${value.length} chars]`;
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
