// What a run of the built binary loaded, reported on stderr at exit by a preloaded probe: every file
// Node's CommonJS loader opened under node_modules or dist/, and every Node built-in. Start-up stays
// light only while the modules a command does not need stay unloaded; these tests say which.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.js';

const LOAD_PROBE = `const Module = require('node:module'); const load = Module._load; const seen = new Set();
Module._load = function (request, parent, isMain) { const r = load.apply(this, arguments);
  try { const f = Module._resolveFilename(request, parent, isMain);
    if (/\\/(node_modules|dist)\\//.test(f)) seen.add(f); } catch {}
  return r; };
process.on('exit', () => {
  const builtins = [...process.moduleLoadList];
  const lines = [...[...seen].map((f) => 'FILE ' + f), ...builtins.map((m) => 'BUILTIN ' + m)];
  // Not process.stderr: setting it up on a pipe would itself load node:net and node:stream.
  require('node:fs').writeSync(2, lines.join('\\n') + '\\n'); });`;

export interface Loads {
  status: number | null;
  stdout: string;
  files: string[];
  builtins: Set<string>;
}

/**
 * Runs the binary with `args`, stdout and stderr pipes (stdout /dev/null with `toDevNull`); `env` on
 * top of the test's (own XDG cache unless given).
 */
export function loadsOf(args: string[], env: Record<string, string> = {}, opts: { toDevNull?: boolean } = {}): Loads {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-loads-'));
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, LOAD_PROBE);
  const r = spawnSync(process.execPath, ['--require', probe, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, 'cache'), ...env },
    stdio: ['ignore', opts.toDevNull ? openSync('/dev/null', 'w') : 'pipe', 'pipe'],
  });
  return {
    status: r.status,
    stdout: r.stdout ?? '',
    files: [...r.stderr.matchAll(/^FILE (.+)$/gm)].map((m) => m[1]!),
    builtins: new Set([...r.stderr.matchAll(/^BUILTIN NativeModule (\S+)$/gm)].map((m) => m[1]!)),
  };
}
