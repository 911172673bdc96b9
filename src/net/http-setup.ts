// The HTTP client a command uses, configured from the global options: timeouts, TLS trust
// (--ca-file, --insecure), proxies (HTTPS_PROXY/HTTP_PROXY/NO_PROXY), and the observers that show
// the wire (--verbose traces, --har), all redacted unless --show-secrets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { redactBody, redactHeaders, redactUrl } from '../protocol/redact.js';
import { runRecorderFor } from '../io/run-recorder.js';
import { harObserver } from './har.js';
import { createHttpClient, type HttpClient, type HttpExchange } from './http.js';

export interface HttpSetupOptions {
  /** Per-request timeout in seconds (default 10). */
  timeoutSeconds?: number;
  /** RFC 8705: a client certificate (PEM) presented on every TLS connection. */
  clientCertificate?: { cert: string; key: string } | undefined;
}

const MAX_TRACE_BODY = 4096;
const warnedInsecure = new WeakSet<Context>();

export function httpClientFor(ctx: Context, opts: HttpSetupOptions = {}): HttpClient {
  const observers: Array<(e: HttpExchange) => void> = [];
  if (ctx.verbose) observers.push((e) => ctx.trace(traceExchange(e, ctx.showSecrets)));
  const har = harObserver(ctx);
  if (har) observers.push(har);
  const recorder = runRecorderFor(ctx);
  if (recorder) observers.push(recorder.exchange);
  const dispatcher = dispatcherFor(ctx, opts.clientCertificate);
  return createHttpClient({
    ...(opts.timeoutSeconds !== undefined ? { timeoutMs: opts.timeoutSeconds * 1000 } : {}),
    observers,
    ...(dispatcher ? { dispatcher } : {}),
  });
}

/** An undici dispatcher when trust or proxies differ from the defaults; undefined otherwise. */
function dispatcherFor(ctx: Context, clientCertificate: HttpSetupOptions['clientCertificate']): unknown {
  const { caFile, insecure } = ctx.http;
  const proxied = Boolean(
    process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy,
  );
  if (!caFile && !insecure && !proxied && !clientCertificate) return undefined;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new UsageError(
        'unreadable_ca',
        `cannot read --ca-file ${caFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      );
    }
  }
  if (insecure && !warnedInsecure.has(ctx)) {
    warnedInsecure.add(ctx);
    ctx.warn(
      ctx.errStyle.red.bold(
        '--insecure: TLS certificates are NOT verified; anyone on the path can read and change this traffic',
      ),
    );
  }
  const tls = {
    ...(ca ? { ca } : {}),
    ...(insecure ? { rejectUnauthorized: false } : {}),
    ...(clientCertificate ?? {}),
  };
  const undici = loadUndici();
  // undici's EnvHttpProxyAgent reads HTTP(S)_PROXY and NO_PROXY itself.
  return proxied ? new undici.EnvHttpProxyAgent({ connect: tls, requestTls: tls }) : new undici.Agent({ connect: tls });
}

/** Synchronous, so httpClientFor stays synchronous; undici is loaded only on this path. */
function loadUndici(): typeof import('undici') {
  return createRequire(import.meta.url)('undici') as typeof import('undici');
}

function body(text: string | undefined, type: string | undefined, show: boolean): string {
  if (!text) return '';
  const shown = redactBody(text, type, show);
  return shown.length > MAX_TRACE_BODY ? `${shown.slice(0, MAX_TRACE_BODY)}… (${shown.length} chars)` : shown;
}

/** One exchange for --verbose: request line, headers, body; status, timing, headers, body. */
export function traceExchange(e: HttpExchange, show: boolean): string {
  const lines = [`→ ${e.request.method} ${redactUrl(e.request.url, show)}`];
  for (const [k, v] of Object.entries(redactHeaders(e.request.headers, show))) lines.push(`  ${k}: ${v}`);
  const reqBody = body(e.request.body, e.request.headers['content-type'], show);
  if (reqBody) lines.push(`  ${reqBody}`);
  if (e.response) {
    const r = e.response;
    lines.push(`← ${r.status} in ${Math.round(r.durationMs)} ms, ${r.body.length} bytes`);
    for (const [k, v] of Object.entries(redactHeaders(r.headers, show))) lines.push(`  ${k}: ${v}`);
    const resBody = body(r.body.toString('utf8'), r.headers['content-type'], show);
    if (resBody) lines.push(`  ${resBody}`);
  } else {
    lines.push(`✗ ${e.error?.message ?? 'failed'}`);
  }
  return lines.join('\n');
}
