// The token cache on disk: $XDG_CACHE_HOME/oidc-probe/tokens, private files only (src/io/private-files.ts:
// directories 0700 and ours, files 0600 and ours, every write atomic), and a lock per entry so that
// parallel CI jobs fetch a token once (src/io/file-lock.ts).
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { type LockOptions, withFileLock } from '../io/file-lock.js';
import { readPrivateFile, removePrivateFile, requirePrivateDirectory, writePrivateFile } from '../io/private-files.js';
import { isCacheEntry, type CacheEntry } from '../protocol/token-cache-policy.js';
import { cacheRoot } from './cache-location.js';

const DIR_LABEL = 'token cache directory';
const FILE_LABEL = 'token cache file';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'tokens');
}

/**
 * The cache directory and the oidc-probe directory above it, both private (whoever owns the
 * parent can swap the child). False when they do not exist and `create` is false.
 */
function privateCacheDir(dir: string, create: boolean): boolean {
  return (
    requirePrivateDirectory(dirname(dir), DIR_LABEL, { create }) && requirePrivateDirectory(dir, DIR_LABEL, { create })
  );
}

export type ReadResult = { entry: CacheEntry; corrupt?: undefined } | { entry: undefined; corrupt?: string };

/** An entry; `corrupt` says why a file that is ours could not be used. Untrusted files throw (exit 2). */
export async function readEntry(key: string, dir = cacheDir()): Promise<ReadResult> {
  if (!privateCacheDir(dir, false)) return { entry: undefined };
  const text = readPrivateFile(join(dir, `${key}.json`), FILE_LABEL);
  if (text === undefined) return { entry: undefined };
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
  privateCacheDir(dir, true);
  const path = join(dir, `${key}.json`);
  writePrivateFile(path, JSON.stringify(entry, null, 2) + '\n', FILE_LABEL);
  return path;
}

/** Every entry; one that cannot be used (unreadable, not ours) is listed with the reason. */
export async function listEntries(
  dir = cacheDir(),
): Promise<Array<{ key: string; entry?: CacheEntry; corrupt?: string }>> {
  if (!privateCacheDir(dir, false)) return [];
  const out: Array<{ key: string; entry?: CacheEntry; corrupt?: string }> = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()) {
    const key = name.slice(0, -'.json'.length);
    try {
      const r = await readEntry(key, dir);
      out.push(r.entry ? { key, entry: r.entry } : { key, corrupt: r.corrupt ?? 'unreadable' });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      out.push({ key, corrupt: err.message });
    }
  }
  return out;
}

export async function removeEntry(key: string, dir = cacheDir()): Promise<boolean> {
  if (!privateCacheDir(dir, false)) return false;
  return removePrivateFile(join(dir, `${key}.json`), FILE_LABEL);
}

export async function clearAll(dir = cacheDir()): Promise<number> {
  const entries = await listEntries(dir);
  // listEntries refused the directory if it is not ours; a symbolic link is never followed here.
  rmSync(dir, { recursive: true, force: true });
  return entries.length;
}

/**
 * Hold the entry's lock while `work` runs, so that two jobs needing the same token fetch it once:
 * the second waits, then finds the first one's token in the cache. The lock stays valid for as long
 * as its holder runs (a device-code poll may take the code's whole lifetime); one left by a process
 * that is gone is taken over at once. `tell` hears about waiting and taking over.
 */
export async function withLock<T>(
  key: string,
  work: () => Promise<T>,
  dir = cacheDir(),
  tell: Pick<LockOptions, 'onWait' | 'onTakeOver'> = {},
): Promise<T> {
  privateCacheDir(dir, true);
  return withFileLock(join(dir, `${key}.lock`), work, tell);
}
