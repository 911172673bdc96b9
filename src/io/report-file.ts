// --report FILE: its format by its extension; the file itself is prepared and written as every output
// file is (io/output-file.ts).
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
