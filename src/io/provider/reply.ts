// What an endpoint of the provider answers, as a value: the server writes it, applies the
// resilience faults to it and logs it with the note and the defects it carries.
import type { Defect } from '../../protocol/provider-defects.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** One line for the log: what was answered, and why when something was refused. */
  note: string;
  /** The defects that changed this answer. */
  applied: Defect[];
  /** Defects that are on but could not apply here (e.g. hs256 for a public client). */
  notApplicable?: Defect[];
  client?: string;
}

// RFC 6749 §5.1: token responses (and anything else carrying tokens) are never cached.
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function json(status: number, body: unknown, note: string, extra: Partial<Reply> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...NO_STORE, ...extra.headers },
    body: JSON.stringify(body),
    note,
    applied: [],
    ...stripHeaders(extra),
  };
}

/** RFC 6749 §5.2 error body; 401 for a failed client authentication with Basic (§5.2 invalid_client). */
export function oauthError(status: number, error: string, description: string, extra: Partial<Reply> = {}): Reply {
  return json(status, { error, error_description: description }, `${error}: ${description}`, extra);
}

export function html(status: number, body: string, note: string, extra: Partial<Reply> = {}): Reply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...NO_STORE,
      // The sign-in page must not be framed by another site (clickjacking on the approve button).
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      ...extra.headers,
    },
    body,
    note,
    applied: [],
    ...stripHeaders(extra),
  };
}

export function redirect(location: string, note: string, extra: Partial<Reply> = {}): Reply {
  return {
    status: 302,
    headers: { location, ...NO_STORE, ...extra.headers },
    body: '',
    note,
    applied: [],
    ...stripHeaders(extra),
  };
}

export function text(status: number, body: string, note: string = body): Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...NO_STORE }, body, note, applied: [] };
}

function stripHeaders(extra: Partial<Reply>): Partial<Reply> {
  const { headers: _h, ...rest } = extra;
  return rest;
}
