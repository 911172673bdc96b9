// Handing a URL to the user's browser (`open`), or printing it for --no-browser. The URL always
// goes to stderr on a line of its own, so a person (or a test) can use it if no browser opens;
// when the browser cannot be started, the run says why, prints the URL again and keeps waiting.
import { UsageError } from '../errors.js';
import { runRecorderFor } from './run-recorder.js';

/** Names `open` knows per platform (its `apps`), besides any command. */
const KNOWN_BROWSERS = ['chrome', 'firefox', 'edge', 'brave'] as const;

/**
 * A --browser / OIDC_PROBE_BROWSER value: a known name, or a command and its arguments, split on
 * spaces with "double" or 'single' quotes keeping a name with spaces whole ('"Google Chrome"').
 */
export function parseBrowserCommand(value: string): { name: string; arguments: string[] } {
  const words: string[] = [];
  // A word is a run of unquoted characters and quoted parts with no space between them.
  for (const word of value.matchAll(/(?:"[^"]*"|'[^']*'|[^\s"']+)+/g))
    words.push(word[0].replace(/"([^"]*)"|'([^']*)'/g, (_m, dq?: string, sq?: string) => dq ?? sq ?? ''));
  if (words.length === 0 || /[\u0000-\u001f\u007f]/.test(value))
    throw new UsageError('usage', `--browser "${value.replace(/[\u0000-\u001f\u007f]/g, '?')}" names no browser`);
  return { name: words[0]!, arguments: words.slice(1) };
}

/** The user's default browser, or the one asked for, through the `open` package; throws when it cannot start. */
export async function openInBrowser(url: string, browser?: string): Promise<void> {
  const { default: open, apps } = await import('open');
  if (browser === undefined) {
    await open(url);
    return;
  }
  const { name, arguments: args } = parseBrowserCommand(browser);
  const known = (KNOWN_BROWSERS as readonly string[]).includes(name.toLowerCase())
    ? apps[name.toLowerCase() as (typeof KNOWN_BROWSERS)[number]]
    : undefined;
  await open(url, { app: { name: known ?? name, arguments: args } });
}

export async function openOrPrint(
  ctx: {
    info(text: string): void;
    warn(text: string): void;
    openBrowser(url: string, browser?: string): Promise<void>;
  },
  url: string,
  opts: { openBrowser: boolean; purpose: string; browser?: string | undefined },
): Promise<void> {
  runRecorderFor(ctx)?.frontChannelRequest(url, opts);
  if (!opts.openBrowser) {
    ctx.info(`Open this URL in a browser to ${opts.purpose}:`);
    ctx.info(url);
    return;
  }
  ctx.info('Opening the browser; if it does not open, visit this URL:');
  ctx.info(url);
  try {
    await ctx.openBrowser(url, opts.browser);
  } catch (err) {
    const visible = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
    const which = opts.browser === undefined ? 'the browser' : `the browser "${visible(opts.browser)}"`;
    const why = visible(String((err as Error).message ?? err).slice(0, 200));
    ctx.warn(`could not start ${which} (${why}); open this URL yourself to ${opts.purpose}, the run keeps waiting:`);
    ctx.info(url);
  }
}
