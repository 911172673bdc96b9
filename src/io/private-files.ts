// Files that only the current user may read or change: the token cache, and any cache whose
// contents are trusted when read back. The one policy for them:
// - a directory is used only when it is a real directory (not a symbolic link), owned by the
//   current user and writable by no one else; one readable by others is tightened to 0700;
// - a file is read only when it is a regular file (not a link, FIFO or device), ours, mode 0600;
// - a write is atomic: a new file beside the target (O_EXCL, O_NOFOLLOW, 0600), fsync, rename over
//   the target, fsync of the directory. Readers see the old file or the new one, never half of one.
// A token planted by another user, or by anyone in a group- or world-writable directory, would be
// printed as valid "from the cache"; so anything else is refused, naming the path and the fix.
// Synchronous on purpose: a few system calls, and callable from start-up code before any await.
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

const uid = process.getuid?.();
/** Platforms without uids (Windows) have no owners to compare; there the modes are not checked either. */
const posix = uid !== undefined;

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;
const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Why a directory cannot be trusted, as the end of a sentence; undefined when it can. */
function directoryProblem(path: string, st: Stats): { why: string; fix: string } | undefined {
  if (st.isSymbolicLink()) return { why: 'is a symbolic link', fix: `replace it with a real directory (rm ${path})` };
  if (!st.isDirectory()) return { why: 'is not a directory', fix: `remove or rename the file ${path}` };
  if (!posix) return undefined;
  if (st.uid !== uid)
    return {
      why: `belongs to uid ${st.uid}, not to you (uid ${uid})`,
      fix: 'remove it, or point XDG_CACHE_HOME at a directory of your own',
    };
  if (st.mode & 0o022)
    return {
      why: `is writable by other users (mode ${octal(st.mode)}), so its files may not be yours`,
      fix: `remove it (rm -r ${path}); it is made again 0700`,
    };
  return undefined;
}

function fileProblem(path: string, st: Stats): { why: string; fix: string } | undefined {
  if (!st.isFile()) return { why: 'is not a regular file', fix: `remove it (rm ${path})` };
  if (!posix) return undefined;
  if (st.uid !== uid)
    return { why: `belongs to uid ${st.uid}, not to you (uid ${uid})`, fix: `remove it (rm ${path})` };
  if (st.mode & 0o077)
    return {
      why: `has mode ${octal(st.mode)}, not 0600 (readable and writable by you alone)`,
      fix: `remove it (rm ${path}), or run chmod 600 ${path} if you are sure it is yours`,
    };
  return undefined;
}

const refuse = (label: string, path: string, problem: { why: string; fix: string }) =>
  new UsageError('untrusted_path', `refusing the ${label} ${path}: it ${problem.why}; ${problem.fix}`);

function cannot(action: string, label: string, path: string, err: unknown): UsageError {
  const code = errno(err);
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR'
        ? 'a part of the path is a file, not a directory'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : (err as Error).message;
  return new UsageError(
    'cache_not_writable',
    `cannot ${action} the ${label} ${path}: ${why}; point XDG_CACHE_HOME at a directory you can write`,
  );
}

/**
 * The directory, created (0700) if missing, when it is the user's alone; a UsageError naming the
 * path and the fix otherwise. With `create: false` a missing directory gives false.
 */
export function requirePrivateDirectory(path: string, label: string, opts: { create?: boolean } = {}): boolean {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw cannot('use', label, path, err);
    if (opts.create === false) return false;
    try {
      // Missing parents are made 0700 too (mode is filtered by the umask; checked below).
      mkdirSync(path, { recursive: true, mode: 0o700 });
      st = lstatSync(path);
    } catch (mkErr) {
      if (errno(mkErr) === 'EEXIST') st = lstatSync(path);
      else throw cannot('create', label, path, mkErr);
    }
  }
  const problem = directoryProblem(path, st);
  if (problem) throw refuse(label, path, problem);
  // Ours and not writable by others: only reading by others is left to take away.
  if (posix && st.mode & 0o077) {
    try {
      chmodSync(path, 0o700);
    } catch (err) {
      throw cannot('restrict', label, path, err);
    }
  }
  return true;
}

/**
 * The directory, created if missing, when it is the user's alone; undefined when it is not or
 * cannot be (for caches that are only an optimisation and go without silently).
 */
export function privateDirectory(path: string): string | undefined {
  try {
    requirePrivateDirectory(path, 'directory');
    return path;
  } catch {
    return undefined;
  }
}

/** The text of a private file; undefined when there is none. Anything not ours and 0600 is refused. */
export function readPrivateFile(path: string, label: string): string | undefined {
  let fd: number;
  try {
    // O_NOFOLLOW: a symbolic link fails (ELOOP) instead of being followed; O_NONBLOCK: a FIFO
    // planted in its place does not hang the open (fstat then shows it is not a file).
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    if (errno(err) === 'ELOOP') throw refuse(label, path, { why: 'is a symbolic link', fix: `remove it (rm ${path})` });
    throw cannot('read', label, path, err);
  }
  try {
    const problem = fileProblem(path, fstatSync(fd));
    if (problem) throw refuse(label, path, problem);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Replace the file atomically with `text`, mode 0600, in a directory already made private. */
export function writePrivateFile(path: string, text: string, label: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    // The umask can only take bits away; set exactly 0600 in case it took ours.
    if (posix) fchmodSync(fd, 0o600);
    const bytes = Buffer.from(text, 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw cannot('write', label, path, err);
  }
  syncDirectory(dir);
}

/** Remove a private file; false when there was none. */
export function removePrivateFile(path: string, label: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (err) {
    if (errno(err) === 'ENOENT') return false;
    throw cannot('remove', label, path, err);
  }
}

/** The rename is durable once the directory entry is on disk (not every file system allows this). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    /* EISDIR/EINVAL on some platforms and file systems: the rename itself is still atomic */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `bytes` random bytes in hex, for names of temporary files and lock owners. node:crypto is loaded
 * on first use: the modules that import this one load with every cached `token` run, which never
 * writes, and node:crypto would cost it ~8 ms.
 */
export function randomHex(bytes: number): string {
  return process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex');
}
