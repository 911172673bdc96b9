// `login --paste` at a real terminal (a pseudo-terminal from util-linux `script`): the prompt reads
// the pasted address in raw mode, so an address longer than the terminal's 4 KiB line limit (an
// ID token, an access token and more in the fragment) arrives whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
import { isolatedEnv } from '../helpers/in-process.js';
import { startRogueOp } from '../providers/rogue-op.js';
import { loginArgs } from '../helpers/login-args.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

test('at a terminal, a pasted address longer than 4 KiB is read whole and the login completes', {
  skip: !hasScript && 'util-linux script is not installed',
  timeout: 60_000,
}, async () => {
  const op = await startRogueOp();
  try {
    const env = isolatedEnv({ TERM: 'xterm', OIDC_PROBE_CLIENT_SECRET: op.clientSecret, CI: undefined });
    const args = loginArgs(op, '--paste', '--no-color', '--flow', 'implicit');
    const cmd = [process.execPath, BIN, ...args].join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d) => {
      screen += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const seen = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`never saw ${re} in:\n${screen}`)), 20_000);
        const look = () => {
          const m = re.exec(screen);
          if (!m) return;
          clearTimeout(timer);
          child.stdout.off('data', look);
          resolve(m);
        };
        child.stdout.on('data', look);
        look();
      });
    const [authorizationUrl] = await seen(new RegExp(`${op.issuer}/authorize\\?\\S+`));
    await seen(/Paste the address the browser ended on/);
    const answer = await fetch(authorizationUrl, { redirect: 'manual' });
    // The padding goes first: cut at 4 KiB, the address would lose the response itself.
    const [base, fragment] = answer.headers.get('location')!.split('#') as [string, string];
    const landed = `${base}#padding=${'x'.repeat(5000)}&${fragment}`;
    assert.ok(landed.length > 5000);
    child.stdin.write(`${landed}\r`);
    const code = await closed;
    assert.equal(code, 0, screen.slice(-3000));
    assert.match(screen, /extra_params/, 'the padding parameter arrived, so the address was read whole');
    assert.match(screen, /\bvalid\b/);
  } finally {
    await op.close();
  }
});
