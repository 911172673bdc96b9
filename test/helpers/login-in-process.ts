// `oidc-probe login --no-browser --json` run in this process (test/helpers/in-process.ts), the test
// playing the user agent: it takes the authorization URL from stderr and delivers the provider's
// answer to login's loopback listener as a browser would. No process per run, so a table of many
// cases stays cheap on a small machine.
import type { Check } from '../../src/protocol/checks.js';
import { startCli } from './cli-session.js';
import { deliverAuthorizationResponse } from './user-agent.js';

/** The parts of login's JSON document the serve tests read. */
export interface LoginDocument {
  valid: boolean;
  checks: Check[];
  callback?: { channel: string; redeemed: boolean; not_redeemed_reason?: string };
  id_token?: { header: Record<string, unknown>; payload: Record<string, unknown> };
  userinfo?: { claims: Record<string, unknown> };
}

export interface InProcessLogin {
  exit: number | null;
  result?: LoginDocument;
  /** The error the run stopped with: its stable code, and the provider's OAuth error if any. */
  error?: { code: string; message: string; oauthError?: string };
  /** The channel the test delivered the authorization response on, if the run got that far. */
  delivered?: string;
  stderr: string;
}

export interface LoginInput {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  responseType: string;
  responseMode?: string | undefined;
  scope?: string;
  /** --http-timeout, whole seconds. */
  httpTimeout?: number;
  extra?: string[];
  env?: Record<string, string | undefined>;
  /** Called with the authorization URL instead of delivering it (a real browser does it). */
  onAuthorizationUrl?: (url: string) => Promise<void>;
}

export async function loginInProcess(input: LoginInput): Promise<InProcessLogin> {
  const session = startCli(
    [
      'login',
      '--no-browser',
      '--json',
      '--issuer',
      input.issuer,
      '--client-id',
      input.clientId,
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--response-type',
      input.responseType,
      '--timeout',
      '30',
      '--http-timeout',
      String(input.httpTimeout ?? 10),
      ...(input.responseMode ? ['--response-mode', input.responseMode] : []),
      ...(input.scope ? ['--scope', input.scope] : []),
      ...(input.extra ?? []),
    ],
    { env: { ...(input.clientSecret ? { OIDC_PROBE_CLIENT_SECRET: input.clientSecret } : {}), ...input.env } },
  );
  const url = await session.urlLine(`${input.issuer.replace(/\/$/, '')}/authorize`);
  let delivered: string | undefined;
  if (url) {
    if (input.onAuthorizationUrl) await input.onAuthorizationUrl(url);
    else delivered = (await deliverAuthorizationResponse(url).catch(() => undefined))?.channel;
  }
  const run = await session.done;
  let doc: (LoginDocument & { error?: { code: string; message: string; error?: string } }) | undefined;
  try {
    doc = JSON.parse(run.stdout) as typeof doc;
  } catch {
    doc = undefined;
  }
  return {
    exit: run.code,
    stderr: run.stderr,
    ...(doc && !doc.error ? { result: doc } : {}),
    ...(doc?.error
      ? {
          error: {
            code: doc.error.code,
            message: doc.error.message,
            ...(doc.error.error ? { oauthError: doc.error.error } : {}),
          },
        }
      : {}),
    ...(delivered ? { delivered } : {}),
  };
}
