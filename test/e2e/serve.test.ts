// `oidc-probe serve` as a user runs it: the built binary in the background, `oidc-probe login`
// (also the binary) against it, defects switched through the control endpoint, Ctrl-C. Only a few
// cases: the whole defect table runs in-process (test/commands/serve/conformance.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../helpers/cli.js';
import { isolatedEnv } from '../helpers/in-process.js';
import { loginInProcess } from '../helpers/login-in-process.js';

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `ready` matches the output so far. */
  until(ready: (out: { stdout: string; stderr: string }) => boolean): Promise<void>;
  exit: Promise<number | null>;
}

function startServe(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: isolatedEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

const login = (issuer: string) => loginInProcess({ issuer, clientId: 'oidc-probe', responseType: 'code' });

const issuerIn = (stderr: string) => /^ {2}issuer +(http:\S+)$/m.exec(stderr)?.[1];

test('serve in the background, login passes, a defect switched on makes it fail, Ctrl-C exits 130', {
  timeout: 180_000,
}, async () => {
  const serve = startServe(['--auto-approve']);
  try {
    await serve.until(({ stderr }) => stderr.includes('Ctrl-C stops it.'));
    const issuer = issuerIn(serve.stderr())!;
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(serve.stderr(), new RegExp(`oidc-probe login --issuer ${issuer} --client-id oidc-probe`));

    const clean = await login(issuer);
    assert.equal(clean.exit, 0, clean.stderr);
    assert.equal(clean.result?.valid, true);

    const res = await fetch(`${issuer}/_oidc-probe/defects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["iss"]',
    });
    assert.equal(res.status, 200);
    const bad = await login(issuer);
    assert.equal(bad.exit, 1, bad.stderr);
    assert.ok(bad.result?.checks.some((c) => c.id === 'iss' && c.status === 'fail'));

    // The readable log: each request, its answer, and the defect it carried.
    await serve.until(({ stderr }) => /\/token {2}200 .*defect: iss/.test(stderr));
    assert.match(serve.stderr(), /GET +\/authorize {2}302 {2}code for alice by query/);
    serve.child.kill('SIGINT');
    assert.equal(await serve.exit, 130);
    assert.match(serve.stderr(), /stopped; the provider is closed\nerror: interrupted\n$/);
    assert.doesNotMatch(serve.stderr(), /\n\s+at /, 'no stack trace');
  } finally {
    serve.child.kill('SIGKILL');
  }
});

test('--json-log: one JSON object per line until the run ends; SIGTERM closes it too', {
  timeout: 60_000,
}, async () => {
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
      .filter((l) => l !== '');
    // The run ends as every interrupted run does (cli-contract.md): one error line after the log.
    assert.equal(lines.pop(), 'error: interrupted');
    const events = lines.map((l) => JSON.parse(l) as { event: string; path?: string; status?: number });
    assert.deepEqual(
      events.map((l) => l.event),
      ['ready', 'request', 'stopped'],
    );
    assert.equal(events[1]!.path, '/.well-known/openid-configuration');
    assert.equal(events[1]!.status, 200);
  } finally {
    serve.child.kill('SIGKILL');
  }
});

test('serve stays out of the other commands: the provider is in serve.cjs, which cli.cjs only requires', () => {
  const bundle = fileURLToPath(new URL('../../../dist/bundle/', import.meta.url));
  const cli = readFileSync(join(bundle, 'cli.cjs'), 'utf8');
  const serve = readFileSync(join(bundle, 'serve.cjs'), 'utf8');
  assert.match(cli, /(require|import)\("\.\/serve\.cjs"\)/);
  for (const marker of ['rs256-spare', '_oidc-probe/rotate-keys', 'Submit This Form']) {
    assert.ok(serve.includes(marker), `serve.cjs holds ${marker}`);
    assert.ok(!cli.includes(marker), `cli.cjs does not hold ${marker}`);
  }
  // Only Node's own modules: the installed package has no devDependencies to load.
  const required = [...serve.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
  assert.deepEqual(
    required.filter((r) => !r.startsWith('node:')),
    [],
  );
});
