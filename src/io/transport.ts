// How bytes reach a server: directly, or through the proxy that HTTPS_PROXY / HTTP_PROXY name
// (NO_PROXY excepted), with TLS verified here so that a failure names the certificate the server
// presented in that very handshake (no second connection, which could bypass the proxy or meet a
// different certificate). Node's own HTTP/1.1 client (node:http) carries the requests: its parser
// is native code, so a run neither compiles a WebAssembly parser nor waits at exit for V8 to finish
// optimising one in the background, as undici (and fetch) do.
// - https targets through an http(s) proxy: a CONNECT tunnel (RFC 9110 §9.3.6) opened here, then
//   TLS in it. Any failure of the tunnel ends the request with one error, never a retry loop.
// - http targets through an http(s) proxy: absolute-form requests (RFC 9112 §3.2.2), as proxies
//   expect; many allow CONNECT only to port 443.
// - socks proxies: SOCKS version 5 (RFC 1928), with username and password (RFC 1929) when the
//   proxy URL has them; the target's name is resolved by the proxy. Then TLS in it, as above.
// The built-in modules are loaded on first use (process.getBuiltinModule): `decode` needs none.
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { UsageError } from '../errors.js';

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
  /** Connection, TLS handshake and proxy handshake timeout. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** One request as the transport sends it: the body is complete, the signal ends it early. */
export interface TransportRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Sends each request the way its target needs (direct, tunnel, absolute form, SOCKS). */
export interface Dispatcher {
  /** Resolves when the response head has arrived; the body is still to be read from it. */
  send(request: TransportRequest): Promise<IncomingMessage>;
  /** Closes the idle connections. */
  close(): void;
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

/** The proxy refused, closed, or did not answer. */
export class ProxyError extends Error {
  override name = 'ProxyError';
  readonly code = 'OIDC_PROBE_PROXY';
}

/** A connection or handshake that took longer than the timeout (io/http.ts reads the name). */
function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
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

type Connected = (err: Error | null, socket?: Socket) => void;

/** Calls back once, removes its listeners, and gives up after `timeoutMs` (the socket destroyed). */
function settleOnce(socket: Socket, timeoutMs: number, onTimeout: () => Error, callback: Connected) {
  let settled = false;
  const timer = setTimeout(() => fail(onTimeout()), timeoutMs);
  const onError = (err: Error) => fail(err);
  socket.once('error', onError);
  function finish(err: Error | null, ok?: Socket): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.removeListener('error', onError);
    callback(err, ok);
  }
  function fail(err: Error): void {
    if (settled) return;
    socket.destroy();
    finish(err);
  }
  return { ok: (s: Socket) => finish(null, s), fail };
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '');
const authority = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
const proxyLabel = (proxy: URL) => `${proxy.protocol}//${proxy.host}`;

/** TCP to host:port. */
function connectTcp(host: string, port: number, timeoutMs: number, callback: Connected): void {
  const socket = process.getBuiltinModule('node:net').connect({ host: bare(host), port });
  const settle = settleOnce(
    socket,
    timeoutMs,
    () => timeoutError(`no connection to ${authority(bare(host), port)} within ${timeoutMs / 1000} s`),
    callback,
  );
  socket.once('connect', () => settle.ok(socket));
}

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
 * TLS to host:port (over `socket`, a tunnel, when given), verified here: Node verifies the chain
 * and the name as always (and sets `authorized` / `authorizationError`); the socket is refused
 * before a byte is sent unless it is authorized, and the refusal carries the certificate that was
 * presented. No session is resumed: a resumed session skips the name check.
 */
