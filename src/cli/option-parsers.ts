// Option value parsers shared by commands; a bad value is a usage error (exit 2) from commander.
import { InvalidArgumentError } from 'commander';

export function seconds(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number of seconds`);
  return Number(value.trim());
}

/** The longest timer Node.js can set is 2^31-1 ms; a longer one fires at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A duration that becomes a timer (timeouts): more than 0, at most MAX_TIMER_SECONDS. */
export function positiveSeconds(value: string): number {
  const n = seconds(value);
  if (n <= 0) throw new InvalidArgumentError('must be more than 0 seconds');
  if (n > MAX_TIMER_SECONDS)
    throw new InvalidArgumentError(
      `must be at most ${MAX_TIMER_SECONDS} seconds (about 24 days, the longest timer Node.js can set)`,
    );
  return n;
}

/** For repeatable options: --audience a --audience b. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
