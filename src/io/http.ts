// The HTTP edge every command uses (node:http through io/transport.ts). It turns transport failures into
// NetworkError (exit 3) and OAuth error bodies into ProviderError (exit 4), enforces a timeout and a
// size cap, and reports each exchange to observers (--verbose traces, HAR) after redaction there.
import { type CodeFor, NetworkError, ProviderError } from '../errors.js';
import {
  CertificateError,
  createDispatcher,
  type Dispatcher,
  type PresentedCertificate,
  ProxyError,
} from '../io/transport.js';
import { exceedsJsonDepth, tooDeepMessage } from '../protocol/json-depth.js';

export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface HttpRequest {
  url: string | URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** application/x-www-form-urlencoded body; an array repeats the parameter (RFC 8707 resource). */
  form?: Record<string, string | string[] | undefined>;
  body?: string;
  /** What is being fetched, for messages: "discovery document", "JWKS", "token endpoint". */
  what: string;
  timeoutMs?: number;
  /**
   * The answer may hold tokens or credentials, so --verbose and --har withhold what cannot be
   * parsed and redacted. Default: every POST (token, PAR, device authorization, introspection,
   * registration); GETs (discovery, JWKS, userinfo) answer with metadata and claims.
   */
  carriesSecrets?: boolean;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  durationMs: number;
}

export interface HttpExchange {
  /** What was fetched (HttpRequest.what): names the endpoint in the run record. */
  what: string;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | undefined;
    carriesSecrets: boolean;
  };
  response?: HttpResponse;
  error?: NetworkError;
  startedAt: Date;
}

export interface HttpClientOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Told about every exchange, successful or not (for --verbose and --har). */
  observers?: Array<(exchange: HttpExchange) => void>;
  /** How requests reach servers (proxies, custom CA…): io/transport.ts; direct, Node's CAs, when absent. */
  dispatcher?: Dispatcher;
  /** The proxy a URL is fetched through, for messages; undefined when direct. */
  proxyOf?: (url: string) => string | undefined;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** A 2xx JSON object; OAuth error bodies → ProviderError; anything else → NetworkError. */
  json<T = Record<string, unknown>>(req: HttpRequest): Promise<{ response: HttpResponse; json: T }>;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  options = {
    ...options,
    dispatcher:
      options.dispatcher ?? createDispatcher({ tls: {}, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, env: {} }),
  };
  const client: HttpClient = {
    request: (req) => send(req, options),
    json: async <T>(req: HttpRequest) => readJsonResponse<T>(await send(req, options), req.what),
  };
  return client;
}

/** What `json` makes of an answer; for clients that wrap `request` (DPoP proofs) and judge answers the same way. */
export function readJsonResponse<T = Record<string, unknown>>(
  response: HttpResponse,
  what: string,
): { response: HttpResponse; json: T } {
  const parsed = jsonBody(response, what);
  if (response.status < 200 || response.status > 299) throw errorForStatus(response, what, parsed);
  if (parsed === undefined)
    throw new NetworkError(
      'invalid_json',
      `${what} at ${response.url} did not answer with JSON (status ${response.status}, content-type ` +
        `${response.headers['content-type'] ?? 'none'})`,
    );
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NetworkError('invalid_json', `${what} at ${response.url} answered with JSON that is not an object`);
  }
  return { response, json: parsed as T };
}

/**
 * The body as JSON whatever its content type says (a BOM and surrounding whitespace allowed);
 * undefined when it is not JSON. Too deep a nesting is a NetworkError (json-depth.ts).
 */
export function jsonBody(response: HttpResponse, what: string): unknown {
  const text = response.body.toString('utf8').trim();
  if (!text) return undefined;
  if (exceedsJsonDepth(text)) throw new NetworkError('invalid_json', tooDeepMessage(`the ${what} at ${response.url}`));
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Non-2xx: an RFC 6749 §5.2 error body is the provider speaking (exit 4); anything else is exit 3. */
export function errorForStatus(response: HttpResponse, what: string, parsed?: unknown): Error {
  const body = parsed ?? jsonBody(response, what);
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    const e = body as { error: string; error_description?: unknown; error_uri?: unknown };
    return new ProviderError(
      {
        error: e.error,
        error_description: typeof e.error_description === 'string' ? e.error_description : undefined,
        error_uri: typeof e.error_uri === 'string' ? e.error_uri : undefined,
      },
      `${what} (HTTP ${response.status})`,
    );
  }
  return new NetworkError(
    'http_status',
    `${what} at ${response.url} answered HTTP ${response.status}${statusHint(response)}`,
  );
}

function statusHint(response: HttpResponse): string {
  if (response.status >= 300 && response.status < 400 && response.headers.location)
    return ` (a redirect to ${response.headers.location}, not followed)`;
  return '';
}

