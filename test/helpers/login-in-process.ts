// `oidc-probe login --no-browser` run in-process (the flow itself, src/flows/login.ts), the test
// playing the user agent: it watches the flow's stderr for the authorization URL and delivers the
// answer to the flow's loopback listener as a browser would. No binary is spawned, so a table of
// many cases stays cheap on a small machine.
import { Writable } from 'node:stream';
import { makeContext } from '../../src/cli/context.js';
import { exitCodeFor, OidcProbeError, ProviderError } from '../../src/errors.js';
import { runLogin, type LoginResult } from '../../src/flows/login.js';
import { createHttpClient } from '../../src/net/http.js';
import { parseResponseType, resolveResponseMode } from '../../src/protocol/response-type.js';
import { deliverAuthorizationResponse } from './user-agent.js';

export interface InProcessLogin {
  /** The exit code the binary would end with. */
  exit: number;
  result?: LoginResult;
  /** The error the flow stopped with: its stable code, and the provider's OAuth error if any. */
  error?: { code: string; message: string; oauthError?: string };
  /** The channel the test delivered the authorization response on, if the flow got that far. */
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
  httpTimeoutMs?: number;
  /** Play the user agent (default); false when a real browser does it. */
  deliver?: boolean;
  /** Called with the authorization URL instead of delivering it. */
  onAuthorizationUrl?: (url: string) => void;
}

export async function loginInProcess(input: LoginInput): Promise<InProcessLogin> {
  let stderr = '';
  let delivered: Promise<string | undefined> | undefined;
  const prefix = `${input.issuer.replace(/\/$/, '')}/authorize?`;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      stderr += chunk.toString('utf8');
      if (!delivered) {
        const line = stderr.split('\n').find((l) => l.startsWith(prefix));
        if (line) {
          if (input.onAuthorizationUrl) {
            input.onAuthorizationUrl(line);
            delivered = Promise.resolve(undefined);
          } else {
            delivered = deliverAuthorizationResponse(line).then(
              (d) => d.channel,
              () => undefined,
            );
          }
        }
      }
      done();
    },
  });
  const ctx = makeContext({ json: true, color: false }, { stdout: sink as never, stderr: sink as never });
  const http = createHttpClient({ timeoutMs: input.httpTimeoutMs ?? 10_000 });
  const rt = parseResponseType(input.responseType);
  try {
    const view = await runLogin(ctx, http, {
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      responseType: rt,
      responseMode: resolveResponseMode(rt, input.responseMode),
      scope: input.scope ?? 'openid profile email',
      redirectUri: 'http://127.0.0.1:0/callback',
      pkce: true,
      params: {},
      openBrowser: false,
      timeoutSeconds: 30,
      userinfo: true,
    });
    const channel = await delivered;
    return {
      exit: view.result.valid ? 0 : 1,
      result: view.result,
      stderr,
      ...(channel ? { delivered: channel } : {}),
    };
  } catch (err) {
    const channel = await delivered;
    const known = err instanceof OidcProbeError;
    return {
      exit: exitCodeFor(err),
      error: {
        code: known ? err.code : 'internal_error',
        message: (err as Error).message,
        ...(err instanceof ProviderError ? { oauthError: err.error } : {}),
      },
      stderr,
      ...(channel ? { delivered: channel } : {}),
    };
  }
}
