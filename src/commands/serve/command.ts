// `oidc-probe serve` as main.ts runs it: --list-defects as a result; otherwise the provider, its
// banner and its log on stderr, until Ctrl-C or SIGTERM. Then main runs the cleanup registered
// here (the provider closes, cleanly) and ends the run as interrupted: exit 130.
import type { CommandResult, Context } from '../shared/context.js';
import type { ServeOptions } from './options.js';
import { defectListDocument, jsonEvent, readyDocument, renderDefectList, renderEvent, renderReady } from './render.js';
import { run } from './run.js';

export async function serveCommand(opts: ServeOptions, ctx: Context): Promise<CommandResult> {
  if (opts.listDefects) return { data: defectListDocument(), human: (c) => renderDefectList(c.style) };
  const handle = await run(opts, {
    log: (event) => ctx.info(opts.jsonLog ? jsonEvent(event) : renderEvent(event, ctx.errStyle)),
  });
  ctx.info(
    opts.jsonLog
      ? JSON.stringify(readyDocument(handle))
      : renderReady(handle, ctx.errStyle, { showSecrets: ctx.showSecrets }),
  );
  ctx.onInterrupt(async () => {
    await handle.close();
    ctx.info(opts.jsonLog ? JSON.stringify({ event: 'stopped' }) : ctx.errStyle.dim('stopped; the provider is closed'));
  });
  // A provider runs until it is interrupted; it has no result of its own.
  return new Promise<never>(() => {});
}
