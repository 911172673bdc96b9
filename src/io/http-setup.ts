// The HTTP client a command uses, configured from the global options: timeouts, TLS trust
// (--ca-file, --insecure), proxies (HTTPS_PROXY/HTTP_PROXY/NO_PROXY), and the observers that show
// the wire (--verbose traces, --har), all redacted unless --show-secrets.
import { readAtMostOneMiB } from './input.js';
import { UsageError } from '../errors.js';
import { redactBody, redactHeaders, redactUrl } from '../protocol/redact.js';
import { redactResponseBody } from '../protocol/redact-response.js';
import { exchangeObserversOf } from './exchange-observers.js';
import { createDispatcher, type Dispatcher, proxyFor } from '../io/transport.js';
import { createHttpClient, DEFAULT_TIMEOUT_MS, type HttpClient, type HttpExchange } from './http.js';

/** What the HTTP edge needs from a run (a command's Context satisfies it). */
export interface HttpEdgeContext {
  http: { har?: string | undefined; caFile?: string | undefined; insecure: boolean };
  verbose: boolean;
  showSecrets: boolean;
  env: NodeJS.ProcessEnv;
  readonly finalizers: Array<() => Promise<void>>;
  warn(text: string): void;
  trace(text: string): void;
}

export interface HttpSetupOptions {
  /** Per-request timeout in seconds (default 10). */
  timeoutSeconds?: number;
  /** RFC 8705: a client certificate (PEM) presented on every TLS connection. */
  clientCertificate?: { cert: string; key: string } | undefined;
}

const MAX_TRACE_BODY = 4096;
const warnedInsecure = new WeakSet<object>();

export function httpClientFor(ctx: HttpEdgeContext, opts: HttpSetupOptions = {}): HttpClient {
  const observers: Array<(e: HttpExchange) => void> = [];
  if (ctx.verbose) observers.push((e) => ctx.trace(traceExchange(e, ctx.showSecrets)));
  observers.push(...exchangeObserversOf(ctx));
  const timeoutMs = (opts.timeoutSeconds ?? DEFAULT_TIMEOUT_MS / 1000) * 1000;
  return createHttpClient({
    timeoutMs,
    observers,
    dispatcher: dispatcherFor(ctx, opts.clientCertificate, timeoutMs),
    proxyOf: (url) => proxyOf(url, ctx.env),
  });
}

/** The dispatcher for this command: TLS trust, client certificate, proxies (io/transport.ts). */
function dispatcherFor(
  ctx: HttpEdgeContext,
  clientCertificate: HttpSetupOptions['clientCertificate'],
  timeoutMs: number,
): Dispatcher {
  const { caFile, insecure } = ctx.http;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readAtMostOneMiB(caFile, `--ca-file ${caFile}`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(
        'unreadable_ca',
        `cannot read --ca-file ${caFile}: ` +
          `${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      );
    }
  }
  if (insecure && !warnedInsecure.has(ctx)) {
    warnedInsecure.add(ctx);
    ctx.warn('--insecure: TLS certificates are NOT verified; anyone on the path can read and change this traffic');
  }
  return createDispatcher({ tls: { ca, insecure, ...(clientCertificate ?? {}) }, timeoutMs, env: ctx.env });
}

/** The proxy a URL goes through, as scheme://host:port (never its credentials), for messages. */
function proxyOf(url: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const proxy = proxyFor(new URL(url), env);
    return proxy ? `${proxy.protocol}//${proxy.host}` : undefined;
  } catch {
    return undefined;
  }
}

function clip(shown: string): string {
  return shown.length > MAX_TRACE_BODY ? `${shown.slice(0, MAX_TRACE_BODY)}… (${shown.length} chars)` : shown;
}

/** One exchange for --verbose: request line, headers, body; status, timing, headers, body. */
export function traceExchange(e: HttpExchange, show: boolean): string {
  const lines = [`→ ${e.request.method} ${redactUrl(e.request.url, show)}`];
  for (const [k, v] of Object.entries(redactHeaders(e.request.headers, show))) lines.push(`  ${k}: ${v}`);
  const reqBody = e.request.body ? clip(redactBody(e.request.body, e.request.headers['content-type'], show)) : '';
  if (reqBody) lines.push(`  ${reqBody}`);
  if (e.response) {
    const r = e.response;
    lines.push(`← ${r.status} in ${Math.round(r.durationMs)} ms, ${r.body.length} bytes`);
    for (const [k, v] of Object.entries(redactHeaders(r.headers, show))) lines.push(`  ${k}: ${v}`);
    const resBody = clip(
      redactResponseBody(
        r.body.toString('utf8'),
        { contentType: r.headers['content-type'], carriesSecrets: e.request.carriesSecrets },
        show,
      ),
    );
    if (resBody) lines.push(`  ${resBody}`);
  } else {
    lines.push(`✗ ${e.error?.message ?? 'failed'}`);
  }
  return lines.join('\n');
}
