// The loopback redirect URI listener (RFC 8252 §7.3, §8.3): bound to the redirect URI's loopback
// host only, on its port (0 → ephemeral, reflected in redirect_uri), listening before the browser
// opens. One listener, three channels (src/io/front-channel.ts): it takes exactly one
// authorization response, answers the browser with a short page, and closes. It answers only
// requests addressed to its own host:port, so a web page cannot reach it through a name of its own
// that resolves to 127.0.0.1 (DNS rebinding).
import { createServer, type Server, type ServerResponse } from 'node:http';
import { listenOn } from './listen.js';
import { isIP, type AddressInfo } from 'node:net';
import { UsageError, UserStepError } from '../errors.js';
import { escapeHtml } from '../protocol/html-text.js';
import type { Channel } from '../protocol/response-type.js';
import { createFrontChannel, type AddressOutcome } from './front-channel.js';
import type { PastedExpectations } from '../protocol/pasted-response.js';
import { describePortOwner, findPortOwner } from './port-owner.js';

export interface AuthorizationResponse {
  channel: Channel;
  params: Record<string, string>;
  /** How it arrived: the browser at the listener, or an address a person pasted. */
  via: 'listener' | 'paste';
}

export interface LoopbackListener {
  /** The redirect URI with the real port. */
  redirectUri: string;
  /** Where it listens (host:port; differs from the redirect URI's with --listen). */
  address: string;
  /** Resolves with the first authorization response; rejects with UserStepError after the timeout. */
  response: Promise<AuthorizationResponse>;
  /**
   * An address the browser ended on, pasted by a person: judged by the same front channel as a
   * request to the listener, and when it is a response it settles `response` exactly as one would.
   */
  offerAddress(text: string, expect: Omit<PastedExpectations, 'state' | 'redirectUri'>): AddressOutcome;
  close(): Promise<void>;
}

/** Where to bind instead of the redirect URI's host and port (`--listen`), e.g. in a container. */
export interface ListenAddress {
  /** An IP literal (IPv6 without brackets) or localhost. */
  host: string;
  port: number;
  /** Not a loopback address: allowed only with --listen-any. */
  loopback: boolean;
}

export interface ListenerOptions {
  timeoutSeconds: number;
  /** Bind here rather than where the redirect URI points (the redirect URI is sent unchanged). */
  listen?: ListenAddress | undefined;
  /** The response mode asked for: fragment means a bare GET is expected (the relay page). */
  expectFragment: boolean;
  /** This run's state: the fragment relay path is bound to it. */
  state?: string;
  /** A hint for the timeout error besides the usual one (a provider quirk that explains it). */
  timeoutHint?: string | undefined;
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

function isLoopbackIp(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  const h = host.toLowerCase();
  return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
}

/**
 * `--listen HOST:PORT` (or `:PORT` for the redirect URI's host): an IP literal or localhost. A
 * non-loopback address is refused unless `any` (--listen-any): RFC 8252 §8.3 has the listener on the
 * loopback interface only, where no other machine can send it an authorization response.
 */
export function parseListenAddress(value: string, redirectUri: URL, opts: { any: boolean }): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const bad = (why: string) =>
    new UsageError('bad_listen', `--listen "${value}" ${why}`, {
      hint: 'give HOST:PORT, e.g. --listen 127.0.0.1:8765, --listen [::1]:8765 or --listen :0 (any free port)',
    });
  if (!m) throw bad('is not HOST:PORT');
  const port = Number(m[3]);
  if (port > 65535) throw bad('has a port above 65535');
  const host = m[1] ?? (m[2] || redirectUri.hostname.replace(/^\[|\]$/g, ''));
  if (host.toLowerCase() !== 'localhost' && isIP(host) === 0)
    throw bad('does not name an IP address or localhost (a name could resolve anywhere)');
  const loopback = host.toLowerCase() === 'localhost' || isLoopbackIp(host);
  if (!loopback && !opts.any)
    throw new UsageError(
      'non_loopback_listen',
      `--listen ${value} is not a loopback address: the redirect listener of a native app binds to the loopback ` +
        'interface only, so that no other machine can reach it (RFC 8252 §8.3)',
      {
        hint:
          "in a container, publish the port on the host's loopback only (docker run -p 127.0.0.1:8765:8765) and " +
          "pass --listen-any to bind to the container's interface",
      },
    );
  return { host: host.toLowerCase() === 'localhost' ? 'localhost' : host, port, loopback };
}

