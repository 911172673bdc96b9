// --browser and OIDC_PROBE_BROWSER: the URL goes to the named browser through `open` (as its app,
// with its arguments); when it cannot start, the run says why, prints the URL again and keeps
// waiting. The "browser" here is a small script that writes down what it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../../helpers/cli-session.js';
import { loginArgs } from '../../helpers/login-args.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp } from '../../providers/rogue-op.js';
import { parseBrowserCommand } from '../../../src/io/browser.js';

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} was never written`);
}

async function loginWith(browserArgs: string[], env: Record<string, string>) {
  const op = await startRogueOp();
  try {
    const session = startCli(loginArgs(op, '--json', ...browserArgs), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret, ...env },
    });
    return { op, session };
  } catch (err) {
    await op.close();
    throw err;
  }
}

test('OIDC_PROBE_BROWSER names a command with arguments: it is started with them and the URL', {
  timeout: 60_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oidc-probe-browser-'));
  const script = join(dir, 'fake browser.mjs');
  const seen = join(dir, 'seen.json');
  await writeFile(
    script,
    "import { writeFileSync } from 'node:fs';\n" +
      'writeFileSync(process.argv[2], JSON.stringify(process.argv.slice(3)));\n',
  );
  const { op, session } = await loginWith([], {
    OIDC_PROBE_BROWSER: `"${process.execPath}" "${script}" "${seen}" --incognito`,
  });
  try {
    const args = JSON.parse(await waitForFile(seen)) as string[];
    assert.equal(args[0], '--incognito');
    const url = args[1]!;
    assert.ok(url.startsWith(`${op.issuer}/authorize?`), url);
    await deliverAuthorizationResponse(url);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /could not start/);
  } finally {
    await op.close();
  }
});

test('--browser that cannot start: the reason, the URL again, and the run keeps waiting', {
  timeout: 60_000,
}, async () => {
  const { op, session } = await loginWith(['--browser', '/nonexistent/browser --new-window'], {
    OIDC_PROBE_BROWSER: '/also/not/used',
  });
  try {
    assert.ok(
      await session.stderrMatch(/could not start the browser "\/nonexistent\/browser --new-window" \(.*ENOENT/),
    );
    const lines = session.stderr().split('\n');
    const urls = lines.filter((l) => l.startsWith(`${op.issuer}/authorize?`));
    assert.equal(urls.length, 2, 'printed before opening, and again after the failure');
    await deliverAuthorizationResponse(urls[1]!);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /also\/not\/used/, '--browser wins over OIDC_PROBE_BROWSER');
  } finally {
    await op.close();
  }
});

test('a browser value is split like a shell word list, quotes keeping a name with spaces whole', () => {
  assert.deepEqual(parseBrowserCommand('firefox'), { name: 'firefox', arguments: [] });
  assert.deepEqual(parseBrowserCommand('"Google Chrome" --incognito'), {
    name: 'Google Chrome',
    arguments: ['--incognito'],
  });
  assert.deepEqual(parseBrowserCommand("chromium --user-data-dir='/tmp/a b'"), {
    name: 'chromium',
    arguments: ['--user-data-dir=/tmp/a b'],
  });
  assert.throws(() => parseBrowserCommand('   '), /names no browser/);
});