function connectTls(
  target: { host: string; port: number; socket?: Socket },
  tls: TlsSettings,
  clientCert: boolean,
  timeoutMs: number,
  callback: Connected,
): void {
  const host = bare(target.host);
  const tlsSocket: TLSSocket = process.getBuiltinModule('node:tls').connect({
    host,
    port: target.port,
    ...(target.socket ? { socket: target.socket } : {}),
    // RFC 6066 §3: a server name, never an IP address literal.
    ...(process.getBuiltinModule('node:net').isIP(host) ? {} : { servername: host }),
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(clientCert && tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
    ALPNProtocols: ['http/1.1'],
    rejectUnauthorized: false,
  });
  const settle = settleOnce(
    tlsSocket,
    timeoutMs,
    () => timeoutError(`no TLS handshake with ${authority(host, target.port)} within ${timeoutMs / 1000} s`),
    callback,
  );
  tlsSocket.once('secureConnect', () => {
    if (tls.insecure || tlsSocket.authorized) return settle.ok(tlsSocket);
    settle.fail(
      new CertificateError(
        String(tlsSocket.authorizationError ?? 'UNABLE_TO_VERIFY'),
        presented(tlsSocket.getPeerCertificate()),
      ),
    );
  });
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'proxy-authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/** A CONNECT tunnel through an http(s) proxy to host:port: the raw socket, TLS still to come. */
function connectTunnel(
  proxy: URL,
  target: { host: string; port: number },
  tls: TlsSettings,
  timeoutMs: number,
  callback: Connected,
): void {
  const path = authority(bare(target.host), target.port);
  let settled = false;
  const fail = (message: string) => {
    if (settled) return;
    settled = true;
    callback(new ProxyError(message));
  };
  const { request } = process.getBuiltinModule(proxy.protocol === 'https:' ? 'node:https' : 'node:http');
  const req = request({
    host: bare(proxy.hostname),
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path,
    headers: { host: path, ...proxyAuthorization(proxy) },
    agent: false,
    timeout: timeoutMs,
    ...(proxy.protocol === 'https:' && tls.ca ? { ca: tls.ca } : {}),
    ...(proxy.protocol === 'https:' && tls.insecure ? { rejectUnauthorized: false } : {}),
  });
  req.once('connect', (res, socket: Socket, head: Buffer) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      fail(`the proxy ${proxyLabel(proxy)} answered ${res.statusCode} to CONNECT ${path}`);
      return;
    }
    if (settled) return void socket.destroy();
    settled = true;
    req.setTimeout(0);
    if (head.length) socket.unshift(head);
    callback(null, socket);
  });
  req.once('response', (res) => {
    res.resume();
    fail(`the proxy ${proxyLabel(proxy)} answered ${res.statusCode} to CONNECT ${path}`);
  });
  req.once('timeout', () => {
    req.destroy();
    fail(`the proxy ${proxyLabel(proxy)} did not answer CONNECT ${path} within ${timeoutMs / 1000} s`);
  });
  req.once('error', (err: NodeJS.ErrnoException) => fail(proxyFailure(proxy, err, `CONNECT ${path}`)));
  req.end();
}

function proxyFailure(proxy: URL, err: NodeJS.ErrnoException, asked: string): string {
  if (err.code === 'ECONNREFUSED') return `the proxy ${proxyLabel(proxy)} refused the connection`;
  if (err.code === 'ECONNRESET' || /socket hang up|closed/i.test(err.message))
    return `the proxy ${proxyLabel(proxy)} closed the connection without answering ${asked}`;
  return `the proxy ${proxyLabel(proxy)} failed: ${err.message}`;
}

/** RFC 1928 §6: what a SOCKS5 server's reply code means. */
const SOCKS_REPLIES = [
  'succeeded',
  'general SOCKS server failure',
  'connection not allowed by ruleset',
  'network unreachable',
  'host unreachable',
  'connection refused',
  'TTL expired',
  'command not supported',
  'address type not supported',
];

/** An IPv6 literal as its 16 bytes (RFC 4291 §2.2 text forms). */
function ipv6Bytes(text: string): Buffer {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined): number[] => {
    if (!part) return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [Number.parseInt(g, 16)];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}

/** RFC 1928 §4: the address of a CONNECT request (an IP literal as such, a name for the proxy to resolve). */
function socksAddress(host: string): Buffer {
  const net = process.getBuiltinModule('node:net');
  if (net.isIPv4(host)) return Buffer.from([0x01, ...host.split('.').map(Number)]);
  if (net.isIPv6(host)) return Buffer.concat([Buffer.from([0x04]), ipv6Bytes(host)]);
  const name = Buffer.from(host);
  return Buffer.concat([Buffer.from([0x03, name.length]), name]);
}

