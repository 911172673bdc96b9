// What `oidc-probe serve` runs: the entry of dist/bundle/serve.cjs, loaded by options.ts only when
// serve is the command. It owns the terminal: the banner and the log on stderr, the ready document
// on stdout with --json, Ctrl-C (or SIGTERM) closing the provider cleanly before exit 130.
import type { GlobalOptions } from '../../cli/context.js';
import { makeContext, prepareStyles } from '../../cli/context.js';
import { runCommand } from '../../cli/run.js';
import { reportError } from '../../cli/run.js';
import { EXIT, exitCodeFor } from '../../errors.js';
import type { ServeOptions } from './options.js';
import { defectListDocument, jsonEvent, readyDocument, renderDefectList, renderEvent, renderReady } from './render.js';
import { run } from './run.js';

export async function serveCommand(opts: ServeOptions, globals: GlobalOptions): Promise<void> {
  await prepareStyles(globals);
  const ctx = makeContext(globals);
  if (opts.listDefects) {
    await runCommand(ctx, async () => ({ data: defectListDocument(), human: (c) => renderDefectList(c.style) }));
    return;
  }
  // A log reader that went away (`oidc-probe serve 2>&1 | head`) does not stop the provider.
  process.stderr.on('error', () => {});
  let handle: Awaited<ReturnType<typeof run>>;
  try {
    handle = await run(opts, {
      log: (event) => ctx.info(opts.jsonLog ? jsonEvent(event) : renderEvent(event, ctx.errStyle)),
    });
  } catch (err) {
    reportError(ctx, err);
    process.exitCode = exitCodeFor(err);
    return;
  }
  if (opts.jsonLog) ctx.info(JSON.stringify(readyDocument(handle)));
  else ctx.info(renderReady(handle, ctx.errStyle, { showSecrets: ctx.showSecrets }));
  if (ctx.json) ctx.out(JSON.stringify(readyDocument(handle), null, 2));

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second Ctrl-C while closing does not wait any longer.
  process.once('SIGINT', () => process.exit(EXIT.interrupted));
  await handle.close();
  if (opts.jsonLog) ctx.info(JSON.stringify({ event: 'stopped', signal }));
  else ctx.info(ctx.errStyle.dim(`stopped (${signal}); the provider is closed`));
  process.exitCode = EXIT.interrupted;
  // Nothing should be left to keep Node alive; if something is, do not hang on it.
  setTimeout(() => process.exit(EXIT.interrupted), 2000).unref();
}
