// The one place where results become output and errors become exit codes.
import { EXIT, InterruptedError, OidcProbeError, ProviderError, exitCodeFor } from '../errors.js';
import { escapeForTerminal, terminalOutput } from '../render/escape.js';
import type { Context } from './context.js';

export interface CommandResult<T extends object = object> {
  /** The JSON document (also what the human renderer reads). */
  data: T;
  /** Human rendering of `data` for stdout. */
  human: (ctx: Context) => string;
  /** Exit code; defaults to 1 when data.valid === false, else 0. */
  exit?: number;
}

export async function runCommand(ctx: Context, action: () => Promise<CommandResult>): Promise<void> {
  const onSigint = () => {
    void interrupt(ctx);
  };
  process.once('SIGINT', onSigint);
  try {
    if (ctx.http.har) {
      const { prepareHarFile } = await import('../net/har.js');
      await prepareHarFile(ctx);
    }
    const result = await action();
    if (ctx.json) ctx.out(JSON.stringify(result.data, null, 2));
    else {
      const text = result.human(ctx);
      if (text) ctx.out(terminalOutput(text, { colors: ctx.style.level > 0 }));
    }
    const valid = (result.data as { valid?: unknown }).valid;
    process.exitCode = result.exit ?? (valid === false ? EXIT.checkFailed : EXIT.ok);
  } catch (err) {
    reportError(ctx, err);
    process.exitCode = exitCodeFor(err);
  } finally {
    process.removeListener('SIGINT', onSigint);
    for (const finalize of ctx.finalizers) {
      try {
        await finalize();
      } catch (err) {
        ctx.warn((err as Error).message);
      }
    }
  }
}

async function interrupt(ctx: Context): Promise<never> {
  for (const cleanup of ctx.interruptCleanups) {
    try {
      await cleanup();
    } catch {
      /* closing on the way out; nothing to tell */
    }
  }
  reportError(ctx, new InterruptedError());
  process.exit(EXIT.interrupted);
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
  const write = (text: string) => process.stderr.write(terminalOutput(text, { colors: s.level > 0 }));
  write(`${s.red('error:')} ${e(message)}\n`);
  if (err instanceof ProviderError && err.errorUri) write(`  error_uri: ${e(err.errorUri)}\n`);
  if (known && err.hint) write(`${s.dim('hint:')} ${e(err.hint)}\n`);
  if (ctx.debug && err instanceof Error && err.stack) write(s.dim(err.stack) + '\n');
  else if (!known)
    write(`${s.dim('hint:')} this is a bug in oidc-probe; run again with --debug for details and report it.\n`);
}