/**
 * A SOCKS5 connection through `proxy` to host:port (RFC 1928): the method negotiation, username
 * and password when the URL has them (RFC 1929), CONNECT; then the socket carries the target's bytes.
 */
function connectSocks(
  proxy: URL,
  target: { host: string; port: number },
  timeoutMs: number,
  callback: Connected,
): void {
  const host = bare(target.host);
  const asked = `CONNECT ${authority(host, target.port)}`;
  const user = Buffer.from(decodeURIComponent(proxy.username));
  const pass = Buffer.from(decodeURIComponent(proxy.password));
  const withPassword = user.length > 0 || pass.length > 0;
  const socket = process.getBuiltinModule('node:net').connect({
    host: bare(proxy.hostname),
    port: Number(proxy.port) || 1080,
  });
  const settle = settleOnce(
    socket,
    timeoutMs,
    () => new ProxyError(`the proxy ${proxyLabel(proxy)} did not answer ${asked} within ${timeoutMs / 1000} s`),
    (err, ok) =>
      callback(
        err && !(err instanceof ProxyError) && err.name !== 'TimeoutError'
          ? new ProxyError(proxyFailure(proxy, err as NodeJS.ErrnoException, asked))
          : err,
        ok,
      ),
  );
  const refuse = (why: string) => settle.fail(new ProxyError(`the proxy ${proxyLabel(proxy)} ${why}`));
  let received = Buffer.alloc(0);
  let step: 'method' | 'password' | 'reply' = 'method';
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (step === 'method') {
      if (received.length < 2) return;
      const method = received[1];
      received = received.subarray(2);
      if (method === 0x02 && withPassword) {
        if (user.length > 255 || pass.length > 255) return refuse('needs a username and password of at most 255 bytes');
        step = 'password';
        socket.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([pass.length]), pass]));
      } else if (method === 0x00) {
        step = 'reply';
        sendConnect();
      } else {
        const offered = withPassword ? 'none, username and password' : 'none';
        return refuse(`accepts none of the authentication methods offered (${offered})`);
      }
    }
    if (step === 'password') {
      if (received.length < 2) return;
      if (received[1] !== 0x00) return refuse('refused the username and password');
      received = received.subarray(2);
      step = 'reply';
      sendConnect();
    }
    if (received.length < 5) return;
    // VER REP RSV ATYP BND.ADDR BND.PORT: the address is 4, 16 or 1 + its length bytes.
    const length = 4 + (received[3] === 0x01 ? 4 : received[3] === 0x04 ? 16 : 1 + received[4]!) + 2;
    if (received.length < length) return;
    const reply = received[1]!;
    if (reply !== 0x00) return refuse(`answered "${SOCKS_REPLIES[reply] ?? `error ${reply}`}" to ${asked}`);
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    if (received.length > length) socket.unshift(received.subarray(length));
    settle.ok(socket);
  };
  const sendConnect = () =>
    socket.write(
      Buffer.concat([
        Buffer.from([0x05, 0x01, 0x00]),
        socksAddress(host),
        Buffer.from([target.port >> 8, target.port & 0xff]),
      ]),
    );
  const onEnd = () => refuse(`closed the connection without answering ${asked}`);
  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.once('connect', () => socket.write(Buffer.from(withPassword ? [0x05, 0x02, 0x00, 0x02] : [0x05, 0x01, 0x00])));
}

// ---------------------------------------------------------------------------------------------
// Requests

/** A keep-alive agent whose connections `connect` makes (TLS, tunnels and SOCKS included). */
function agentConnectingWith(connect: (host: string, port: number, callback: Connected) => void): Agent {
  const agent = new (process.getBuiltinModule('node:http').Agent)({ keepAlive: true });
  // Node's Agent takes a connection made asynchronously: undefined now, the socket through the callback.
  (agent as unknown as { createConnection: unknown }).createConnection = (
    options: { host: string; port: number | string },
    callback: Connected,
  ) => {
    connect(options.host, Number(options.port), callback);
    return undefined;
  };
  return agent;
}

const defaultPort = (url: URL) => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);

