// `oidc-probe serve` as a user runs it: the built binary in the background, `oidc-probe login`
// (also the binary) against it, defects switched through the control endpoint, Ctrl-C. Only a few
// cases: the whole defect table runs in-process (test/commands/serve/conformance.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFECTS } from '../../src/protocol/provider-defects.js';
import { BIN, runCli } from '../helpers/cli.js';
import { startCli } from '../helpers/cli-session.js';
import { deliverAuthorizationResponse } from '../helpers/user-agent.js';

function isolatedEnv(): Record<string, string | undefined> {
  const home = mkdtempSync(join(tmpdir(), 'oidc-probe-serve-e2e-'));
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    CI: 'true',
  };
}

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `ready` matches the output so far. */
  until(ready: (out: { stdout: string; stderr: string }) => boolean): Promise<void>;
  exit: Promise<number | null>;
}

function startServe(args: string[], env = isolatedEnv()): Running {
  const full = { ...process.env, ...env };
  for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    wake();
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    wake();
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      resolve(code);
      wake();
    }),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  void exit.then(() => clearTimeout(killer));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    until: (ready) =>
      new Promise((resolve, reject) => {
        const look = () => {
          if (ready({ stdout, stderr })) {
            waiters.delete(look);
            resolve();
          } else if (child.exitCode !== null) {
            waiters.delete(look);
            reject(new Error(`serve ended first (exit ${child.exitCode}):\n${stderr}`));
          }
        };
        waiters.add(look);
        look();
      }),
  };
}

async function login(issuer: string, clientId: string) {
  const session = startCli(
    [
      'login',
      '--no-browser',
      '--json',
      '--issuer',
      issuer,
      '--client-id',
      clientId,
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--timeout',
      '30',
    ],
    { env: isolatedEnv() },
  );
  const url = await session.urlLine(`${issuer}/authorize`);
  assert.ok(url, session.stderr());
  await deliverAuthorizationResponse(url);
  const run = await session.done;
  return { ...run, json: JSON.parse(run.stdout) as { valid: boolean; checks: { id: string; status: string }[] } };
}

test('serve in the background, login passes, a defect switched on makes it fail, Ctrl-C exits 130', {
  timeout: 180_000,
}, async () => {
  const serve = startServe(['--auto-approve', '--json']);
  try {
    await serve.until(({ stdout }) => stdout.trimEnd().endsWith('}'));
    const ready = JSON.parse(serve.stdout()) as { issuer: string; clients: { client_id: string }[]; control: string };
    assert.match(ready.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready.clients[0]!.client_id, 'oidc-probe');
    assert.match(serve.stderr(), new RegExp(`oidc-probe login --issuer ${ready.issuer} --client-id oidc-probe`));

    const clean = await login(ready.issuer, 'oidc-probe');
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.json.valid, true);

    const res = await fetch(ready.control, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["iss"]',
    });
    assert.equal(res.status, 200);
    const bad = await login(ready.issuer, 'oidc-probe');
    assert.equal(bad.code, 1, bad.stderr);
    assert.ok(bad.json.checks.some((c) => c.id === 'iss' && c.status === 'fail'));

    // The readable log: each request, its answer, and the defect it carried.
    await serve.until(({ stderr }) => /\/token {2}200 .*defect: iss/.test(stderr));
    assert.match(serve.stderr(), /GET +\/authorize {2}302 {2}code for alice by query/);
    serve.child.kill('SIGINT');
    assert.equal(await serve.exit, 130);
    assert.match(serve.stderr(), /stopped \(SIGINT\); the provider is closed/);
    assert.doesNotMatch(serve.stderr(), /\n\s+at /, 'no stack trace');
  } finally {
    serve.child.kill('SIGKILL');
  }
});

