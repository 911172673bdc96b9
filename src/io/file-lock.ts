// A lock file that is correct however long its holder works. The holder writes who it is (pid,
// host, a random token) and touches the file every few seconds; the lock is given up on return,
// on process exit, and on SIGINT/SIGTERM. A waiter takes a lock over only when its holder is
// provably gone: on this host, no process has its pid; from anywhere, the file has not been
// touched for longer than STALE_MS (a frozen or crashed holder elsewhere, a reused pid). Nothing
// expires while the holder is alive, so a device-code poll that runs for the code's whole lifetime
// keeps its lock, and a waiter never removes a lock it did not judge dead.
import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { UsageError } from '../errors.js';
import { randomHex } from './private-files.js';

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

export interface LockOptions {
  /** Told once, when the lock is held by someone else and waiting begins. */
  onWait?: (owner: LockOwner | undefined) => void;
  /** Told when a lock left by a holder that is gone is taken over. */
  onTakeOver?: (owner: LockOwner | undefined, why: string) => void;
  /** How often the holder touches the lock (ms). */
  heartbeatMs?: number;
  /** A lock not touched for this long is dead whoever holds it (ms). Several heartbeats. */
  staleMs?: number;
  /** How often a waiter looks again (ms). */
  pollMs?: number;
}

export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 60_000;

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** The owner written in a lock file; a bare pid is a lock written by an older oidc-probe on this host. */
export function parseLockOwner(text: string): LockOwner | undefined {
  if (/^\d+$/.test(text.trim())) return { pid: Number(text.trim()), host: hostname(), token: '' };
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string')
      return { pid: o.pid, host: o.host, token: o.token };
  } catch {
    /* half-written, or not ours */
  }
  return undefined;
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return errno(err) === 'ESRCH';
  }
}

interface Seen {
  owner: LockOwner | undefined;
  mtimeMs: number;
  text: string;
}

function look(path: string): Seen | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const { mtimeMs } = lstatSync(path);
    return { owner: parseLockOwner(text), mtimeMs, text };
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Why the lock's holder is gone; undefined while it may still be working. */
export function deadLockReason(seen: Seen, now: number, staleMs: number, host = hostname()): string | undefined {
  const { owner } = seen;
  if (owner && owner.host === host && owner.pid !== process.pid && processIsGone(owner.pid))
    return `its process ${owner.pid} is gone`;
  if (now - seen.mtimeMs > staleMs)
    return (
      `it was not refreshed for ${Math.round((now - seen.mtimeMs) / 1000)} s ` +
      '(its holder is frozen, gone, or on another host)'
    );
  return undefined;
}

/** Create the lock file holding our name; false when one exists. */
function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw new UsageError('lock_failed', `cannot create the lock file ${path}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Remove a dead lock without removing a live one: the dead file is renamed aside (atomic, only one
 * waiter can win), and if what was moved is not the lock that was judged dead (another waiter took
 * over in between and made a new one), it is put back with link(), which never replaces a file.
 */
function takeOver(path: string, judged: Seen): void {
  const aside = `${path}.${process.pid}.${randomHex(4)}.dead`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (errno(err) === 'ENOENT') return;
    throw err;
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    /* unreadable: treat as the one judged */
    moved = judged.text;
  }
  if (moved !== judged.text) {
    try {
      linkSync(aside, path);
    } catch {
      /* a newer lock exists: the one moved aside lost its place either way */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* gone */
  }
}

/** Remove the lock if it is still ours (a waiter may have judged it dead and replaced it). */
function releaseIfOurs(path: string, token: string): void {
  try {
    if (parseLockOwner(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
  } catch {
    /* already gone */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `work` while holding the lock file at `path`; waits as long as a live holder has it. */
export async function withFileLock<T>(path: string, work: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const staleMs = opts.staleMs ?? STALE_MS;
  const pollMs = opts.pollMs ?? 100;
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomHex(12) };
  let told = false;
  try {
    while (!tryCreate(path, me)) {
      const seen = look(path);
      if (!seen) continue;
      const dead = deadLockReason(seen, Date.now(), staleMs);
      if (dead) {
        opts.onTakeOver?.(seen.owner, dead);
        takeOver(path, seen);
        continue;
      }
      if (!told) {
        told = true;
        opts.onWait?.(seen.owner);
      }
      await sleep(pollMs);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError('lock_failed', `cannot take the lock ${path}: ${(err as Error).message}`);
  }
  return holding(path, me.token, heartbeatMs, work);
}

async function holding<T>(path: string, token: string, heartbeatMs: number, work: () => Promise<T>): Promise<T> {
  const release = () => releaseIfOurs(path, token);
  const heartbeat = setInterval(() => {
    try {
      if (parseLockOwner(readFileSync(path, 'utf8'))?.token !== token) return;
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      /* gone: release finds nothing to do */
    }
  }, heartbeatMs);
  heartbeat.unref();
  // process.exit() (Ctrl-C ends a command that way) runs 'exit' listeners, which must be synchronous.
  process.on('exit', release);
  // A signal nobody else handles would end the process without 'exit': release, then let it end
  // the process as it would have (re-raised once our listener is gone).
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    stopListening();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const stopListening = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', release);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    stopListening();
    release();
  }
}

/** This host's name; node:os on first use (a cache hit never locks, and loading it costs ~0.5 ms). */
function hostname(): string {
  return process.getBuiltinModule('node:os').hostname();
}
