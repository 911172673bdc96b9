// The three channels an authorization response can arrive on at the loopback redirect URI:
// query (GET with parameters), fragment (GET → relay page → POST of location.hash to a one-time
// path), and form_post (POST, application/x-www-form-urlencoded; OAuth 2.0 Form Post Response
// Mode §2). Anything else at those paths is refused with a reason, and the run keeps waiting; so
// is an error response that does not carry this run's state (a stray, not the provider's answer).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { strayErrorResponse } from '../protocol/authorization-request.js';
import { judgePastedAddress, type PastedExpectations, type PastedVerdict } from '../protocol/pasted-response.js';
import type { Channel } from '../protocol/response-type.js';
import { fragmentRelayHeaders, fragmentRelayPage } from './fragment-relay-page.js';

/** Authorization responses are small; 64 KiB leaves room for large ID tokens and nothing else. */
export const MAX_RESPONSE_BODY = 64 * 1024;

export type FrontChannelOutcome =
  /** An authorization response: hand it to the flow. */
  | { kind: 'response'; channel: Channel; params: Record<string, string> }
  /** Not a response; answer with this page (the fragment relay page). */
  | { kind: 'page'; status: number; headers: Record<string, string>; body: string; note?: string }
  /** Refused: answer with the status, warn on stderr, keep waiting. */
  | { kind: 'refused'; status: number; warning: string }
  /** Not a path of ours (e.g. /favicon.ico): the listener ignores it. */
  | { kind: 'other' };

/** What became of an address pasted from the browser's address bar (`login --paste`). */
export type AddressOutcome =
  | Extract<FrontChannelOutcome, { kind: 'response' }>
  | Extract<PastedVerdict, { kind: 'refused' }>;

export interface FrontChannel {
  /** The one-time path the relay page POSTs the fragment to (fresh and unguessable per run). */
  readonly relayPath: string;
  classify(req: IncomingMessage): Promise<FrontChannelOutcome>;
  /** An address the browser ended on, judged as if the browser had delivered it to the redirect URI. */
  classifyAddress(text: string, expect: Omit<PastedExpectations, 'state'>): AddressOutcome;
}

export function createFrontChannel(
  callbackPath: string,
  opts: { expectFragment?: boolean; maxBody?: number; state?: string } = {},
): FrontChannel {
  const maxBody = opts.maxBody ?? MAX_RESPONSE_BODY;
  // One-time and bound to this run: 128 bits from a fresh salt and the run's state, spent by the
  // first relay, so a relay meant for another run (another state) lands nowhere.
  const relayId = createHash('sha256')
    .update(randomBytes(16))
    .update(opts.state ?? '')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
  const relayPath = `${callbackPath.replace(/\/$/, '')}/relay/${relayId}`;
  const relayPrefix = `${callbackPath.replace(/\/$/, '')}/relay/`;
  let relaySpent = false;
  const strayError = (params: Record<string, string>) =>
    opts.state === undefined ? undefined : strayErrorResponse(params, opts.state);
  /** The one way parameters become an authorization response, whichever way they arrived. */
  const responseFrom = (req: IncomingMessage | undefined, channel: Channel, params: Record<string, string>) => {
    const stray = strayError(params);
    if (stray) return refuse(req, 400, stray);
    return { kind: 'response', channel, params } as const;
  };

  async function classify(req: IncomingMessage): Promise<FrontChannelOutcome> {
    const url = new URL(req.url ?? '/', 'http://loopback.invalid');
    const method = (req.method ?? 'GET').toUpperCase();

    if (url.pathname.startsWith(relayPrefix)) {
      if (method !== 'POST')
        return refuse(
          req,
          405,
          `a ${method} request to the fragment relay path was refused (only the relay page's POST is accepted)`,
        );
      if (url.pathname !== relayPath)
        return refuse(
          req,
          404,
          'a fragment relay POST to an unknown one-time path was refused (it belongs to no page this run served)',
        );
      if (relaySpent)
        return refuse(req, 409, 'a second POST to the one-time fragment relay path was refused (it was already used)');
      const body = await readForm(req, maxBody, 'fragment relay POST');
      if ('refused' in body) return body.refused;
      if (Object.keys(body.params).length === 0)
        return refuse(req, 400, 'a fragment relay POST without parameters was refused');
      // Checked before the one-time path is spent: a stray must not use up the real response's way in.
      const outcome = responseFrom(req, 'fragment', body.params);
      if (outcome.kind === 'response') relaySpent = true;
      return outcome;
    }

    if (url.pathname !== callbackPath) return { kind: 'other' };

    if (method === 'GET' || method === 'HEAD') {
      const params = Object.fromEntries(url.searchParams);
      if (Object.keys(params).length > 0) return responseFrom(req, 'query', params);
      // No query: the answer may be in the fragment, which only a script on this page can read.
      const scriptNonce = randomBytes(16).toString('base64url');
      return {
        kind: 'page',
        status: 200,
        headers: fragmentRelayHeaders(scriptNonce),
        body: fragmentRelayPage({ relayPath, scriptNonce }),
        ...(opts.expectFragment
          ? {}
          : {
              note:
                'a request without parameters reached the redirect URI; served the fragment ' +
                'relay page in case the provider answered in the fragment',
            }),
      };
    }
    if (method === 'POST') {
      const body = await readForm(req, maxBody, 'form_post response');
      if ('refused' in body) return body.refused;
      if (Object.keys(body.params).length === 0)
        return refuse(req, 400, 'a form_post response without parameters was refused');
      return responseFrom(req, 'form_post', body.params);
    }
    return refuse(req, 405, `a ${method} request to the redirect URI was refused`);
  }

  function classifyAddress(text: string, expect: Omit<PastedExpectations, 'state'>): AddressOutcome {
    const verdict = judgePastedAddress(text, { ...expect, state: opts.state ?? '' });
    if (verdict.kind === 'refused') return verdict;
    const outcome = responseFrom(undefined, verdict.channel, verdict.params);
    if (outcome.kind === 'response') return outcome;
    return { kind: 'refused', reason: outcome.kind === 'refused' ? outcome.warning : 'not a response' };
  }

  return { relayPath, classify, classifyAddress };
}

function refuse(req: IncomingMessage | undefined, status: number, warning: string): FrontChannelOutcome {
  req?.resume();
  return { kind: 'refused', status, warning: `${warning}; still waiting for the authorization response` };
}

/** A form-encoded body within the size cap, or the reason it is refused. */
async function readForm(
  req: IncomingMessage,
  maxBody: number,
  what: string,
): Promise<{ params: Record<string, string> } | { refused: FrontChannelOutcome }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return {
      refused: refuse(
        req,
        415,
        `a ${what} with content type "${type || 'none'}" was refused (it must be application/x-www-form-urlencoded)`,
      ),
    };
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBody) {
    return { refused: refuse(req, 413, `a ${what} of ${declared} bytes was refused (the limit is ${maxBody} bytes)`) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the cap (discarding), so the refusal can still be answered.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBody) chunks.push(chunk);
  }
  if (size > maxBody)
    return {
      refused: refuse(req, 413, `a ${what} of more than ${maxBody} bytes was refused (the limit is ${maxBody} bytes)`),
    };
  return { params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) };
}
