// Handing a URL to the user's browser (`open`), or printing it for --no-browser. The URL always
// goes to stderr on a line of its own, so a person (or a test) can use it if no browser opens.
import type { Context } from '../cli/context.js';

export async function openOrPrint(
  ctx: Context,
  url: string,
  opts: { openBrowser: boolean; purpose: string },
): Promise<void> {
  if (!opts.openBrowser) {
    ctx.info(`Open this URL in a browser to ${opts.purpose}:`);
    ctx.info(url);
    return;
  }
  ctx.info('Opening the browser; if it does not open, visit this URL:');
  ctx.info(url);
  try {
    const { default: open } = await import('open');
    await open(url);
  } catch {
    /* the URL is printed above */
  }
}
