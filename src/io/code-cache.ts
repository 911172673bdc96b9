// A V8 code cache for the bundled CLI. Node ≥ 22.1 has one built in (module.enableCompileCache);
// Node 20 does not, and there most of a start-up is V8 parsing and compiling the same bundle again.
// Here the bundle is compiled as a vm.Script with the bytecode the previous run left behind.
//
// The cache is only an optimisation: a cache that is missing, foreign, unreadable or rejected by V8
// means compiling as usual, silently. It lives in a directory of the user's own (0700, owned by
// the user, no symlink), never in a shared temp directory: bytecode read from there would run as
// the user. Files are written atomically (temp file + rename), so a reader never sees half a file;
// V8 itself refuses a cache made by another V8 version, with other flags or for another source.
// Each file holds the cache twice and is used only when both copies are the same: V8 (in release
// builds) does not check the bytes it deserializes, and a cache damaged inside would make it
// abort on every run. (A second copy costs a memcmp; a CRC would cost loading zlib, ~3 ms a run.)
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

export interface LoadedScript {
  exports: Record<string, unknown>;
  /** True when V8 compiled from the cache it was given. */
  fromCache: boolean;
  /** Write the bytecode compiled so far, unless the cache that was used is still good. */
  saveCache(): void;
}

const uid = process.getuid?.();
const ownedByUser = (st: { uid: number }) => uid === undefined || st.uid === uid;

/** The directory, created if missing, when it is the user's alone; undefined when it cannot be. */
export function privateDirectory(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || !ownedByUser(st)) return undefined;
    // An existing directory keeps its own mode: ours, so tighten it.
    if (st.mode & 0o077) chmodSync(dir, 0o700);
    return dir;
  } catch {
    return undefined;
  }
}

/** The cache in a file written by writeCacheFile, if the file is ours and its two copies agree. */
function readCacheFile(path: string): Buffer | undefined {
  const file = readOwnFile(path);
  if (!file || file.length === 0 || file.length % 2) return undefined;
  const copy = file.subarray(0, file.length / 2);
  return copy.equals(file.subarray(file.length / 2)) ? copy : undefined;
}

function readOwnFile(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || !ownedByUser(st)) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeCacheFile(path: string, payload: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, payload);
      writeSync(fd, payload);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
  }
}

// The CommonJS wrapper, on the first line so that line numbers in stack traces stay true.
const wrapperStart = '(function (exports, require, module, __filename, __dirname) { ';
const wrapperEnd = '\n})';

export interface CodeCacheSlot {
  /** A private directory (see privateDirectory). */
  dir: string;
  /** What the cache is for (a command name): each keeps the functions its runs compiled. */
  name: string;
}

/**
 * Run a CommonJS file as Node's loader would, compiled with the slot's code cache when there is a
 * usable one. Without a slot it only compiles (and saveCache does nothing).
 */
export function loadWithCodeCache(file: string, slot: CodeCacheSlot | undefined): LoadedScript {
  const bytes = readFileSync(file);
  // The bundle is ASCII (scripts/bundle.mjs sees to it): read so, a Latin-1 decode is twice as fast.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cachePath = slot && codeCachePath(slot, file);
  const cachedData = cachePath ? readCacheFile(cachePath) : undefined;
  // No import() may run inside: a script compiled from a cache loses Node's callback for it (the
  // bundle is built without one, see scripts/bundle.mjs and src/io/import-esm.ts).
  const script = new vm.Script(wrapperStart + source + wrapperEnd, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    fromCache,
    saveCache() {
      if (!slot || !cachePath || fromCache) return;
      writeCacheFile(cachePath, script.createCachedData());
      removeOtherBuilds(slot, file, cachePath);
    },
  };
}

/**
 * The cache file of one slot for one build of the bundle, on this V8: `<slot>-<installation>-<V8
 * and arch>-<build>.bin`. The installation (where the bundle lives) keeps two installed copies of
 * oidc-probe (a global one and one run by npx, say) from taking each other's caches for stale.
 */
export function codeCachePath(slot: CodeCacheSlot, file: string): string {
  const st = lstatSync(file);
  const build = `${st.size.toString(36)}-${Math.trunc(st.mtimeMs).toString(36)}`;
  return join(slot.dir, `${cachePrefix(slot, file)}${build}.bin`);
}

function cachePrefix(slot: CodeCacheSlot, file: string): string {
  return `${slot.name}-${fnv1a(file)}-${process.versions.v8}-${process.arch}-`;
}

/** A short hash of a path, for a file name (not for security: the directory is private). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** Caches of this slot, installation and V8 made for an older build are of no more use. */
function removeOtherBuilds(slot: CodeCacheSlot, file: string, keep: string): void {
  const prefix = cachePrefix(slot, file);
  try {
    for (const name of readdirSync(slot.dir)) {
      const path = join(slot.dir, name);
      if (name.startsWith(prefix) && name.endsWith('.bin') && path !== keep) unlinkSync(path);
    }
  } catch {
    /* tidying only */
  }
}
