// The token cache lock with device-code runs against a real oidc-provider: a parallel run waits for
// the user step of the first and reuses its token; a run killed mid-poll leaves a lock the next run
// takes over at once; Ctrl-C and SIGTERM release it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PUBLIC_CLIENT, startDemoProvider, type DemoProvider } from '../../demo/provider.js';
import { type CliSession, startBinary as startCli } from '../helpers/cli-session.js';
import { confirmDeviceCode } from '../helpers/device-user.js';

let op: DemoProvider;
before(async () => {
  op = await startDemoProvider();
});
after(async () => {
  await op.close();
});

const deviceArgs = () => [
  'token',
  '--grant',
  'device_code',
  '--issuer',
  op.issuer,
  '--client-id',
  DEMO_PUBLIC_CLIENT,
  '--scope',
  'openid',
  '--json',
];
const codePage = () => `${op.issuer}/device?user_code=`;
const deviceAuthorizations = () => op.hits.get('/device/auth') ?? 0;

async function cacheHome(): Promise<{ env: Record<string, string>; tokens: string }> {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-lock-'));
  return { env: { XDG_CACHE_HOME: home }, tokens: join(home, 'oidc-probe', 'tokens') };
}
const locks = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.lock'));

/** The session that shows a user code (it holds the lock), and that code's page. */
async function holderOf(sessions: CliSession[]): Promise<{ holder: CliSession; page: string }> {
  const never = new Promise<never>(() => undefined);
  return Promise.race(sessions.map((s) => s.urlLine(codePage()).then((page) => (page ? { holder: s, page } : never))));
}

test('two parallel device-code runs: one asks the user, the other waits for it and reuses its token', {
  timeout: 90_000,
}, async () => {
  const { env } = await cacheHome();
  const before = deviceAuthorizations();
  const runs = [startCli(deviceArgs(), { env }), startCli(deviceArgs(), { env })];
  const { holder, page } = await holderOf(runs);
  const waiter = runs.find((s) => s !== holder)!;
  const waiting = await waiter.stderrMatch(/waiting for process (\d+)/);
  assert.equal(Number(waiting?.[1]), holder.pid, waiter.stderr());
  await confirmDeviceCode(page, 'frank');
  const [first, second] = await Promise.all(runs.map((s) => s.done));
  assert.equal(first!.code, 0, first!.stderr);
  assert.equal(second!.code, 0, second!.stderr);
  const held = JSON.parse((await holder.done).stdout);
  const waited = JSON.parse((await waiter.done).stdout);
  assert.equal(waited.access_token, held.access_token, 'the waiting run printed the token the user approved');
  assert.equal(waited.cache.action, 'reuse');
  assert.doesNotMatch(waiter.stderr(), /enter the code/, 'the waiting run never asked the user');
  assert.equal(deviceAuthorizations() - before, 1, 'one device authorization request');
});

test('a run killed while polling leaves a lock that the next run takes over at once; Ctrl-C releases it', {
  timeout: 90_000,
}, async () => {
  const { env, tokens } = await cacheHome();
  const killed = startCli(deviceArgs(), { env });
  assert.ok(await killed.urlLine(codePage()), killed.stderr());
  killed.kill('SIGKILL');
  await killed.done;
  assert.equal((await locks(tokens)).length, 1, 'SIGKILL cannot release: the lock is left behind');

  const next = startCli(deviceArgs(), { env });
  const takeOver = await next.stderrMatch(/taking over the cache lock of process (\d+): its process \d+ is gone/);
  assert.equal(Number(takeOver?.[1]), killed.pid, next.stderr());
  assert.ok(await next.urlLine(codePage()), 'the next run went on to ask the user itself');
  next.kill('SIGINT');
  const interrupted = await next.done;
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.deepEqual(await locks(tokens), [], 'Ctrl-C released the lock');
});

test('SIGTERM while polling releases the lock', { timeout: 60_000 }, async () => {
  const { env, tokens } = await cacheHome();
  const run = startCli(deviceArgs(), { env });
  assert.ok(await run.urlLine(codePage()), run.stderr());
  assert.equal((await locks(tokens)).length, 1);
  run.kill('SIGTERM');
  await run.done;
  assert.deepEqual(await locks(tokens), []);
});