/** The dispatcher every request of a command goes through. */
export function createDispatcher(settings: TransportSettings): Dispatcher {
  const env = settings.env ?? process.env;
  const { tls, timeoutMs } = settings;
  const agents = new Map<string, Agent>();
  const agent = (key: string, connect: (host: string, port: number, callback: Connected) => void): Agent => {
    let found = agents.get(key);
    if (!found) {
      found = agentConnectingWith(connect);
      agents.set(key, found);
    }
    return found;
  };
  const toServer = (https: boolean) => (host: string, port: number, cb: Connected) =>
    https ? connectTls({ host, port }, tls, true, timeoutMs, cb) : connectTcp(host, port, timeoutMs, cb);

  /** Where the request goes and how: the agent, and the host, port and path it is sent to. */
  function route(target: URL): {
    agent: Agent;
    host: string;
    port: number;
    path: string;
    headers: Record<string, string>;
  } {
    const https = target.protocol === 'https:';
    const direct = { host: bare(target.hostname), port: defaultPort(target), path: target.pathname + target.search };
    const proxy = proxyFor(target, env);
    if (!proxy) return { ...direct, agent: agent(https ? 'https' : 'http', toServer(https)), headers: {} };
    if (proxy.protocol === 'socks:' || proxy.protocol === 'socks5:') {
      const connect = (host: string, port: number, cb: Connected) =>
        connectSocks(proxy, { host, port }, timeoutMs, (err, socket) =>
          err || !https ? cb(err, socket) : connectTls({ host, port, socket: socket! }, tls, true, timeoutMs, cb),
        );
      return { ...direct, agent: agent(`${target.protocol} ${proxy.href}`, connect), headers: {} };
    }
    if (https) {
      const connect = (host: string, port: number, cb: Connected) =>
        connectTunnel(proxy, { host, port }, tls, timeoutMs, (err, socket) =>
          err ? cb(err) : connectTls({ host, port, socket: socket! }, tls, true, timeoutMs, cb),
        );
      return { ...direct, agent: agent(`tunnel ${proxy.href}`, connect), headers: {} };
    }
    // RFC 9112 §3.2.2: to a proxy, a request names its target in absolute form. An https proxy's
    // own certificate is checked the same way, and gets no client certificate.
    const toProxy = (host: string, port: number, cb: Connected) =>
      proxy.protocol === 'https:'
        ? connectTls({ host, port }, tls, false, timeoutMs, cb)
        : connectTcp(host, port, timeoutMs, cb);
    return {
      agent: agent(`proxy ${proxy.href}`, toProxy),
      host: bare(proxy.hostname),
      port: defaultPort(proxy),
      path: target.origin + target.pathname + target.search,
      headers: proxyAuthorization(proxy),
    };
  }

  function sendOnce(request: TransportRequest): Promise<IncomingMessage> {
    const { url } = request;
    return new Promise((resolve, reject) => {
      const where = route(url);
      const options: RequestOptions = {
        agent: where.agent,
        host: where.host,
        port: where.port,
        path: where.path,
        method: request.method,
        // The Host header as the URL has it (no default port), whichever way the request goes.
        headers: {
          host: url.host,
          ...where.headers,
          ...request.headers,
          ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
        },
        ...(request.signal ? { signal: request.signal } : {}),
      };
      const req: ClientRequest = process.getBuiltinModule('node:http').request(options);
      req.once('response', resolve);
      req.once('error', (err: Error) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(request.body);
    });
  }

  return {
    async send(request) {
      if (request.url.protocol !== 'http:' && request.url.protocol !== 'https:')
        throw Object.assign(new TypeError(`only http and https URLs can be fetched, not ${request.url.protocol}`), {
          code: 'ERR_INVALID_URL',
        });
      try {
        return await sendOnce(request);
      } catch (err) {
        // A kept-alive connection the server closed as it was being reused: a GET is safe to send
        // again on a new one (RFC 9110 §9.2.2); a POST may have been acted on, so it is not.
        const e = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
        if (e.reusedSocket && e.code === 'ECONNRESET' && request.method === 'GET' && !request.signal?.aborted)
          return sendOnce(request);
        throw err;
      }
    },
    close() {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}
