// Handing a URL to the user's browser (`open`), or printing it for --no-browser. The URL always
// goes to stderr on a line of its own, so a person (or a test) can use it if no browser opens.
import { runRecorderFor } from './run-recorder.js';
import { importEsm } from './import-esm.js';

/** The user's default browser, through the `open` package; failures are silent (the URL is printed). */
export async function openInBrowser(url: string): Promise<void> {
  try {
    const { default: open } = await importEsm<typeof import('open')>('open');
    await open(url);
  } catch {
    /* the URL is printed */
  }
}

export async function openOrPrint(
  ctx: { info(text: string): void; openBrowser(url: string): Promise<void> },
  url: string,
  opts: { openBrowser: boolean; purpose: string },
): Promise<void> {
  runRecorderFor(ctx)?.frontChannelRequest(url, opts);
  if (!opts.openBrowser) {
    ctx.info(`Open this URL in a browser to ${opts.purpose}:`);
    ctx.info(url);
    return;
  }
  ctx.info('Opening the browser; if it does not open, visit this URL:');
  ctx.info(url);
  await ctx.openBrowser(url);
}
