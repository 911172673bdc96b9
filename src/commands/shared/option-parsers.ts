// Option value parsers shared by commands; a bad value is a usage error (exit 2) from commander.
import { InvalidArgumentError } from 'commander';

export function seconds(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number of seconds`);
  return Number(value.trim());
}

export function positiveSeconds(value: string): number {
  const n = seconds(value);
  if (n <= 0) throw new InvalidArgumentError('must be more than 0 seconds');
  return n;
}

/** For repeatable options: --audience a --audience b. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
