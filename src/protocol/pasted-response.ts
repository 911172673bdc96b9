// An authorization response pasted from the browser's address bar (`login --paste`): the page the
// browser ended on when the redirect URI was not reachable from it (a remote shell). It is judged
// as the listener judges a request at the redirect URI, and a little more strictly, because a
// person copies it by hand: it must be on the redirect URI's origin and path and carry this run's
// state (RFC 6749 §10.12), and an error answer is reported so that the person can try again.
// Pure: the text and what the run expects in, a verdict out.
import { isQuotableErrorCode } from './authorization-request.js';
import type { Channel } from './response-type.js';

export type PastedVerdict =
  | { kind: 'response'; channel: Extract<Channel, 'query' | 'fragment'>; params: Record<string, string> }
  | {
      kind: 'refused';
      /** One sentence. */
      reason: string;
      /** The OAuth error code, when the address carried one (for provider quirks). */
      error?: string;
      /** The address is a page of another origin or path than the redirect URI. */
      elsewhere?: boolean;
    };

export interface PastedExpectations {
  /** The redirect URI of this run, with its real port. */
  redirectUri: string;
  state: string;
  /** The authorization endpoint, to recognise the request URL pasted back by mistake. */
  authorizationEndpoint?: string | undefined;
  /** The response mode asked for (form_post never reaches the address bar). */
  responseMode?: string | undefined;
}

/** Longer than any address bar holds an authorization response in (64 KiB, the listener's cap). */
export const MAX_PASTED_LENGTH = 64 * 1024;

/** Text from outside, quoted in a reason on the terminal: visible ASCII, capped. */
export function quoted(value: string, max = 80): string {
  const shown = value
    .slice(0, max)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${shown}${value.length > max ? '…' : ''}"`;
}

const paramsOf = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text));

export function judgePastedAddress(input: string, expect: PastedExpectations): PastedVerdict {
  // Terminals may wrap a paste in bracketed-paste markers; shells and chats add quotes or <>.
  const text = input
    .replace(/\u001b\[20[01]~/g, '')
    .trim()
    .replace(/^(["'<])(.*)(["'>])$/s, '$2')
    .trim();
  const refuse = (reason: string, extra: Partial<Extract<PastedVerdict, { kind: 'refused' }>> = {}) =>
    ({ kind: 'refused', reason, ...extra }) as const;
  if (text === '') return refuse('nothing was pasted');
  if (text.length > MAX_PASTED_LENGTH)
    return refuse(`the pasted text is ${text.length} characters long, more than an address bar holds`);
  if (/[\u0000-\u001f\u007f]/.test(text)) return refuse('the pasted text has control characters: it is not an address');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(`${quoted(text)} is not a URL: paste the whole address from the browser's address bar`);
  }
  const redirect = new URL(expect.redirectUri);
  const query = paramsOf(url.search.slice(1));
  // A provider may leave a marker in the fragment of a query response (Facebook's "#_=_").
  const fragment = paramsOf(url.hash.slice(1));
  const error = query.error ?? fragment.error;
  const errorCode = error !== undefined && isQuotableErrorCode(error) ? error : undefined;

  if (url.origin !== redirect.origin || url.pathname !== redirect.pathname) {
    if (expect.authorizationEndpoint !== undefined && sameEndpoint(url, expect.authorizationEndpoint))
      return refuse(
        'that is the authorization URL this run printed: open it in a browser, sign in, then paste the address ' +
          'the browser ends on',
      );
    if (errorCode !== undefined)
      return refuse(
        `the browser ended on ${quoted(url.origin + url.pathname)}, a page of the provider, with error ` +
          `"${errorCode}": the provider did not send the browser back to the redirect URI ${expect.redirectUri}`,
        { error: errorCode, elsewhere: true },
      );
    const what =
      url.origin !== redirect.origin
        ? `is on ${quoted(url.origin)}, not on ${redirect.origin}`
        : `has the path ${quoted(url.pathname)}, not ${redirect.pathname}`;
    return refuse(`the address ${what} of this run's redirect URI ${expect.redirectUri}`, { elsewhere: true });
  }

  const channel = Object.keys(query).length > 0 ? 'query' : Object.keys(fragment).length > 0 ? 'fragment' : undefined;
  if (channel === undefined) {
    const formPost =
      expect.responseMode === 'form_post'
        ? 'with response_mode form_post the response is POSTed to the redirect URI and never reaches the address ' +
          'bar: '
        : 'if the provider answered with form_post, the response never reached the address bar: ';
    return refuse(
      `the address carries no response parameters; ${formPost}run again with --response-mode query or ` +
        '--response-mode fragment',
    );
  }
  const params = channel === 'query' ? query : fragment;
  // RFC 6749 §10.12: a response with another state answers another request (another run, an old tab).
  if (params.state !== undefined && params.state !== expect.state)
    return refuse(
      'the address carries another state than this run sent: it answers another request (another run, or an ' +
        'older tab); paste the address from the sign-in this run started (RFC 6749 §10.12)',
    );
  if (params.error !== undefined) {
    const description =
      params.error_description !== undefined ? `: ${quoted(params.error_description, 200).slice(1, -1)}` : '';
    return refuse(
      `the provider answered with error ${errorCode !== undefined ? `"${errorCode}"` : '(unreadable code)'}` +
        `${description} (RFC 6749 §4.1.2.1); sign in again from the same URL, then paste the new address`,
      { ...(errorCode !== undefined ? { error: errorCode } : {}) },
    );
  }
  return { kind: 'response', channel, params };
}

function sameEndpoint(url: URL, endpoint: string): boolean {
  try {
    const e = new URL(endpoint);
    return url.origin === e.origin && url.pathname === e.pathname;
  } catch {
    return false;
  }
}
