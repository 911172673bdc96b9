// An HTTP client that sends a DPoP proof (RFC 9449 §4) with every request, answers one
// use_dpop_nonce challenge per request with the nonce the server gave (§8 authorization server,
// §9 resource server), and remembers each server's latest nonce for the next proof (§8.2).
// Requests that present a token as `Authorization: DPoP <token>` get the ath claim (§7.1).
import { createDpopProof, dpopNonceChallenge, dpopNonceHeader, type DpopKey } from '../protocol/dpop.js';
import { readJsonResponse, type HttpClient, type HttpRequest, type HttpResponse } from './http.js';

export interface DpopSession {
  key: DpopKey;
  /** The latest nonce per server origin: nonces are per server (§8, §9). */
  nonces: Map<string, string>;
  /** How many requests were sent again after a use_dpop_nonce challenge (for the narration and tests). */
  retries: number;
}

export function createDpopSession(key: DpopKey): DpopSession {
  return { key, nonces: new Map(), retries: 0 };
}

function presentedToken(headers: Record<string, string> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() === 'authorization') return /^DPoP\s+(\S+)$/i.exec(value)?.[1];
  return undefined;
}

/** The same interface as the client it wraps; answers are judged by the same rules (readJsonResponse). */
export function withDpop(http: HttpClient, session: DpopSession): HttpClient {
  const request = async (req: HttpRequest): Promise<HttpResponse> => {
    const url = String(req.url);
    const origin = new URL(url).origin;
    const method = req.method ?? (req.form || req.body !== undefined ? 'POST' : 'GET');
    const accessToken = presentedToken(req.headers);
    const send = async () => {
      const proof = await createDpopProof(session.key, {
        htm: method,
        htu: url,
        accessToken,
        nonce: session.nonces.get(origin),
      });
      const response = await http.request({ ...req, method, headers: { ...req.headers, dpop: proof } });
      const next = dpopNonceHeader(response.headers);
      if (next !== undefined) session.nonces.set(origin, next);
      return response;
    };
    const first = await send();
    // One retry: a server that challenges again with a fresh nonce is answered as it asked, once.
    if (dpopNonceChallenge(first) === undefined) return first;
    session.retries++;
    return send();
  };
  return { request, json: async (req) => readJsonResponse(await request(req), req.what) };
}
