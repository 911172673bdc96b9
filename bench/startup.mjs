// Start-up benchmark (issue 2 item 6, issue 8 item 3): medians of the built CLI against
// `node -e 0` measured in the same run, interleaved, so machine load hits both alike.
// Usage: npm run bench  (or node bench/startup.mjs [--runs N] [--as-is] [--node PATH])
// --node PATH times the CLI and the `node -e 0` baseline on that Node binary (e.g. the Node 26 that
// scripts/node-lines.sh caches in .tmp/node26/bin/node); this script itself runs on any Node.
// Never part of `npm test`: timings are reported here, never asserted.
// On Node >= 22.8 the CLI keeps compiled code between runs (Node's compile cache, src/start.ts);
// the warm-up rounds fill it, so the rows with targets are what a user sees from the second run on.
// The "first run" rows turn it off (NODE_DISABLE_COMPILE_CACHE): what every run costs without it,
// and what every run costs on Node 20, which has no compile cache.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandsInHelp, mintFixture } from '../scripts/fixtures.mjs';
import { startTokenProvider, tokenArgs } from './token-provider.mjs';

const BIN = fileURLToPath(new URL('../bin/oidc-probe.cjs', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const nodeArg = process.argv.indexOf('--node');
const NODE = nodeArg > 0 ? process.argv[nodeArg + 1] : process.execPath;
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = 3;

const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-bench-'));
const env = {
  ...process.env,
  CI: 'true',
  NO_COLOR: '1',
  XDG_CACHE_HOME: join(dir, 'cache'),
  XDG_CONFIG_HOME: join(dir, 'config'),
};
// Variables that change what every Node start costs are left out, for the baseline and the CLI
// alike, unless --as-is: NODE_EXTRA_CA_CERTS makes Node read and parse a CA bundle before any code
// runs (~90 ms on the machines here), which would hide the CLI's own cost in a slower baseline.
const AS_IS = process.argv.includes('--as-is');
const UNSET = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_COMPILE_CACHE'];
const unset = AS_IS ? [] : UNSET.filter((name) => name in env);
for (const name of unset) delete env[name];
const notes = [];
if (unset.length) notes.push(`measured without ${unset.join(', ')} (run with --as-is to keep them)`);
const noCodeCache = { NODE_DISABLE_COMPILE_CACHE: '1' };

function run(args, extraEnv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(NODE, args, {
    env: extraEnv ? { ...env, ...extraEnv } : env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let tokenProvider;
try {
  const version = run(['-p', 'process.versions.node']);
  if (version.status !== 0) throw new Error(`${NODE} does not run: ${version.stderr.trim()}`);
  const help = run([BIN, '--help']);
  if (help.status !== 0)
    throw new Error(`oidc-probe --help exited ${help.status}; run npm run build first\n${help.stderr}`);
  const commands = commandsInHelp(help.stdout);
  const { jwt, jwksPath } = mintFixture(dir);

  const cases = [
    { name: 'node -e 0', args: ['-e', '0'], target: null },
    { name: '--version', args: [BIN, '--version'], target: 1.3 },
    { name: '--help', args: [BIN, '--help'], target: 1.5 },
    { name: 'decode <jwt>', args: [BIN, 'decode', jwt], target: 1.6 },
  ];
  if (commands.has('verify'))
    cases.push({ name: 'verify <jwt> --jwks file', args: [BIN, 'verify', jwt, '--jwks', jwksPath], target: 1.6 });
  else notes.push('verify: no `verify` command in this build; skipped.');
  if (commands.has('token')) {
    try {
      tokenProvider = await startTokenProvider();
      const args = [BIN, ...tokenArgs(tokenProvider.issuer)];
      // Asynchronously: the provider answers from this very process.
      await new Promise((resolve, reject) =>
        execFile(NODE, args, { env, timeout: 60_000 }, (err, _out, stderr) => {
          if (err) reject(new Error(`token exited ${err.code}: ${String(stderr).trim()}`));
          else resolve();
        }),
      );
      // The provider is closed before measuring: a cache hit must need no network at all.
      await tokenProvider.close();
      tokenProvider = undefined;
      cases.push({ name: 'token --output raw (cached)', args, target: 1.6 });
    } catch (err) {
      notes.push(`token: could not fill the token cache (${err.message.split('\n')[0]}); skipped.`);
    }
  } else notes.push('token: no `token` command in this build yet; cached `token --output raw` skipped.');
  cases.push({ name: '--help, first run', args: [BIN, '--help'], target: null, env: noCodeCache });
  cases.push({ name: 'decode <jwt>, first run', args: [BIN, 'decode', jwt], target: null, env: noCodeCache });
  if (commands.has('verify'))
    cases.push({
      name: 'verify, first run',
      args: [BIN, 'verify', jwt, '--jwks', jwksPath],
      target: null,
      env: noCodeCache,
    });

  // Each case must succeed, or its timing would measure an error path.
  for (const c of cases) {
    const r = run(c.args, c.env);
    if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
  }

  const times = new Map(cases.map((c) => [c.name, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const c of cases) {
      const { ms } = run(c.args, c.env);
      if (i >= WARMUP) times.get(c.name).push(ms);
    }
  }

  const base = median(times.get('node -e 0'));
  const rows = cases.map((c) => {
    const m = median(times.get(c.name));
    const ratio = m / base;
    return [
      c.name,
      m.toFixed(1),
      ratio.toFixed(2) + '×',
      c.target ? `≤ ${c.target}×` : '',
      c.target ? (ratio <= c.target ? 'yes' : 'NO') : '',
    ];
  });
  const head = ['case', 'median ms', 'ratio', 'target', 'meets'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(
    `Start-up on Node ${version.stdout.trim()} (${NODE}), ${RUNS} interleaved runs each after ` +
      `${WARMUP} warm-up rounds (medians):\n`,
  );
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log('\nnote: ' + n);
} finally {
  if (tokenProvider) await tokenProvider.close();
  rmSync(dir, { recursive: true, force: true });
}
