// --har FILE: the run's HTTP exchanges as HAR 1.2, redacted like the traces, written 0600 at the end.
// The path is checked before any request so a typo costs nothing.
import { redactBody, redactHeaders, redactUrl } from '../protocol/redact.js';
import { redactResponseBody } from '../protocol/redact-response.js';
import { VERSION } from '../version.js';
import { observeExchanges } from './exchange-observers.js';
import { prepareOutputFile, writeOutputFile } from './output-file.js';
import type { HttpExchange } from './http.js';

/** What the HAR writer needs from a run (a command's Context satisfies it). */
export interface HarContext {
  http: { har?: string | undefined };
  showSecrets: boolean;
  readonly finalizers: Array<() => Promise<void>>;
}

export async function prepareHarFile(ctx: HarContext): Promise<void> {
  const path = ctx.http.har!;
  await prepareOutputFile(path, 'har_not_writable', 'the HAR file');
  const exchanges: HttpExchange[] = [];
  observeExchanges(ctx, (e) => exchanges.push(e));
  ctx.finalizers.push(() => writeOutputFile(path, JSON.stringify(toHar(exchanges, ctx.showSecrets), null, 2) + '\n'));
}

const pairs = (h: Record<string, string>) => Object.entries(h).map(([name, value]) => ({ name, value }));

export function toHar(exchanges: HttpExchange[], show: boolean): unknown {
  return {
    log: {
      version: '1.2',
      creator: { name: 'oidc-probe', version: VERSION },
      entries: exchanges.map((e) => {
        const url = redactUrl(e.request.url, show);
        const reqType = e.request.headers['content-type'];
        const res = e.response;
        const resType = res?.headers['content-type'];
        return {
          startedDateTime: e.startedAt.toISOString(),
          time: res ? Math.round(res.durationMs) : 0,
          request: {
            method: e.request.method,
            url,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: pairs(redactHeaders(e.request.headers, show)),
            queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
            headersSize: -1,
            bodySize: e.request.body ? Buffer.byteLength(e.request.body) : 0,
            ...(e.request.body !== undefined
              ? { postData: { mimeType: reqType ?? '', text: redactBody(e.request.body, reqType, show) } }
              : {}),
          },
          response: res
            ? {
                status: res.status,
                statusText: '',
                httpVersion: 'HTTP/1.1',
                cookies: [],
                headers: pairs(redactHeaders(res.headers, show)),
                content: {
                  size: res.body.length,
                  mimeType: resType ?? '',
                  text: redactResponseBody(
                    res.body.toString('utf8'),
                    { contentType: resType, carriesSecrets: e.request.carriesSecrets },
                    show,
                  ),
                },
                redirectURL: res.headers.location ?? '',
                headersSize: -1,
                bodySize: res.body.length,
              }
            : {
                status: 0,
                statusText: e.error?.message ?? 'failed',
                httpVersion: '',
                cookies: [],
                headers: [],
                content: { size: 0, mimeType: '' },
                redirectURL: '',
                headersSize: -1,
                bodySize: -1,
                _error: e.error?.message,
              },
          cache: {},
          timings: { send: 0, wait: res ? Math.round(res.durationMs) : 0, receive: 0 },
        };
      }),
    },
  };
}
