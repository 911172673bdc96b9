// A request as the provider's endpoints see it: already past the server's guards (loopback peer,
// Host, body size), with the body read.
import type { IncomingHttpHeaders } from 'node:http';

export interface ProviderRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The body as text (empty for GET); the server has capped its size. */
  body: string;
}

/** RFC 6749 §3.1 / §3.2: a parameter sent twice is an error; the caller names it. */
export function singleParams(source: URLSearchParams): { params: Record<string, string>; repeated?: string } {
  // No prototype: a parameter named __proto__ or constructor is just a parameter.
  const params = Object.create(null) as Record<string, string>;
  for (const [k, v] of source) {
    if (k in params) return { params, repeated: k };
    params[k] = v;
  }
  return { params };
}

export function isFormBody(req: ProviderRequest): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * The URI the client sent the request to, without query (RFC 9449 §4.2 htu): the Host it named
 * (the server has checked it names this provider) and the path.
 */
export function requestUri(req: ProviderRequest): string {
  return new URL(req.url.pathname, `http://${req.headers.host ?? req.url.host}`).href;
}
