// A person at a terminal is asked for what is missing; a script is not (it gets exit 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoProvider, DEMO_PUBLIC_CLIENT, type DemoProvider } from '../../demo/provider.js';
import { BIN, runBinary as runCli } from '../helpers/cli.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
let op: DemoProvider;
before(async () => {
  op = await startDemoProvider();
});
after(async () => {
  await op.close();
});

test('in CI a missing issuer is a usage error naming the flag and the environment variable', async () => {
  const r = await runCli(['login', '--client-id', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--issuer.*OIDC_PROBE_ISSUER/);
  assert.equal(r.stdout, '');
});

async function answerPromptsAtATerminal(extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', ...extraEnv };
  delete env.CI;
  const cmd = `${process.execPath} ${BIN} login --no-browser --redirect-uri http://127.0.0.1:0/callback --timeout 3`;
  // util-linux `script` gives the command a pseudo-terminal, as a person's shell would.
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const seen = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never saw ${re} in:\n${screen}`)), 20_000);
      const look = () => {
        if (re.test(screen)) {
          clearTimeout(timer);
          child.stdout.off('data', look);
          resolve();
        }
      };
      child.stdout.on('data', look);
      look();
    });
  child.stdout.on('data', (d) => {
    screen += d;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await seen(/Issuer URL/);
  child.stdin.write(`${op.issuer}\r`);
  await seen(/Client ID/);
  child.stdin.write(`${DEMO_PUBLIC_CLIENT}\r`);
  await seen(/have a secret/);
  child.stdin.write('n\r');
  const code = await closed;
  // Nobody signs in, so the run ends on its --timeout: the answers were used to build the request.
  assert.equal(code, 5, screen);
  assert.match(screen, new RegExp(`client_id=${DEMO_PUBLIC_CLIENT}`));
}

test('at a terminal without CI, login asks for the issuer, the client id and whether there is a secret', {
  skip: !hasScript && 'util-linux script is not installed',
  timeout: 60_000,
}, async () => {
  await answerPromptsAtATerminal();
});

test('the prompts (an ES-module-only package) still load when login runs from its start-up code cache', {
  skip:
    (!hasScript && 'util-linux script is not installed') ||
    (!('enableCompileCache' in nodeModule) && 'no compile cache'),
  timeout: 60_000,
}, async () => {
  const cacheHome = mkdtempSync(join(tmpdir(), 'oidc-probe-prompt-cache-'));
  // A first login run compiles the CLI and leaves the code cache for login behind…
  const first = await runCli(['login', '--client-id', 'x'], { env: { XDG_CACHE_HOME: cacheHome } });
  assert.equal(first.code, 2);
  assert.ok(readdirSync(join(cacheHome, 'oidc-probe', 'code-cache')).length > 0, 'a code cache was written');
  // …and the run at the terminal starts from it.
  await answerPromptsAtATerminal({ XDG_CACHE_HOME: cacheHome });
});
