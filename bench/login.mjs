// Login benchmark (issue 18): the whole `oidc-probe login` against a minimal openid-client script
// doing the same flow (bench/openid-client-login.mjs), on the demo provider, with the demo's HTTP
// user agent playing the user. Runs alternate (json, tables, openid-client, json, …) so machine load
// hits all alike; medians, and pair-by-pair ratios to the openid-client run of the same round.
// Usage: npm run bench  (or node bench/login.mjs [--runs N] [--node PATH] [--bin PATH]; after npm run build)
// Per run:
// - wall: the process from exec to exit (bash's `time`, which also gives the CPU time);
// - start → URL: from the spawn until the authorization URL is on stderr (start-up, discovery…);
// - callback → exit: from the user agent sending the authorization response to the listener until
//   the process has exited: what the user waits for once the browser is back;
// - output → exit: from the last bytes on stdout until the process has exited;
// - CPU: user + system time of the process, every thread (V8 compiles on helper threads).
// Never part of `npm test`: timings are reported here, never asserted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
// --bin PATH: another build's bin/oidc-probe.cjs (a before/after comparison), this build's by default.
const BIN = arg('--bin') ?? join(ROOT, 'bin/oidc-probe.cjs');
const YARDSTICK = join(ROOT, 'bench/openid-client-login.mjs');
const NODE = arg('--node') ?? process.execPath;
const RUNS = Number(arg('--runs') ?? process.env.BENCH_RUNS ?? 15);
const WARMUP = 2;
const TARGETS = { callbackToExit: 40, wallRatio: 1.0, render: 2 };

const { startDemoProvider, DEMO_CONFIDENTIAL_CLIENT, DEMO_CLIENT_SECRET, DEMO_USER } = await import(
  '../dist/demo/provider.js'
).catch((err) => {
  throw err.code === 'ERR_MODULE_NOT_FOUND'
    ? new Error('bench/login.mjs needs the built demo: run npm run build first')
    : err;
});
const { signInThroughForms } = await import('../dist/demo/http-user-agent.js');

const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-bench-login-'));
const env = {
  ...process.env,
  CI: 'true',
  NO_COLOR: '1',
  XDG_CACHE_HOME: join(dir, 'cache'),
  XDG_CONFIG_HOME: join(dir, 'config'),
  OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET,
};
// As in bench/startup.mjs: what changes every Node start is left out, for all sides alike.
const UNSET = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_COMPILE_CACHE'];
const unset = UNSET.filter((name) => name in env);
for (const name of unset) delete env[name];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const MARK = '@@bench-time';
/** One sign-in: the process started, the URL signed in to, its timings. */
function signIn(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // bash's `time` reports the child's own real, user and system time (getrusage of the child).
    const child = spawn('bash', ['-c', `TIMEFORMAT='${MARK} %3R %3U %3S'; time "$@"`, 'bench', NODE, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let urlAt;
    let callbackAt;
    let outputAt;
    let signInError;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      outputAt = performance.now();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (urlAt !== undefined) return;
      const url = /^\s*(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/m.exec(stderr)?.[1];
      if (!url) return;
      urlAt = performance.now();
      signInThroughForms(url, DEMO_USER, { beforeCallback: () => (callbackAt = performance.now()) }).catch((err) => {
        signInError = err;
        child.kill('SIGINT');
      });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const exitAt = performance.now();
      const times = new RegExp(`${MARK} ([\\d.]+) ([\\d.]+) ([\\d.]+)`).exec(stderr);
      if (signInError) return reject(new Error(`the sign-in failed: ${signInError.message}`));
      if (code !== 0 || !times || callbackAt === undefined)
        return reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
      resolve({
        stdout,
        wall: Number(times[1]) * 1000,
        cpu: (Number(times[2]) + Number(times[3])) * 1000,
        toUrl: urlAt - started,
        callbackToExit: exitAt - callbackAt,
        outputToExit: exitAt - (outputAt ?? exitAt),
      });
    });
  });
}

