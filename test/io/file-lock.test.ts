// The lock file in-process, with short timings: held as long as its holder works, taken over only
// from a holder that is gone, never removed by someone who does not hold it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLockOwner, withFileLock } from '../../src/io/file-lock.js';

const fast = { heartbeatMs: 50, staleMs: 400, pollMs: 20 };
const lockPath = () => join(mkdtempSync(join(tmpdir(), 'oidc-probe-lock-')), 'entry.lock');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process id that was in use a moment ago and is not any more. */
async function goneProcessId(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

test('a holder working many times longer than the staleness limit keeps its lock', async () => {
  const path = lockPath();
  const events: string[] = [];
  const takeOvers: string[] = [];
  const first = withFileLock(
    path,
    async () => {
      events.push('first in');
      await sleep(fast.staleMs * 4);
      events.push('first out');
    },
    { ...fast, onTakeOver: (_o, why) => takeOvers.push(why) },
  );
  await sleep(20);
  const second = withFileLock(
    path,
    async () => {
      events.push('second in');
    },
    { ...fast, onTakeOver: (_o, why) => takeOvers.push(why) },
  );
  await Promise.all([first, second]);
  assert.deepEqual(events, ['first in', 'first out', 'second in']);
  assert.deepEqual(takeOvers, []);
  assert.equal(existsSync(path), false, 'released');
});

test('the lock names its holder: pid, host and a token of its own', async () => {
  const path = lockPath();
  await withFileLock(path, async () => {
    const owner = parseLockOwner(readFileSync(path, 'utf8'));
    assert.equal(owner?.pid, process.pid);
    assert.equal(owner?.host, hostname());
    assert.match(owner?.token ?? '', /^[0-9a-f]{24}$/);
  });
});

test('a lock whose process is gone is taken over at once, however fresh it looks', async () => {
  const path = lockPath();
  const pid = await goneProcessId();
  writeFileSync(path, JSON.stringify({ pid, host: hostname(), token: 'dead' }));
  let why = '';
  let waited = false;
  await withFileLock(path, async () => undefined, {
    onTakeOver: (_o, reason) => {
      why = reason;
    },
    onWait: () => {
      waited = true;
    },
  });
  assert.equal(why, `its process ${pid} is gone`);
  assert.equal(waited, false);
});

test('a lock written by an older oidc-probe (a bare pid) is understood', async () => {
  const path = lockPath();
  const pid = await goneProcessId();
  writeFileSync(path, String(pid));
  let why = '';
  await withFileLock(path, async () => undefined, {
    onTakeOver: (_o, reason) => {
      why = reason;
    },
  });
  assert.match(why, /is gone/);
});

test('a live holder elsewhere is waited for while it refreshes the lock, then taken over once it stops', async () => {
  const path = lockPath();
  writeFileSync(path, JSON.stringify({ pid: 4242, host: 'another-host.test', token: 'remote' }));
  const refresh = setInterval(() => {
    const now = new Date();
    utimesSync(path, now, now);
  }, fast.heartbeatMs);
  let entered = 0;
  let waitedFor = '';
  const waiter = withFileLock(
    path,
    async () => {
      entered = Date.now();
    },
    {
      ...fast,
      onWait: (o) => {
        waitedFor = `${o?.pid}@${o?.host}`;
      },
    },
  );
  await sleep(fast.staleMs * 2);
  assert.equal(entered, 0, 'still waiting while the remote holder refreshes');
  assert.equal(waitedFor, '4242@another-host.test');
  clearInterval(refresh);
  await waiter;
  assert.ok(entered > 0);
});

test('a holder never removes a lock that is no longer its own', async () => {
  const path = lockPath();
  const theirs = JSON.stringify({ pid: 1, host: 'another-host.test', token: 'theirs' });
  await withFileLock(path, async () => {
    writeFileSync(path, theirs);
  });
  assert.equal(readFileSync(path, 'utf8'), theirs);
});

test('several waiters taking over one dead lock run one after another', async () => {
  const path = lockPath();
  writeFileSync(path, JSON.stringify({ pid: await goneProcessId(), host: hostname(), token: 'dead' }));
  let inside = 0;
  let most = 0;
  await Promise.all(
    [1, 2, 3, 4].map(() =>
      withFileLock(
        path,
        async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(30);
          inside--;
        },
        fast,
      ),
    ),
  );
  assert.equal(most, 1);
  assert.equal(existsSync(path), false);
});
