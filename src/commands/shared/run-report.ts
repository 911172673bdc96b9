// --diagram and --report for every command: a run recorder from the start (the report path checked
// before any request), the run's checks and outcome when it ends, then the pictures: the terminal
// diagram after the result tables (human mode only), the report file whatever happened, a run that
// failed half way included, with the failure marked.
import type { Context } from './context.js';
import { OidcProbeError } from '../../errors.js';
import { prepareOutputFile, writeOutputFile } from '../../io/output-file.js';
import { reportFormat } from '../../io/report-file.js';
import { startRunRecorder } from '../../io/run-recorder.js';
import type { Check } from '../../protocol/checks.js';
import { settleRunRecord } from '../../protocol/run-record.js';
import { VERSION } from '../../version.js';

export interface RunEnd {
  /** The result document, when the command returned one. */
  data?: object;
  /** What ended the run, when it did not return. */
  error?: unknown;
  exit: number | string | null | undefined;
}

/** Starts recording; returns what the caller tells when the run ends. Throws UsageError for a bad path. */
export async function startRunPicture(ctx: Context, command: string): Promise<(end: RunEnd) => void> {
  const path = ctx.picture.report;
  const format = path !== undefined ? reportFormat(path) : undefined;
  if (path !== undefined) await prepareOutputFile(path, 'report_not_writable', 'the report');
  if (ctx.picture.diagram && ctx.json)
    ctx.warn('--diagram draws nothing with --json (stdout carries one JSON document); --report FILE.html does');
  const recorder = startRunRecorder(ctx, { command, showSecrets: ctx.showSecrets });
  const settle = (end: RunEnd) => {
    if (recorder.record.outcome) return;
    const err = end.error;
    const source = (end.data ?? (err instanceof OidcProbeError ? err.partial : undefined)) as
      | { checks?: unknown; valid?: unknown }
      | undefined;
    settleRunRecord(recorder.record, {
      checks: Array.isArray(source?.checks) ? (source.checks as Check[]) : [],
      outcome: {
        exit: Number(end.exit ?? 0),
        ...(typeof source?.valid === 'boolean' ? { valid: source.valid } : {}),
        ...(err !== undefined
          ? {
              error:
                err instanceof OidcProbeError
                  ? { code: err.code, message: err.message }
                  : { code: 'internal_error', message: err instanceof Error ? err.message : String(err) },
            }
          : {}),
      },
      durationMs: Date.now() - recorder.startedAt.getTime(),
    });
  };
  ctx.finalizers.push(async () => {
    settle({ exit: undefined });
    const record = recorder.record;
    if (ctx.picture.diagram && !ctx.json) {
      const { renderSequenceDiagram } = await import('../../render/sequence-diagram.js');
      const columns = ctx.columns;
      ctx.out(`\n${renderSequenceDiagram(record, ctx.style, { width: Math.min(Math.max(columns || 80, 40), 120) })}`);
    }
    if (path === undefined) return;
    const text =
      format === 'html'
        ? (await import('../../render/report-html.js')).renderReportHtml(record, { version: VERSION })
        : (await import('../../render/report-markdown.js')).renderReportMarkdown(record, { version: VERSION });
    await writeOutputFile(path, text);
    ctx.info(`report written to ${path}`);
  });
  return settle;
}
