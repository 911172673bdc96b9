// How bytes reach a server: directly, or through the proxy that HTTPS_PROXY / HTTP_PROXY name
// (NO_PROXY excepted), with TLS verified here so that a failure names the certificate the server
// presented in that very handshake (no second connection, which could bypass the proxy or meet a
// different certificate).
// - https targets through a proxy: a CONNECT tunnel (RFC 9110 §9.3.6) opened here, then TLS in it.
//   Any failure of the tunnel ends the request with one error. (undici's ProxyAgent retries a
//   tunnel the proxy closes, at once and forever: a busy loop past every timeout, nodejs/undici#3897.)
// - http targets through a proxy: absolute-form requests (RFC 9112 §3.2.2), as proxies expect;
//   many allow CONNECT only to port 443.
// - socks proxies: undici's ProxyAgent, as they are.
// undici is loaded synchronously on first use (it stays outside the bundle, see scripts/bundle.mjs).
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { UsageError } from '../errors.js';

type Undici = typeof import('undici');
type Dispatcher = import('undici').Dispatcher;
type Connector = import('undici').buildConnector.connector;
type ConnectOptions = import('undici').buildConnector.Options;
type Callback = import('undici').buildConnector.Callback;

export interface TlsSettings {
  /** PEM of the CAs to trust instead of Node's (--ca-file). */
  ca?: string | undefined;
  /** --insecure: accept any certificate. */
  insecure?: boolean | undefined;
  /** RFC 8705: a client certificate presented to the servers (never to a proxy). */
  cert?: string | undefined;
  key?: string | undefined;
}

export interface TransportSettings {
  tls: TlsSettings;
  /** Connection and CONNECT timeout. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** The certificate a server presented when TLS verification failed, for the message. */
export interface PresentedCertificate {
  subject: string;
  issuer: string;
  selfSigned: boolean;
}

/** TLS verification failed; `code` is OpenSSL's or Node's reason (UNABLE_TO_VERIFY_LEAF_SIGNATURE…). */
export class CertificateError extends Error {
  override name = 'CertificateError';
  readonly code: string;
  readonly certificate: PresentedCertificate | undefined;
  constructor(code: string, certificate: PresentedCertificate | undefined) {
    super(`TLS failure (${code})`);
    this.code = code;
    this.certificate = certificate;
  }
}

/** The proxy refused, closed, or did not answer. Its code is none of undici's "try again" codes. */
export class ProxyError extends Error {
  override name = 'ProxyError';
  readonly code = 'OIDC_PROBE_PROXY';
}

function loadUndici(): Undici {
  return createRequire(import.meta.url)('undici') as Undici;
}

// ---------------------------------------------------------------------------------------------
// Which proxy, if any (the conventions curl, Go and undici share)

/** The proxy for a target: https_proxy/HTTPS_PROXY for https (else the http one), http_proxy/HTTP_PROXY for http. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const http = env.http_proxy ?? env.HTTP_PROXY;
  const raw = target.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY ?? http) : http;
  if (!raw) return undefined;
  if (bypassesProxy(target, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  return parseProxyUrl(raw);
}

/** A proxy URL; a bare host:port means http:// (as curl reads it). */
export function parseProxyUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new UsageError('bad_proxy', `the proxy "${raw}" (HTTPS_PROXY / HTTP_PROXY) is not a URL`);
  }
  if (!['http:', 'https:', 'socks:', 'socks5:'].includes(url.protocol))
    throw new UsageError(
      'bad_proxy',
      `the proxy "${raw}" (HTTPS_PROXY / HTTP_PROXY) has the scheme ${url.protocol} (http, https or socks5 expected)`,
    );
  return url;
}

