// Durations in words, the one wording for check messages and tables alike: "45 s", "12 min",
// "1 h 30 min", "3 days", "2 years". The sign is dropped; callers say "ago" or "in".

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
