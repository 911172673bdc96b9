// The one place where results become output and errors become exit codes (main.ts calls it).
import type { CommandResult, Context } from './commands/shared/context.js';
import { EXIT, InterruptedError, OidcProbeError, ProviderError, exitCodeFor } from './errors.js';
import { escapeForTerminal, terminalOutput } from './render/escape.js';
import type { RunEnd } from './commands/shared/run-report.js';

/** Where a run may end the process early (Ctrl-C) and hear signals: the process, or a test's stand-in. */
export interface ProcessControl {
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): () => void;
  exit(code: number): void;
}

/** Runs one command: its result to stdout, its error to stderr; returns the exit code. */
export async function runCommand(
  ctx: Context,
  control: ProcessControl,
  action: () => Promise<CommandResult>,
  commandName = 'oidc-probe',
): Promise<number> {
  const stopListening = ['SIGINT', 'SIGTERM'].map((signal) =>
    control.onSignal(signal as 'SIGINT' | 'SIGTERM', () => {
      void interrupt(ctx, control);
    }),
  );
  let exit: number;
  let settle: ((end: RunEnd) => void) | undefined;
  try {
    if (ctx.http.har) {
      const { prepareHarFile } = await import('./io/har.js');
      await prepareHarFile(ctx);
    }
    if (ctx.picture.diagram || ctx.picture.report)
      settle = await (await import('./commands/shared/run-report.js')).startRunPicture(ctx, commandName);
    const result = await action();
    if (ctx.json) ctx.out(JSON.stringify(result.data, null, 2));
    else {
      const text = result.human(ctx);
      if (text) ctx.out(terminalOutput(text, { colors: ctx.style.level > 0 }));
    }
    const valid = (result.data as { valid?: unknown }).valid;
    exit = result.exit ?? (valid === false ? EXIT.checkFailed : EXIT.ok);
    settle?.({ data: result.data, exit });
  } catch (err) {
    reportError(ctx, err);
    exit = exitCodeFor(err);
    settle?.({ error: err, exit });
  } finally {
    for (const stop of stopListening) stop();
    for (const finalize of ctx.finalizers) {
      try {
        await finalize();
      } catch (err) {
        ctx.warn((err as Error).message);
      }
    }
  }
  return exit;
}

async function interrupt(ctx: Context, control: ProcessControl): Promise<void> {
  for (const cleanup of ctx.interruptCleanups) {
    try {
      // Only a cleanup that needs time is waited for: until the exit below, other SIGINT listeners
      // (a held cache lock re-raises the signal once it has released) must not get their turn.
      const pending = cleanup();
      if (pending) await pending;
    } catch {
      /* closing on the way out; nothing to tell */
    }
  }
  reportError(ctx, new InterruptedError());
  control.exit(EXIT.interrupted);
}

export function reportError(ctx: Context, err: unknown): void {
  const exit = exitCodeFor(err);
  const known = err instanceof OidcProbeError;
  const message = known ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
  if (ctx.json) {
    const error: Record<string, unknown> = { code: known ? err.code : 'internal_error', message, exit };
    if (err instanceof ProviderError) {
      error.error = err.error;
      if (err.errorDescription !== undefined) error.error_description = err.errorDescription;
      if (err.errorUri !== undefined) error.error_uri = err.errorUri;
    }
    if (known && err.hint) error.hint = err.hint;
    ctx.out(JSON.stringify({ error, ...(known && err.partial ? err.partial : {}) }, null, 2));
  }
  const s = ctx.errStyle;
  // Messages quote providers (error_description, error_uri, WWW-Authenticate) and input: escaped.
  const e = escapeForTerminal;
  ctx.info(`${s.red('error:')} ${e(message)}`);
  if (err instanceof ProviderError && err.errorUri) ctx.info(`  error_uri: ${e(err.errorUri)}`);
  if (known && err.hint) ctx.info(`${s.dim('hint:')} ${e(err.hint)}`);
  if (ctx.debug && err instanceof Error && err.stack) ctx.info(s.dim(err.stack));
  else if (!known)
    ctx.info(`${s.dim('hint:')} this is a bug in oidc-probe; run again with --debug for details and report it.`);
}