/** What to bind: the listen address, or the redirect URI's host (both families for localhost). */
function bindHosts(url: URL, listen: ListenAddress | undefined): string[] {
  if (listen) return listen.host === 'localhost' ? LOOPBACK_HOSTS.localhost! : [listen.host];
  return LOOPBACK_HOSTS[url.hostname]!;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>oidc-probe: ${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;
padding:0 1em;line-height:1.5}</style></head>
<body><h1 id="done">${title}</h1>${body}</body></html>`;
}
/** The browser's answer: success, or the provider's error and description. */
export function answerPage(params: Record<string, string>): string {
  if (params.error !== undefined) {
    const desc = params.error_description ? `<p>${escapeHtml(params.error_description)}</p>` : '';
    return page(
      'The provider answered with an error',
      `<p><code>${escapeHtml(params.error)}</code></p>${desc}<p>Details are in the terminal.</p>`,
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

  /** The first authorization response, however it came, is the run's; later ones are ignored. */
  const settle = (r: AuthorizationResponse): boolean => {
    if (settled) {
      opts.warn(`a second authorization response (by ${r.channel}) was ignored: only the first one counts`);
      return false;
    }
    settled = true;
    resolveResponse(r);
    return true;
  };

  const answer = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers }).end(body);
  };

  const handler = (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    // RFC 9110 §7.2 and §15.5.20: the Host names the origin the request is meant for; a browser
    // sends the name it resolved, so any other name is a page from another site (DNS rebinding).
    const host = req.headers.host;
    // With --listen the browser still addresses the redirect URI's host:port (a forwarded port).
    if (!isOwnHost(host, url.hostname, redirectPort) && !(listenAuthority && host === listenAuthority)) {
      req.resume();
      const warning =
        `a request ${host === undefined ? 'without a Host header' : `for Host "${printable(host)}"`} was refused: ` +
        `this listener answers only to ${url.hostname}:${redirectPort} (a web page may be trying to reach it ` +
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
        if (!settle({ channel: o.channel, params: o.params, via: 'listener' }))
          return answer(res, 409, { 'content-type': 'text/plain' }, 'oidc-probe already has an authorization response');
        answer(res, 200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }, answerPage(o.params));
      })
      .catch(() => {
        if (!res.headersSent) answer(res, 400, { 'content-type': 'text/plain' }, 'bad request');
      });
  };

  const listen = opts.listen;
  let port = listen ? listen.port : Number(url.port || 80);
  // The port the browser is sent to: the redirect URI's, unless it is 0 (then the one bound).
  let redirectPort = Number(url.port || 80);
  let listenAuthority: string | undefined;
  for (const host of bindHosts(url, listen)) {
    const server = createServer(handler);
    try {
      await listenOn(server, port, host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // localhost: one of the two families may be missing on this machine; the other suffices.
      if (servers.length > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (code === 'EADDRINUSE') {
        const owner = await findPortOwner(port);
        const by = owner ? ` by ${describePortOwner(owner)}` : '';
        throw new UsageError(
          'port_in_use',
          listen
            ? `port ${port} on ${host} is already in use${by}, so --listen ${where} cannot be bound`
            : `port ${port} on ${host} is already in use${by}, so the redirect URI ${redirectUri} ` +
                'cannot be listened on',
          {
            hint: listen
              ? `${owner?.pid ? 'stop that process, or ' : ''}choose another port with --listen HOST:PORT ` +
                "(:0 for any free one) and forward the redirect URI's port to it"
              : `${owner?.pid ? 'stop that process, or ' : ''}use any free port with --redirect-uri ` +
                `http://${url.hostname}:0${url.pathname} (:0; RFC 8252 §7.3 has providers accept any loopback ` +
                'port), or another port registered with the provider',
          },
        );
      }
      throw new UsageError('listen_failed', `cannot listen on ${where} for ${redirectUri}: ${(err as Error).message}`);
    }
    servers.push(server);
    port = (server.address() as AddressInfo).port;
    if (listen && !listenAuthority && listen.host !== 'localhost' && !['0.0.0.0', '::'].includes(listen.host))
      listenAuthority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  if (redirectPort === 0) redirectPort = port;
  url.port = String(redirectPort);

  const timer = setTimeout(() => {
    rejectResponse(
      new UserStepError(
        'callback_timeout',
        `no authorization response reached ${url.href} within ${opts.timeoutSeconds} s`,
        {
          hint:
            opts.timeoutHint ?? 'finish the sign-in in the browser sooner, or give more time with --timeout <seconds>',
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
  const offerAddress = (text: string, expect: Omit<PastedExpectations, 'state' | 'redirectUri'>): AddressOutcome => {
    const outcome = channel.classifyAddress(text, { ...expect, redirectUri: url.href });
    if (outcome.kind === 'response' && !settle({ channel: outcome.channel, params: outcome.params, via: 'paste' }))
      return { kind: 'refused', reason: 'an authorization response has already arrived' };
    return outcome;
  };
  // The redirect URI keeps its exact string apart from the port (RFC 8252 §7.3).
  const first = servers[0]!.address() as AddressInfo;
  const address = `${first.family === 'IPv6' ? `[${first.address}]` : first.address}:${first.port}`;
  return { redirectUri: url.href, address, response, offerAddress, close };
}
