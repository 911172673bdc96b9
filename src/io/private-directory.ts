// A directory of the user's own for what oidc-probe keeps between runs: 0700, owned by the user,
// a real directory (not a symlink someone else could point elsewhere). Synchronous, for the
// start-up, which runs before anything else.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';

/**
 * The directory, created if missing (with its missing parents, each 0700), when it is the user's
 * alone; undefined when it is not and cannot be made so. An existing directory of the user's with
 * another mode is set to 0700: it is ours, and mkdir leaves an existing mode as it is.
 */
export function privateDirectory(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) return undefined;
    if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
    return dir;
  } catch {
    return undefined;
  }
}
