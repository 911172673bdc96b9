// Pushed Authorization Requests (RFC 9126): the authorization request goes to the provider over the
// back channel first; the browser then carries only client_id and the request_uri it got back.
import { fail, pass, warn, type Check } from './checks.js';

/** RFC 9126 §5: the endpoint, from the provider's metadata. */
export function parEndpoint(metadata: Record<string, unknown>): string | undefined {
  const v = metadata.pushed_authorization_request_endpoint;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** RFC 9126 §5: the provider accepts authorization requests only through PAR. */
export function parRequired(metadata: Record<string, unknown>): boolean {
  return metadata.require_pushed_authorization_requests === true;
}

/** RFC 9126 §2.2: a successful push is answered with HTTP 201 Created. */
export function checkParStatus(status: number): Check {
  if (status === 201) return pass('par.status', 'HTTP 201 Created');
  return warn('par.status', `HTTP ${status}; RFC 9126 §2.2 answers a successful push with 201 Created`, {
    expected: 201,
    actual: status,
  });
}

/**
 * RFC 9126 §2.2: request_uri is REQUIRED. Its format is the provider's choice, but the registered
 * form is a URN (urn:ietf:params:oauth:request_uri:…, §2.2 and §7.1); anything else still works
 * if it is a URI at all, so it is a warning, and a value that is no URI is a failure.
 */
export function checkParRequestUri(json: Record<string, unknown>): Check {
  const uri = json.request_uri;
  if (uri === undefined) return fail('par.request_uri', 'the answer has no request_uri (RFC 9126 §2.2 requires it)');
  if (typeof uri !== 'string' || uri === '')
    return fail('par.request_uri', 'request_uri is not a non-empty string', { actual: uri });
  if (/^urn:/i.test(uri)) return pass('par.request_uri', 'request_uri is a URN', { actual: uri });
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri))
    return warn(
      'par.request_uri',
      'request_uri is a URI but not a URN (RFC 9126 §2.2 registers urn:ietf:params:oauth:request_uri:)',
      {
        actual: uri,
      },
    );
  return fail('par.request_uri', 'request_uri is not a URI (RFC 9126 §2.2)', { actual: uri });
}

/** RFC 9126 §2.2: expires_in is REQUIRED, the request_uri's lifetime in seconds as a positive integer. */
export function checkParExpiresIn(json: Record<string, unknown>): Check {
  const v = json.expires_in;
  if (v === undefined) return fail('par.expires_in', 'the answer has no expires_in (RFC 9126 §2.2 requires it)');
  if (typeof v !== 'number' || !Number.isInteger(v))
    return fail('par.expires_in', 'expires_in is not an integer number of seconds (RFC 9126 §2.2)', { actual: v });
  if (v <= 0) return fail('par.expires_in', `expires_in is ${v}; it must be positive (RFC 9126 §2.2)`, { actual: v });
  return pass('par.expires_in', `the request_uri is valid for ${v} s`, { actual: v });
}

export interface ParResult {
  requestUri?: string;
  expiresIn?: number;
  checks: Check[];
}

/** The rows of a successful push; requestUri is set only when it is usable. */
export function readParResponse(status: number, json: Record<string, unknown>): ParResult {
  const uriRow = checkParRequestUri(json);
  const expiresRow = checkParExpiresIn(json);
  return {
    ...(uriRow.status !== 'fail' ? { requestUri: json.request_uri as string } : {}),
    ...(expiresRow.status === 'pass' ? { expiresIn: json.expires_in as number } : {}),
    checks: [checkParStatus(status), uriRow, expiresRow],
  };
}

/** RFC 9126 §4: the browser carries only client_id and request_uri. */
export function parAuthorizationUrl(authorizationEndpoint: string, clientId: string, requestUri: string): URL {
  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('request_uri', requestUri);
  return url;
}