function formBody(form: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form))
    for (const one of v === undefined ? [] : Array.isArray(v) ? v : [v]) params.append(k, one);
  return params.toString();
}

async function send(req: HttpRequest, options: HttpClientOptions): Promise<HttpResponse> {
  const url = String(req.url);
  const method = req.method ?? (req.form || req.body !== undefined ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'oidc-probe', ...req.headers };
  let body = req.body;
  if (req.form) {
    body = formBody(req.form);
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const carriesSecrets = req.carriesSecrets ?? method === 'POST';
  const exchange: HttpExchange = {
    what: req.what,
    request: { method, url, headers, body, carriesSecrets },
    startedAt: new Date(),
  };
  const notify = () => {
    for (const o of options.observers ?? []) o(exchange);
  };
  const timeoutMs = req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_RESPONSE_BYTES;
  const started = performance.now();
  // One deadline for the whole exchange: connection, TLS, proxy handshake, head and body.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      throw Object.assign(err as Error, { code: 'ERR_INVALID_URL', message: `"${url}" is not a URL` });
    }
    const res = await options.dispatcher!.send({ url: target, method, headers, body, signal });
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.destroy();
      throw new NetworkError(
        'too_large',
        `${req.what} at ${url} is ${declared} bytes, over the ${maxBytes}-byte limit`,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.destroy();
        throw new NetworkError('too_large', `${req.what} at ${url} is over the ${maxBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
    const flatHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) flatHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
    exchange.response = {
      url,
      status: res.statusCode ?? 0,
      headers: flatHeaders,
      body: Buffer.concat(chunks),
      durationMs: performance.now() - started,
    };
    notify();
    return exchange.response;
  } catch (err) {
    // Past the deadline, whatever broke (the socket, the body stream) broke because of it.
    const cause = signal.aborted && !(err instanceof NetworkError) ? signal.reason : err;
    let netErr = cause instanceof NetworkError ? cause : transportError(cause, url, req.what, timeoutMs);
    const proxy = options.proxyOf?.(url);
    if (proxy && !['tls', 'too_large', 'proxy'].includes(netErr.code))
      netErr = new NetworkError(netErr.code as CodeFor<3>, `${netErr.message} (through the proxy ${proxy})`, {
        cause: netErr,
        hint: 'check HTTPS_PROXY / HTTP_PROXY, or exempt the host with NO_PROXY',
      });
    exchange.error = netErr;
    notify();
    throw netErr;
  }
}

/** The certificate of a failed TLS handshake (io/transport.ts), on the error or its cause. */
function certificateOf(err: unknown): PresentedCertificate | undefined {
  const e = err as { cause?: unknown };
  const found = [err, e?.cause].find((x) => x instanceof CertificateError) as CertificateError | undefined;
  return found?.certificate;
}

/** One sentence for what went wrong on the wire, naming the URL. */
export function transportError(err: unknown, url: string, what: string, timeoutMs: number): NetworkError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const base = `could not fetch the ${what} at ${url}`;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new NetworkError('timeout', `${base}: no answer within ${timeoutMs / 1000} s`, { cause: err });
  }
  if (code === 'ECONNREFUSED')
    return new NetworkError('connection_refused', `${base}: connection refused`, {
      cause: err,
      hint: 'is the server running, and is the host and port right?',
    });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new NetworkError('dns', `${base}: the host name could not be resolved`, { cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new NetworkError('connection_reset', `${base}: the connection was closed by the server`, { cause: err });
  const presented = certificateOf(err);
  if (presented) {
    const self = presented.selfSigned ? 'a self-signed certificate' : 'a certificate';
    return new NetworkError(
      'tls',
      `${base}: TLS failure (${code}): the server presented ${self} ` +
        `for "${presented.subject}" issued by "${presented.issuer}"`,
      {
        cause: err,
        hint: 'if you trust it, pass its CA with --ca-file <pem> (or, for a throwaway test only, --insecure)',
      },
    );
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) {
    return new NetworkError('tls', `${base}: TLS failure (${code})`, {
      cause: err,
      hint: 'trust a private CA with --ca-file <pem>',
    });
  }
  const proxyError = [err, e.cause].find((x) => x instanceof ProxyError);
  if (proxyError)
    return new NetworkError('proxy', `${base}: ${(proxyError as Error).message}`, {
      cause: err,
      hint: 'check HTTPS_PROXY / HTTP_PROXY, or exempt the host with NO_PROXY',
    });
  if (code === 'ERR_INVALID_URL')
    return new NetworkError('bad_url', `${base}: ${e.message ?? 'invalid URL'}`, { cause: err });
  return new NetworkError('network', `${base}: ${e.message ?? code ?? 'unknown error'}`, { cause: err });
}
