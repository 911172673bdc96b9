// `oidc-probe login` run in process with the test as its browser: the URL login opens is signed in
// through the provider's real login and consent forms (user-agent.ts), and the answer delivered to
// the loopback listener on the provider's channel.
import { runInProcess, type CliRun } from './in-process.js';
import { signInAndDeliver } from './user-agent.js';

export interface LoginRun extends CliRun {
  /** The URL login handed its browser, if it got that far. */
  opened?: URL;
}

export async function loginThroughForms(
  args: string[],
  opts: { env?: Record<string, string | undefined>; user?: string } = {},
): Promise<LoginRun> {
  let opened: URL | undefined;
  let signIn: Promise<unknown> = Promise.resolve();
  const run = await runInProcess(['login', ...args], {
    ...(opts.env ? { env: opts.env } : {}),
    openBrowser: async (url) => {
      opened = new URL(url);
      signIn = signInAndDeliver(url, opts.user ?? 'alice');
    },
  });
  await signIn;
  return { ...run, ...(opened ? { opened } : {}) };
}
