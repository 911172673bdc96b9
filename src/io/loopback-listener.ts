// The loopback redirect URI listener (RFC 8252 §7.3, §8.3): bound to the redirect URI's loopback
// host only, on its port (0 → ephemeral, reflected in redirect_uri), listening before the browser
// opens. One listener, three channels (src/io/front-channel.ts): it takes exactly one
// authorization response, answers the browser with a short page, and closes. It answers only
// requests addressed to its own host:port, so a web page cannot reach it through a name of its own
// that resolves to 127.0.0.1 (DNS rebinding).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError, UserStepError } from '../errors.js';
import type { Channel } from '../protocol/response-type.js';
import { createFrontChannel } from './front-channel.js';

export interface AuthorizationResponse {
  channel: Channel;
  params: Record<string, string>;
}

export interface LoopbackListener {
  /** The redirect URI with the real port. */
  redirectUri: string;
  /** Resolves with the first authorization response; rejects with UserStepError after the timeout. */
  response: Promise<AuthorizationResponse>;
  close(): Promise<void>;
}

export interface ListenerOptions {
  timeoutSeconds: number;
  /** The response mode asked for: fragment means a bare GET is expected (the relay page). */
  expectFragment: boolean;
  /** This run's state: the fragment relay path is bound to it. */
  state?: string;
  warn(message: string): void;
}

const LOOPBACK_HOSTS: Record<string, string[]> = {
  '127.0.0.1': ['127.0.0.1'],
  '[::1]': ['::1'],
  localhost: ['127.0.0.1', '::1'],
};

