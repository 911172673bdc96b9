// Colour decisions per stream (cli-contract.md "Streams"): on for a TTY; off with NO_COLOR,
// --no-color or a pipe; FORCE_COLOR forces them. Everything that paints asks a Style.
import type { ChalkInstance } from 'chalk';

export type Style = ChalkInstance;

// chalk costs ~10 ms at start-up, so it is loaded only when some stream gets colours:
// main.ts calls loadStyles() before a command runs; a pipe or NO_COLOR never loads it.
let chalk: typeof import('chalk') | undefined;

export async function loadStyles(): Promise<void> {
  chalk ??= await import('chalk');
}

/** Without colours every style returns its text unchanged (what chalk does at level 0). */
const MODELS = new Set(['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256']);
const plain: Style = new Proxy(
  function plainStyle(...text: unknown[]) {
    return text.join(' ');
  },
  {
    get(target, prop) {
      if (prop === 'level') return 0;
      if (prop === 'visible') return () => '';
      if (typeof prop === 'string' && MODELS.has(prop)) return () => plain;
      return prop in target ? (target as unknown as Record<string | symbol, unknown>)[prop] : plain;
    },
  },
) as unknown as Style;

export function colorLevelFor(stream: { isTTY?: boolean }, flagColor: boolean, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
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
  if (level === 0) return plain;
  if (!chalk) throw new Error('colours asked for before loadStyles()');
  return new chalk.Chalk({ level });
}
