// Files a run writes where the user says (--har, --report): the path is tried before any request,
// so a typo costs nothing, and the file is written 0600 at the end (a HAR holds the exchanges, a
// report names the provider and shows claims). fs.promises on use, not node:fs/promises on import:
// loading it costs every start-up.
import { promises as fs } from 'node:fs';
import { UsageError, type UsageErrorCode } from '../errors.js';

/** Creates (or empties) the file now, so an unwritable path is exit 2 before the run talks to anyone. */
export async function prepareOutputFile(path: string, code: UsageErrorCode, what: string): Promise<void> {
  try {
    const fh = await fs.open(path, 'w', 0o600);
    await fh.close();
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code,
      `cannot write ${what} ${path}: ${errno === 'ENOENT' ? 'no such directory' : (err as Error).message}`,
    );
  }
}

export async function writeOutputFile(path: string, text: string): Promise<void> {
  await fs.writeFile(path, text, { mode: 0o600 });
  // An existing file keeps its mode through writeFile.
  await fs.chmod(path, 0o600);
}
