// --report FILE: the path is checked before any request (as --har is), so a typo costs nothing, and
// the report is written 0600 at the end (it names the provider and shows claims). fs.promises on
// use, not node:fs/promises on import: loading it costs every start-up.
import { promises as fs } from 'node:fs';
import { UsageError } from '../errors.js';

export type ReportFormat = 'html' | 'markdown';

/** The format a report path asks for, by its extension; anything else is a usage error. */
export function reportFormat(path: string): ReportFormat {
  if (/\.html?$/i.test(path)) return 'html';
  if (/\.(md|markdown)$/i.test(path)) return 'markdown';
  throw new UsageError(
    'report_format',
    `--report ${path}: the file name must end in .html (a self-contained page) or .md (Markdown with Mermaid)`,
  );
}

/** Creates (or empties) the file now, so an unwritable path is exit 2 before the run talks to anyone. */
export async function prepareReportFile(path: string): Promise<void> {
  try {
    const fh = await fs.open(path, 'w', 0o600);
    await fh.close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      'report_not_writable',
      `cannot write the report ${path}: ${code === 'ENOENT' ? 'no such directory' : (err as Error).message}`,
    );
  }
}

export async function writeReportFile(path: string, text: string): Promise<void> {
  await fs.writeFile(path, text, { mode: 0o600 });
  await fs.chmod(path, 0o600);
}