/**
 * NO_PROXY: names separated by commas or spaces, each a host (and its subdomains; a leading "." or
 * "*." changes nothing), optionally with a port; "*" alone means every host.
 */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  for (const entry of noProxy.split(/[,\s]+/).filter(Boolean)) {
    if (entry === '*') return true;
    const m = /^(.+):(\d+)$/.exec(entry);
    if (m && Number(m[2]) !== port) continue;
    const name = (m ? m[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Connections

const describe = (x: Record<string, string | string[]> | undefined) =>
  x
    ? Object.entries(x)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
        .join(', ')
    : '?';

function presented(cert: PeerCertificate | undefined): PresentedCertificate | undefined {
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const subject = describe(cert.subject as unknown as Record<string, string>);
  const issuer = describe(cert.issuer as unknown as Record<string, string>);
  return { subject, issuer, selfSigned: subject === issuer };
}

/**
 * TCP, or TLS verified here: Node verifies the chain and the name as always (and sets
 * `authorized` / `authorizationError`); the socket is refused before a byte is sent unless it is
 * authorized, and the refusal carries the certificate that was presented.
 */
function verifyingConnector(undici: Undici, tls: TlsSettings, timeoutMs: number, clientCert: boolean): Connector {
  const base = undici.buildConnector({
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(clientCert && tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
    rejectUnauthorized: false,
    timeout: timeoutMs,
  });
  return (opts: ConnectOptions, callback: Callback) =>
    base(opts, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const tlsSocket = socket as TLSSocket;
      if (opts.protocol !== 'https:' || tls.insecure || tlsSocket.authorized) return callback(null, socket);
      const failure = new CertificateError(
        String(tlsSocket.authorizationError ?? 'UNABLE_TO_VERIFY'),
        presented(tlsSocket.getPeerCertificate()),
      );
      tlsSocket.destroy();
      callback(failure, null);
    }) as never;
}

const authority = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
const proxyLabel = (proxy: URL) => `${proxy.protocol}//${proxy.host}`;

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'proxy-authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/** A CONNECT tunnel through the proxy, then TLS to the target inside it. */
function tunnelConnector(proxy: URL, tls: TlsSettings, timeoutMs: number, inner: Connector): Connector {
  return (opts: ConnectOptions, callback: Callback) => {
    const target = authority(opts.hostname, Number(opts.port) || 443);
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      callback(new ProxyError(message), null);
    };
    void (async () => {
      const { request } = proxy.protocol === 'https:' ? await import('node:https') : await import('node:http');
      const req = request({
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
        method: 'CONNECT',
        path: target,
        headers: { host: target, ...proxyAuthorization(proxy) },
        agent: false,
        timeout: timeoutMs,
        ...(proxy.protocol === 'https:' && tls.ca ? { ca: tls.ca } : {}),
        ...(proxy.protocol === 'https:' && tls.insecure ? { rejectUnauthorized: false } : {}),
      });
      req.once('connect', (res, socket: Socket, head: Buffer) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          fail(`the proxy ${proxyLabel(proxy)} answered ${res.statusCode} to CONNECT ${target}`);
          return;
        }
        if (settled) return void socket.destroy();
        settled = true;
        req.setTimeout(0);
        if (head.length) socket.unshift(head);
        inner({ ...opts, httpSocket: socket } as ConnectOptions, callback);
      });
      req.once('response', (res) => {
        res.resume();
        fail(`the proxy ${proxyLabel(proxy)} answered ${res.statusCode} to CONNECT ${target}`);
      });
      req.once('timeout', () => {
        req.destroy();
        fail(`the proxy ${proxyLabel(proxy)} did not answer CONNECT ${target} within ${timeoutMs / 1000} s`);
      });
      req.once('error', (err: NodeJS.ErrnoException) =>
        fail(
          err.code === 'ECONNREFUSED'
            ? `the proxy ${proxyLabel(proxy)} refused the connection`
            : err.code === 'ECONNRESET' || /socket hang up|closed/i.test(err.message)
              ? `the proxy ${proxyLabel(proxy)} closed the connection without answering CONNECT ${target}`
              : `the proxy ${proxyLabel(proxy)} failed: ${err.message}`,
        ),
      );
      req.end();
    })().catch((err: Error) => fail(`the proxy ${proxyLabel(proxy)} failed: ${err.message}`));
  };
}

type DispatchOptions = import('undici').Dispatcher.DispatchOptions;
type DispatchHandler = import('undici').Dispatcher.DispatchHandler;

function headerObject(headers: DispatchOptions['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!headers) return out;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>))
    if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/** The dispatcher every request of a command goes through. */
export function createDispatcher(settings: TransportSettings): Dispatcher {
  const undici = loadUndici();
  const env = settings.env ?? process.env;
  const { tls, timeoutMs } = settings;
  const toServer = verifyingConnector(undici, tls, timeoutMs, true);
  // To an https proxy itself: its certificate checked the same way, no client certificate.
  const direct = new undici.Agent({ connect: toServer });
  const toProxy = new undici.Agent({ connect: verifyingConnector(undici, tls, timeoutMs, false) });
  const tunnels = new Map<string, Dispatcher>();
  const socks = new Map<string, Dispatcher>();
  const all = () => [direct, toProxy, ...tunnels.values(), ...socks.values()];

  class Router extends undici.Dispatcher {
    override dispatch(opts: DispatchOptions, handler: DispatchHandler): boolean {
      const target = new URL(String(opts.origin));
      const proxy = proxyFor(target, env);
      if (!proxy) return direct.dispatch(opts, handler);
      if (proxy.protocol === 'socks:' || proxy.protocol === 'socks5:') {
        let agent = socks.get(proxy.href);
        if (!agent) {
          const requestTls = {
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.insecure ? { rejectUnauthorized: false } : {}),
          };
          agent = new undici.ProxyAgent({ uri: proxy.href, requestTls });
          socks.set(proxy.href, agent);
        }
        return agent.dispatch(opts, handler);
      }
      if (target.protocol === 'https:') {
        let agent = tunnels.get(proxy.href);
        if (!agent) {
          agent = new undici.Agent({ connect: tunnelConnector(proxy, tls, timeoutMs, toServer) });
          tunnels.set(proxy.href, agent);
        }
        return agent.dispatch(opts, handler);
      }
      // RFC 9112 §3.2.2: to a proxy, a request names its target in absolute form.
      return toProxy.dispatch(
        {
          ...opts,
          origin: proxy.origin,
          path: `${target.origin}${opts.path || '/'}`,
          headers: { ...headerObject(opts.headers), host: target.host, ...proxyAuthorization(proxy) },
        },
        handler,
      );
    }
    override async close(): Promise<void> {
      await Promise.all(all().map((d) => d.close()));
    }
    override async destroy(): Promise<void> {
      await Promise.all(all().map((d) => d.destroy()));
    }
  }
  return new Router();
}