const op = await startDemoProvider();
try {
  const probe = (...extra) => [
    BIN,
    'login',
    '--issuer',
    op.issuer,
    '--client-id',
    DEMO_CONFIDENTIAL_CLIENT,
    '--no-browser',
    '--redirect-uri',
    'http://127.0.0.1:0/callback',
    ...extra,
  ];
  const cases = [
    { name: 'oidc-probe login --json', args: probe('--json') },
    { name: 'oidc-probe login (tables)', args: probe() },
    { name: 'openid-client script', args: [YARDSTICK, op.issuer, DEMO_CONFIDENTIAL_CLIENT] },
  ];
  const version = spawnSync(NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  const results = new Map(cases.map((c) => [c.name, []]));
  let jsonResult;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const c of cases) {
      const r = await signIn(c.args);
      if (c === cases[0]) jsonResult = r.stdout;
      if (i >= WARMUP) results.get(c.name).push(r);
    }
  }

  const yardstick = results.get(cases[2].name);
  const metrics = [
    ['wall', 'wall ms'],
    ['toUrl', 'start → URL ms'],
    ['callbackToExit', 'callback → exit ms'],
    ['outputToExit', 'output → exit ms'],
    ['cpu', 'CPU ms'],
  ];
  const rows = cases.map((c) => {
    const rs = results.get(c.name);
    const row = [c.name];
    for (const [key] of metrics) {
      const m = median(rs.map((r) => r[key]));
      const ratio = median(rs.map((r, i) => r[key] / yardstick[i][key]));
      row.push(c === cases[2] ? m.toFixed(1) : `${m.toFixed(1)} (${ratio.toFixed(2)}×)`);
    }
    return row;
  });
  const head = ['', ...metrics.map(([, label]) => label)];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(
    `Login on Node ${version} (${NODE}), demo provider, ${RUNS} alternating rounds after ${WARMUP} warm-up rounds; ` +
      'medians, and (in brackets) the median of the pair-by-pair ratios to the openid-client run of the same round:\n',
  );
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));

  const json = results.get(cases[0].name);
  const toExit = median(json.map((r) => r.callbackToExit));
  const wallRatio = median(json.map((r, i) => r.wall / yardstick[i].wall));
  const render = renderTimes(jsonResult);
  console.log('');
  const verdict = (ok) => (ok ? 'yes' : 'NO');
  console.log(
    `targets: login --json callback → exit ≤ ${TARGETS.callbackToExit} ms: ${toExit.toFixed(1)} ms ` +
      `(${verdict(toExit <= TARGETS.callbackToExit)}); ` +
      `wall ≤ ${TARGETS.wallRatio}× openid-client: ${wallRatio.toFixed(2)}× ` +
      `(${verdict(wallRatio <= TARGETS.wallRatio)})`,
  );
  console.log(
    `tables of a login (renderLogin, in a fresh process, modules loaded): first draw ${render.first.toFixed(2)} ms, ` +
      `then ${render.again.toFixed(2)} ms (target ≤ ${TARGETS.render} ms: ${verdict(render.first <= TARGETS.render)})`,
  );
  if (unset.length) console.log(`\nnote: measured without ${unset.join(', ')}`);
} finally {
  await op.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The human view of this bench's login result (renderLogin: request, response, token, claims,
 * identity and checks tables), drawn in fresh processes: the first draw is what a login pays (the
 * renderer's code not yet optimised; modules loaded before the clock starts); medians over 7.
 */
function renderTimes(resultJson) {
  const file = join(dir, 'login-result.json');
  writeFileSync(file, resultJson);
  // With Node's compile cache where the CLI has it (Node >= 22.8), filled by the first process.
  const script = `
    require('node:module').enableCompileCache?.(${JSON.stringify(join(dir, 'render-code-cache'))});
    const { renderLogin } = await import(${JSON.stringify(join(ROOT, 'dist/src/commands/login/render.js'))});
    const { makeStyle } = await import(${JSON.stringify(join(ROOT, 'dist/src/render/style.js'))});
    const result = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'));
    const front = { channel: result.callback.channel,
      parameters: result.callback.parameters.map((p) => ({ ...p, value: result.callback.params[p.name] })) };
    const draw = () => renderLogin({ result, front }, makeStyle(0), { showSecrets: false });
    let t = performance.now(); draw(); const first = performance.now() - t;
    const again = [];
    for (let i = 0; i < 21; i++) { t = performance.now(); draw(); again.push(performance.now() - t); }
    again.sort((a, b) => a - b);
    console.log(JSON.stringify({ first, again: again[10] }));`;
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const r = spawnSync(NODE, ['--input-type=commonjs', '-e', `(async () => {${script}})()`], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`rendering the login failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout));
  }
  return { first: median(runs.map((r) => r.first)), again: median(runs.map((r) => r.again)) };
}
