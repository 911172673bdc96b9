// Colour decisions per stream (cli-contract.md "Streams"): on for a TTY; off with NO_COLOR,
// --no-color or a pipe; FORCE_COLOR forces them. Everything that paints asks a Style.
import { Chalk, type ChalkInstance } from 'chalk';

export type Style = ChalkInstance;

export function colorLevelFor(stream: { isTTY?: boolean }, flagColor: boolean, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  if (!flagColor) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (!stream.isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM && /256/.test(env.TERM)) return 2;
  return 1;
}

export function makeStyle(level: 0 | 1 | 2 | 3): Style {
  return new Chalk({ level });
}
