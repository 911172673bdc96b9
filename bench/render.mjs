// Rendering benchmark (issue 13 item 13, issue 18 "the table renderer"): how long the human views
// take to draw, against the JSON of the same data drawn in the same process (the --json path).
// Usage: npm run build && node bench/render.mjs [--runs N] [--groups N] [--depth N] [--width N]
//        [--only groups|nested|login|e2e] [--timeout seconds-per-case]
// Never part of `npm test`: timings are reported here, never asserted.
//
// Each case runs in a fresh Node process, so "first" is what a command pays: the one draw it makes,
// with the renderer's code not yet optimised (the modules are loaded before the clock starts).
// "warm" is the median of the draws after it. The end-to-end rows run the built CLI, `decode`
// against `decode --json`, interleaved, so machine load hits both alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintFixture } from '../scripts/fixtures.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 31);
const GROUPS = arg('--groups', 1000);
const DEPTH = arg('--depth', 100);
const WIDTH = arg('--width', 80);
const CHILD_TIMEOUT_MS = arg('--timeout', 120) * 1000;
const PROCESSES = arg('--processes', 5);
const DIST = new URL('../dist/src/', import.meta.url);
const BIN = fileURLToPath(new URL('../bin/oidc-probe.cjs', import.meta.url));
const NOW = 1_800_000_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims) => `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}.c2lnbmF0dXJl`;
const base = {
  iss: 'https://login.example.com/tenant/v2.0',
  sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
  aud: 'c1',
};

function groupsToken(n) {
  // Entra ID puts group object ids (GUIDs) in `groups`; 200 of them make an 11 KB ID token.
  const groups = Array.from({ length: n }, (_, i) => `${String(i).padStart(8, '0')}-4e1f-4b6a-9c1d-2f4e5a6b7c8d`);
  return jwt({ ...base, exp: NOW + 3600, iat: NOW, groups });
}
function nestedToken(depth) {
  let value = { leaf: 'x' };
  for (let i = depth - 1; i >= 0; i--) value = { [`level${i}`]: value };
  return jwt({ ...base, exp: NOW + 3600, nested: value });
}

// ---- child: one case, fresh process ------------------------------------------------------------
async function child(name, width) {
  const load = (path) => import(new URL(path, DIST).href);
  const [{ renderDecoded, renderClaimsTable }, { renderChecks }, { makeStyle, loadStyles }, { decodeJwt }] =
    await Promise.all([
      load('render/jwt-tables.js'),
      load('render/checks.js'),
      load('render/style.js'),
      load('protocol/jwt.js'),
    ]);
  // The view the decode command draws.
  const { decodeView } = await load('commands/decode/run.js');
  await loadStyles();
  const style = makeStyle(process.env.BENCH_COLOR === '1' ? 1 : 0);
  const opts = { now: NOW, ...(width ? { width } : {}) };
  let draw;
  let data;
  if (name === 'login') {
    const login = JSON.parse(readFileSync(new URL('fixtures/login.json', import.meta.url), 'utf8'));
    data = { checks: login.checks, claims: login.id_token_claims };
    draw = () =>
      renderChecks(login.checks, style, { title: 'Checks', showSource: true, ...(width ? { width } : {}) }) +
      '\n' +
      renderClaimsTable(login.id_token_claims, style, opts);
  } else {
    data = decodeView(decodeJwt(name === 'groups' ? groupsToken(GROUPS) : nestedToken(DEPTH)));
    draw = () => renderDecoded(data, style, opts);
  }
  const time = (f) => {
    const start = process.hrtime.bigint();
    const out = f();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, out };
  };
  const first = time(draw);
  const firstJson = time(() => JSON.stringify(data, null, 2));
  const warm = [];
  const json = [];
  const runs = first.ms > 1000 ? 0 : RUNS;
  for (let i = 0; i < runs; i++) {
    warm.push(time(draw).ms);
    json.push(time(() => JSON.stringify(data, null, 2)).ms);
  }
  const lines = first.out.split('\n');
  const widest = Math.max(...lines.map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').length));
  process.stdout.write(
    JSON.stringify({
      first: first.ms,
      firstJson: firstJson.ms,
      warm: runs ? median(warm) : null,
      json: runs ? median(json) : null,
      lines: lines.length,
      widest,
    }),
  );
}

