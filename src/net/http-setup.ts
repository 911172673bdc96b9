// The HTTP client a command uses, configured from the global options: timeouts and the observers
// that show the wire (--verbose). Every command gets its client here so they all behave alike.
import type { Context } from '../cli/context.js';
import { createHttpClient, type HttpClient, type HttpExchange } from './http.js';

export interface HttpSetupOptions {
  /** Per-request timeout in seconds (default 10). */
  timeoutSeconds?: number;
}

export function httpClientFor(ctx: Context, opts: HttpSetupOptions = {}): HttpClient {
  const observers: Array<(e: HttpExchange) => void> = [];
  if (ctx.verbose) observers.push((e) => ctx.trace(summarizeExchange(e)));
  return createHttpClient({
    ...(opts.timeoutSeconds !== undefined ? { timeoutMs: opts.timeoutSeconds * 1000 } : {}),
    observers,
  });
}

function summarizeExchange(e: HttpExchange): string {
  const target = `${e.request.method} ${e.request.url}`;
  if (e.response) return `→ ${target} ← ${e.response.status} (${Math.round(e.response.durationMs)} ms, ${e.response.body.length} bytes)`;
  return `→ ${target} ✗ ${e.error?.message ?? 'failed'}`;
}
