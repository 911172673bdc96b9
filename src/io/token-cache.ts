// The token cache on disk: $XDG_CACHE_HOME/oidc-probe/tokens (directory 0700, files 0600), every
// write atomic (temp file, fsync, rename), and a lock file so parallel CI jobs don't race.
import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isCacheEntry, type CacheEntry } from '../protocol/token-cache-policy.js';
import { cacheRoot } from './cache-location.js';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'tokens');
}

async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask, and an existing directory keeps its own: set it.
  await chmod(dir, 0o700);
  const parent = join(dir, '..');
  if ((await stat(parent)).mode & 0o077) await chmod(parent, 0o700);
}

export type ReadResult = { entry: CacheEntry; corrupt?: undefined } | { entry: undefined; corrupt?: string };

export async function readEntry(key: string, dir = cacheDir()): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(join(dir, `${key}.json`), 'utf8');
  } catch {
    return { entry: undefined };
  }
  try {
    const json: unknown = JSON.parse(text);
    if (isCacheEntry(json)) return { entry: json };
    return { entry: undefined, corrupt: 'it is not a cache entry of this version' };
  } catch (err) {
    return { entry: undefined, corrupt: (err as Error).message };
  }
}

/** Atomic: readers see the old file or the new one, never half of one. */
export async function writeEntry(key: string, entry: CacheEntry, dir = cacheDir()): Promise<string> {
  await ensureDir(dir);
  const path = join(dir, `${key}.json`);
  const tmp = join(dir, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, JSON.stringify(entry, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await rename(tmp, path);
  return path;
}

export async function listEntries(
  dir = cacheDir(),
): Promise<Array<{ key: string; entry?: CacheEntry; corrupt?: string }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: Array<{ key: string; entry?: CacheEntry; corrupt?: string }> = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const key = name.slice(0, -'.json'.length);
    const r = await readEntry(key, dir);
    out.push(r.entry ? { key, entry: r.entry } : { key, corrupt: r.corrupt ?? 'unreadable' });
  }
  return out;
}

export async function removeEntry(key: string, dir = cacheDir()): Promise<boolean> {
  try {
    await unlink(join(dir, `${key}.json`));
    return true;
  } catch {
    return false;
  }
}

export async function clearAll(dir = cacheDir()): Promise<number> {
  const entries = await listEntries(dir);
  await rm(dir, { recursive: true, force: true });
  return entries.length;
}

const STALE_LOCK_MS = 30_000;

/**
 * Hold the entry's lock while `work` runs, so that two jobs needing the same token fetch it once:
 * the second waits, then finds the first one's token in the cache. A lock older than 30 s is a
 * crashed job's and is taken over.
 */
export async function withLock<T>(key: string, work: () => Promise<T>, dir = cacheDir(), waitMs = 60_000): Promise<T> {
  await ensureDir(dir);
  const lock = join(dir, `${key}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - (await stat(lock)).mtimeMs > STALE_LOCK_MS) {
          await unlink(lock).catch(() => undefined);
          continue;
        }
      } catch {
        continue;
      }
      if (Date.now() - started > waitMs) throw new Error(`the cache lock ${lock} is held by another job`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