test('--json-log: every stderr line is one JSON object; SIGTERM closes cleanly too', { timeout: 60_000 }, async () => {
  const serve = startServe(['--json-log', '--defect', 'userinfo_sub', '--client', 'app:app-secret']);
  try {
    await serve.until(({ stderr }) => stderr.includes('"event":"ready"'));
    const ready = JSON.parse(serve.stderr().split('\n')[0]!) as { issuer: string; defects: string[] };
    assert.deepEqual(ready.defects, ['userinfo_sub']);
    await fetch(`${ready.issuer}/.well-known/openid-configuration`);
    await serve.until(({ stderr }) => stderr.includes('"event":"request"'));
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exit, 130);
    const lines = serve
      .stderr()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { event: string; path?: string; status?: number });
    assert.deepEqual(
      lines.map((l) => l.event),
      ['ready', 'request', 'stopped'],
    );
    assert.equal(lines[1]!.path, '/.well-known/openid-configuration');
    assert.equal(lines[1]!.status, 200);
  } finally {
    serve.child.kill('SIGKILL');
  }
});

test('bad input is exit 2 with one sentence: a port in use, a malformed --client, an unknown defect', {
  timeout: 60_000,
}, async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const inUse = await runCli(['serve', '--port', String(port)], { env: isolatedEnv() });
    assert.equal(inUse.code, 2, inUse.stderr);
    assert.match(inUse.stderr, new RegExp(`^error: port ${port} is already in use on loopback\\n`));
  } finally {
    taken.close();
  }
  const client = await runCli(['serve', '--client', 'app:secret@not a uri'], { env: isolatedEnv() });
  assert.equal(client.code, 2);
  assert.match(client.stderr, /^error: --client "app:secret@not a uri" is not ID\[:SECRET\]\[@redirect-uri\]/);
  const defect = await runCli(['serve', '--defect', 'iss', '--defect', 'sig_rs512'], { env: isolatedEnv() });
  assert.equal(defect.code, 2);
  assert.match(defect.stderr, /unknown defect "sig_rs512"; valid defects: iss, aud, /);
  for (const r of [client, defect]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('--list-defects names every defect with its rule; --json gives the same as data', async () => {
  const human = await runCli(['serve', '--list-defects'], { env: isolatedEnv() });
  assert.equal(human.code, 0, human.stderr);
  for (const d of DEFECTS) assert.match(human.stdout, new RegExp(`^ {2}${d} +\\S`, 'm'), d);
  assert.match(human.stdout, /at_hash +ID token at_hash does not match the access token; Core 3\.2\.2\.9/);
  const json = await runCli(['serve', '--list-defects', '--json'], { env: isolatedEnv() });
  const doc = JSON.parse(json.stdout) as { defects: { name: string; rule: string }[] };
  assert.deepEqual(doc.defects.map((d) => d.name).sort(), [...DEFECTS].sort());
  assert.ok(doc.defects.every((d) => d.rule.length > 0));
});

test("`oidc-probe discover` finds serve's metadata and keys valid", { timeout: 60_000 }, async () => {
  const serve = startServe(['--json', '--issuer-path', '/realms/test/']);
  try {
    await serve.until(({ stdout }) => stdout.trimEnd().endsWith('}'));
    const { issuer } = JSON.parse(serve.stdout()) as { issuer: string };
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+\/realms\/test\/$/);
    const r = await runCli(['discover', issuer, '--json'], { env: isolatedEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as { valid: boolean; metadata: { issuer: string; token_endpoint: string } };
    assert.equal(doc.valid, true);
    assert.equal(doc.metadata.issuer, issuer);
    assert.equal(doc.metadata.token_endpoint, `${issuer}token`);
  } finally {
    serve.child.kill('SIGKILL');
  }
});

test('serve stays out of the other commands: its code is in serve.cjs, which cli.cjs only requires', () => {
  const bundle = fileURLToPath(new URL('../../../dist/bundle/', import.meta.url));
  const cli = readFileSync(join(bundle, 'cli.cjs'), 'utf8');
  const serve = readFileSync(join(bundle, 'serve.cjs'), 'utf8');
  assert.match(cli, /require\("\.\/serve\.cjs"\)/);
  for (const marker of ['rs256-spare', '_oidc-probe/rotate-keys', 'Submit This Form']) {
    assert.ok(serve.includes(marker), `serve.cjs holds ${marker}`);
    assert.ok(!cli.includes(marker), `cli.cjs does not hold ${marker}`);
  }
});