// ---- parent ------------------------------------------------------------------------------------
function runChild(name, width, color) {
  const args = ['--child', name, '--width', width, '--groups', GROUPS, '--depth', DEPTH, '--runs', RUNS].map(String);
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    env: { ...process.env, BENCH_COLOR: color ? '1' : '0' },
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 1 << 26,
  });
  if (r.error?.code === 'ETIMEDOUT') return { timeout: true };
  if (r.status !== 0) throw new Error(`bench child ${name} exited ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

let cacheDir;

/** `args` and `args --json` through the built CLI, interleaved, after warm-up runs that fill its code cache. */
function endToEnd(args, runs) {
  const env = { ...process.env, NO_COLOR: '1', CI: 'true', XDG_CACHE_HOME: cacheDir, XDG_CONFIG_HOME: cacheDir };
  // Left out, as in bench/startup.mjs: they change what every Node start costs, not what rendering does.
  for (const name of ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_DISABLE_COMPILE_CACHE']) delete env[name];
  const once = (extra) => {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, ...args, ...extra], { env, timeout: CHILD_TIMEOUT_MS });
    if (r.error) return Number.POSITIVE_INFINITY;
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < 2; i++) {
    once([]);
    once(['--json']);
  }
  const human = [];
  const json = [];
  for (let i = 0; i < runs; i++) {
    human.push(once([]));
    json.push(once(['--json']));
    if (human.at(-1) === Number.POSITIVE_INFINITY) break;
  }
  return { human: median(human), json: median(json) };
}

const ms = (x) => (x === null || x === undefined ? '—' : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}×` : '—');

/** The same case in several fresh processes: medians of their first draws and of their warm medians. */
function inProcessRow(c, width, color) {
  const results = [];
  for (let i = 0; i < PROCESSES; i++) {
    const r = runChild(c.name, width, color);
    if (r.timeout) return { timeout: true };
    results.push(r);
    if (r.first > 1000) break; // one sample of something this slow is enough
  }
  const pick = (key) => (results.every((r) => r[key] !== null) ? median(results.map((r) => r[key])) : null);
  return { ...results[0], first: pick('first'), warm: pick('warm'), json: pick('json') };
}

function inProcess(cases) {
  console.log(
    `rendering in-process: median over ${PROCESSES} fresh processes of the first draw and of the warm median ` +
      `(${RUNS} draws); JSON = JSON.stringify of the same data\n`,
  );
  console.log('| case | width | colours | first draw | warm | JSON warm | warm / JSON | lines | widest |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    for (const [width, color] of [
      [0, false],
      [WIDTH, false],
      [WIDTH, true],
    ]) {
      const r = inProcessRow(c, width, color);
      const row = [c.label, width || 'none', color ? 'on' : 'off'];
      if (r.timeout) row.push(`> ${CHILD_TIMEOUT_MS / 1000} s`, '—', '—', '—', '—', '—');
      else row.push(ms(r.first), ms(r.warm), ms(r.json), ratio(r.warm, r.json), r.lines, r.widest);
      console.log(`| ${row.join(' | ')} |`);
    }
  }
}

function endToEndRows() {
  const runs = Math.max(3, Math.min(RUNS, 15));
  const login = JSON.parse(readFileSync(new URL('fixtures/login.json', import.meta.url), 'utf8'));
  // The fixture's own issuer, audience and times replace the demo's, so the token verifies.
  const { iss, aud, exp, iat, ...claims } = login.id_token_claims;
  const { jwt: idToken, jwksPath, payload } = mintFixture(cacheDir, claims);
  const verify = ['verify', idToken, '--jwks', jwksPath, '--issuer', 'https://issuer.example'];
  console.log(`\nend to end, the built CLI (median of ${runs}, interleaved, no colours, piped)\n`);
  console.log('| command | human | `--json` | difference | ratio |');
  console.log('|---|---|---|---|---|');
  for (const [label, args] of [
    [`decode, ${GROUPS} groups`, ['decode', groupsToken(GROUPS)]],
    [`decode, ${DEPTH}-deep nesting`, ['decode', nestedToken(DEPTH)]],
    ['verify, the demo login ID token (header, claims, checks tables)', [...verify, '--audience', payload.aud]],
  ]) {
    const r = endToEnd(args, runs);
    console.log(`| ${label} | ${ms(r.human)} | ${ms(r.json)} | ${ms(r.human - r.json)} | ${ratio(r.human, r.json)} |`);
  }
}

if (process.argv.includes('--child')) {
  await child(process.argv[process.argv.indexOf('--child') + 1], WIDTH || undefined);
} else {
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
  const cases = [
    { name: 'groups', label: `decode, ${GROUPS} groups` },
    { name: 'nested', label: `decode, ${DEPTH}-deep nesting` },
    { name: 'login', label: 'login checks + ID token claims tables' },
  ].filter((c) => !only || c.name === only);
  cacheDir = mkdtempSync(join(tmpdir(), 'oidc-probe-render-bench-'));
  try {
    if (cases.length) inProcess(cases);
    if (!only || only === 'e2e') endToEndRows();
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