/** RFC 8252 §7.3 / §8.3: http on a loopback IP literal (or localhost); no fragment. */
export function parseLoopbackRedirectUri(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('bad_redirect_uri', `--redirect-uri "${value}" is not a URL`);
  }
  const why =
    'a native client receives the response on a loopback listener: http://127.0.0.1:PORT/path, ' +
    'http://[::1]:PORT/path or http://localhost:PORT/path (RFC 8252 §7.3)';
  if (url.protocol !== 'http:')
    throw new UsageError('bad_redirect_uri', `--redirect-uri "${value}" is not http: ${why}`);
  if (!(url.hostname in LOOPBACK_HOSTS))
    throw new UsageError('bad_redirect_uri', `--redirect-uri "${value}" is not a loopback address: ${why}`);
  if (url.hash)
    throw new UsageError(
      'bad_redirect_uri',
      `--redirect-uri "${value}" has a fragment, which a redirect URI must not have (RFC 6749 §3.1.2)`,
    );
  return url;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>oidc-probe: ${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;
padding:0 1em;line-height:1.5}</style></head>
<body><h1 id="done">${title}</h1>${body}</body></html>`;
}
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The browser's answer: success, or the provider's error and description. */
export function answerPage(params: Record<string, string>): string {
  if (params.error !== undefined) {
    const desc = params.error_description ? `<p>${esc(params.error_description)}</p>` : '';
    return page(
      'The provider answered with an error',
      `<p><code>${esc(params.error)}</code></p>${desc}<p>Details are in the terminal.</p>`,
    );
  }
  return page(
    'Response received',
    '<p>oidc-probe has the authorization response. You can close this tab; the results are in the terminal.</p>',
  );
}

/** The Host header of a request addressed to this listener: its own name and port, nothing else. */
export function isOwnHost(host: string | undefined, hostname: string, port: number): boolean {
  if (host === undefined) return false;
  const value = host.toLowerCase();
  const name = hostname.toLowerCase();
  // RFC 9110 §7.2: the port may be left out when it is the scheme's default (80 for http).
  return value === `${name}:${port}` || (port === 80 && value === name);
}

/** A header value as visible ASCII, capped: it is quoted in a warning on the terminal. */
function printable(value: string): string {
  const shown = value
    .slice(0, 100)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return value.length > 100 ? `${shown}…` : shown;
}

export async function startLoopbackListener(redirectUri: string, opts: ListenerOptions): Promise<LoopbackListener> {
  const url = parseLoopbackRedirectUri(redirectUri);
  const path = url.pathname;
  const channel = createFrontChannel(path, {
    expectFragment: opts.expectFragment,
    ...(opts.state !== undefined ? { state: opts.state } : {}),
  });
  const servers: Server[] = [];
  let settled = false;
  let resolveResponse!: (r: AuthorizationResponse) => void;
  let rejectResponse!: (e: Error) => void;
  const response = new Promise<AuthorizationResponse>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });

  const answer = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers }).end(body);
  };

  const handler = (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    // RFC 9110 §7.2 and §15.5.20: the Host names the origin the request is meant for; a browser
    // sends the name it resolved, so any other name is a page from another site (DNS rebinding).
    const host = req.headers.host;
    if (!isOwnHost(host, url.hostname, port)) {
      req.resume();
      const warning =
        `a request ${host === undefined ? 'without a Host header' : `for Host "${printable(host)}"`} was refused: ` +
        `this listener answers only to ${url.hostname}:${port} (a web page may be trying to reach it ` +
        'through DNS rebinding); still waiting for the authorization response';
      opts.warn(warning);
      return answer(res, 421, { 'content-type': 'text/plain; charset=utf-8' }, warning);
    }
    channel
      .classify(req)
      .then((o) => {
        if (o.kind === 'other') return answer(res, 404, { 'content-type': 'text/plain' }, 'not found');
        if (o.kind === 'refused') {
          opts.warn(o.warning);
          return answer(res, o.status, { 'content-type': 'text/plain; charset=utf-8' }, o.warning);
        }
        if (o.kind === 'page') {
          if (o.note) opts.warn(o.note);
          return answer(res, o.status, o.headers, o.body);
        }
        if (settled) {
          opts.warn(`a second authorization response (by ${o.channel}) was ignored: only the first one counts`);
          return answer(res, 409, { 'content-type': 'text/plain' }, 'oidc-probe already has an authorization response');
        }
        settled = true;
        answer(res, 200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }, answerPage(o.params));
        resolveResponse({ channel: o.channel, params: o.params });
      })
      .catch(() => {
        if (!res.headersSent) answer(res, 400, { 'content-type': 'text/plain' }, 'bad request');
      });
  };

  let port = Number(url.port || 80);
  for (const host of LOOPBACK_HOSTS[url.hostname]!) {
    const server = createServer(handler);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // localhost: one of the two families may be missing on this machine; the other suffices.
      if (servers.length > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      if (code === 'EADDRINUSE') {
        throw new UsageError(
          'port_in_use',
          `port ${port} on ${host} is already in use, so the redirect URI ${redirectUri} cannot be listened on`,
          {
            hint:
              'choose another port with --redirect-uri http://127.0.0.1:PORT/callback (it must ' +
              'be registered with the provider), or port 0 for any free one',
          },
        );
      }
      throw new UsageError(
        'listen_failed',
        `cannot listen on ${host}:${port} for ${redirectUri}: ${(err as Error).message}`,
      );
    }
    servers.push(server);
    port = (server.address() as AddressInfo).port;
  }
  url.port = String(port);

  const timer = setTimeout(() => {
    rejectResponse(
      new UserStepError(
        'callback_timeout',
        `no authorization response reached ${url.href} within ${opts.timeoutSeconds} s`,
        {
          hint: 'finish the sign-in in the browser sooner, or give more time with --timeout <seconds>',
        },
      ),
    );
  }, opts.timeoutSeconds * 1000);
  timer.unref();

  const close = async () => {
    clearTimeout(timer);
    for (const server of servers) {
      // Stop accepting now; let the answer page already written reach the browser, then cut the rest.
      server.close();
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    }
  };
  // The redirect URI keeps its exact string apart from the port (RFC 8252 §7.3).
  return { redirectUri: url.href, response, close };
}
