// Fetching a provider's metadata: OpenID Connect Discovery 1.0 §4, RFC 8414 as fallback.
import type { HttpClient, HttpResponse } from './http.js';
import { errorForStatus } from './http.js';
import { NetworkError, UsageError } from '../errors.js';
import { warn, type Check } from '../protocol/checks.js';
import { exceedsJsonDepth, tooDeepMessage } from '../protocol/json-depth.js';
import { hintForEvent } from '../protocol/provider-quirks.js';

export type ProviderMetadata = Record<string, unknown> & {
  issuer?: unknown;
  jwks_uri?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  userinfo_endpoint?: unknown;
};

/** Which well-known document answered. */
export type MetadataSource = 'openid-configuration' | 'oauth-authorization-server';

export interface DiscoveryResult {
  url: string;
  metadata: ProviderMetadata;
}

export interface DiscoveredMetadata extends DiscoveryResult {
  source: MetadataSource;
  /** The issuer the document must name: what the user typed, or derived from a well-known URL they typed. */
  expectedIssuer: string;
  /** The exchange that answered, body as served (for --raw). */
  response: HttpResponse;
  /** Every URL asked, in order (more than one when the RFC 8414 fallback ran). */
  tried: string[];
  /** Rows about where the document was found (a location that is not the standard one, a redirect). */
  checks: Check[];
  /** Each redirect followed on the way (only with followRedirects). */
  redirects: Redirect[];
}

export interface Redirect {
  url: string;
  status: number;
  location: string;
}

/** Hops followed at most, as browsers and HTTP clients do (RFC 9110 §15.4 leaves the number open). */
const MAX_REDIRECTS = 5;

export interface MetadataLocation {
  url: string;
  source: MetadataSource;
  /** Where relying parties look instead, when this location is not the standard one. */
  standardUrl?: string;
}

const OPENID_SUFFIX = '/.well-known/openid-configuration';
const OAUTH_WELL_KNOWN = '/.well-known/oauth-authorization-server';

export function parseIssuerUrl(issuer: string, option = '--issuer'): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new UsageError(
      'bad_issuer',
      `${option} "${issuer}" is not a URL (expected something like https://login.example.com)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError('bad_issuer', `${option} "${issuer}" is not an http(s) URL`);
  return url;
}

/** `<issuer>/.well-known/openid-configuration` (Discovery §4.1: appended after the issuer's path). */
export function openidConfigurationUrl(issuer: string): string {
  return issuer.replace(/\/+$/, '') + OPENID_SUFFIX;
}

/** RFC 8414 §3.1: the well-known string goes between the host and the issuer's path (terminating "/" removed). */
export function oauthMetadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${OAUTH_WELL_KNOWN}${path}`;
}

/**
 * Where to look, in order, for what the user typed: an issuer gives the OpenID location then the
 * RFC 8414 one; a full well-known URL is asked as it is. Also the issuer the document must name.
 * The issuer is kept as typed: the comparison is by identity, without normalisation (Discovery §4.3).
 */
export function metadataLocations(input: string): { expectedIssuer: string; locations: MetadataLocation[] } {
  const url = new URL(input);
  if (url.pathname.endsWith(OPENID_SUFFIX) && !url.search && !url.hash) {
    return {
      expectedIssuer: input.slice(0, input.length - OPENID_SUFFIX.length),
      locations: [{ url: input, source: 'openid-configuration' }],
    };
  }
  // Some providers also serve the document with a trailing slash; it is that document, not an issuer.
  if (url.pathname.endsWith(`${OPENID_SUFFIX}/`) && !url.search && !url.hash) {
    const standardUrl = input.slice(0, -1);
    return {
      expectedIssuer: standardUrl.slice(0, standardUrl.length - OPENID_SUFFIX.length),
      locations: [{ url: input, source: 'openid-configuration', standardUrl }],
    };
  }
  if (
    (url.pathname === OAUTH_WELL_KNOWN || url.pathname.startsWith(OAUTH_WELL_KNOWN + '/')) &&
    !url.search &&
    !url.hash
  ) {
    return {
      expectedIssuer: url.origin + url.pathname.slice(OAUTH_WELL_KNOWN.length),
      locations: [{ url: input, source: 'oauth-authorization-server' }],
    };
  }
  return {
    expectedIssuer: input,
    locations: [
      { url: openidConfigurationUrl(input), source: 'openid-configuration' },
      { url: oauthMetadataUrl(input), source: 'oauth-authorization-server' },
    ],
  };
}

/** The metadata document, trying the RFC 8414 location when the OpenID one is not there (4xx). */
export async function discoverMetadata(
  http: HttpClient,
  input: string,
  label = '--issuer',
  opts: { followRedirects?: boolean } = {},
): Promise<DiscoveredMetadata> {
  parseIssuerUrl(input, label);
  // Discovery §3, RFC 8414 §2: an issuer has no query or fragment, so the well-known URL could not be built from one.
  if (/[?#]/.test(input))
    throw new UsageError(
      'bad_issuer',
      `${label} "${input}" has a query or fragment: an issuer has neither (Discovery §3); pass the ` +
        `issuer or the full well-known URL`,
    );
  const { expectedIssuer, locations } = metadataLocations(input);
  const tried: string[] = [];
  const misses: string[] = [];
  for (const [i, location] of locations.entries()) {
    const what = location.source === 'openid-configuration' ? 'discovery document' : 'RFC 8414 metadata';
    tried.push(location.url);
    const redirects: Redirect[] = [];
    const response = await fetchFollowing(http, location.url, what, Boolean(opts.followRedirects), redirects);
    const notHere = response.status >= 400 && response.status < 500;
    if (notHere && i < locations.length - 1) {
      misses.push(`${location.url} answered HTTP ${response.status}`);
      continue;
    }
    if (notHere && misses.length > 0) {
      throw new NetworkError(
        'http_status',
        `no metadata found: ${misses.join(', ')}, and the RFC 8414 location ${location.url} ` +
          `answered HTTP ${response.status}`,
        { hint: 'check the issuer URL, or pass the full well-known URL' },
      );
    }
    const metadata = metadataFromResponse(response, what);
    const checks = location.standardUrl ? [checkNonStandardLocation(location.url, location.standardUrl)] : [];
    if (redirects.length > 0) checks.push(checkRedirected(location.url, redirects));
    return {
      url: response.url,
      metadata,
      source: location.source,
      expectedIssuer,
      response,
      tried,
      checks,
      redirects,
    };
  }
  /* c8 ignore next */
  throw new Error('unreachable: metadataLocations always yields a location');
}

/**
 * A GET that, on request, follows redirects (http(s) only, never from https down to http, at most
 * MAX_REDIRECTS); otherwise a redirect is an error whose hint names --follow-redirect.
 */
async function fetchFollowing(
  http: HttpClient,
  url: string,
  what: string,
  follow: boolean,
  redirects: Redirect[],
): Promise<HttpResponse> {
  let current = url;
  for (;;) {
    const response = await http.request({ url: current, what });
    const location = response.headers.location;
    if (response.status < 300 || response.status > 399 || location === undefined) return response;
    let target: URL;
    try {
      target = new URL(location, current);
    } catch {
      throw new NetworkError(
        'http_status',
        `${what} at ${current} answered HTTP ${response.status} to an unusable location`,
      );
    }
    if (!follow)
      throw new NetworkError(
        'http_status',
        `${what} at ${current} answered HTTP ${response.status} (a redirect to ${target.href}, not followed)`,
        { hint: hintForEvent('discovery_redirect') },
      );
    if (target.protocol !== 'https:' && target.protocol !== 'http:')
      throw new NetworkError('http_status', `${what} at ${current} redirects to ${target.href}, which is not http(s)`);
    if (new URL(current).protocol === 'https:' && target.protocol === 'http:')
      throw new NetworkError(
        'http_status',
        `${what} at ${current} redirects from https down to ${target.href}: not followed (the document would ` +
          'come unprotected)',
      );
    redirects.push({ url: current, status: response.status, location: target.href });
    if (redirects.length > MAX_REDIRECTS)
      throw new NetworkError('http_status', `${what} at ${url} redirects more than ${MAX_REDIRECTS} times`);
    current = target.href;
  }
}

/** Discovery §4: the document is served at the well-known URL itself; a redirect is a detour to say. */
function checkRedirected(url: string, redirects: Redirect[]): Check {
  const hops = redirects.map((r) => `${r.url} → ${r.status} → ${r.location}`).join(', ');
  const final = redirects[redirects.length - 1]!.location;
  return warn(
    'discovery.redirect',
    `the document was reached through ${redirects.length === 1 ? 'a redirect' : `${redirects.length} redirects`}: ` +
      `${hops} (Discovery §4 serves it at the well-known URL itself; relying parties that do not follow ` +
      'redirects find nothing)',
    { expected: url, actual: final },
  );
}

/** Discovery §4.1: the document is at the issuer + "/.well-known/openid-configuration", no more. */
function checkNonStandardLocation(url: string, standardUrl: string): Check {
  return warn(
    'discovery.location',
    `the document was found at ${url}, which is not the standard location: relying parties look for it at ` +
      `${standardUrl} (Discovery §4.1)`,
    { expected: standardUrl, actual: url },
  );
}

/** A 2xx JSON object, or one sentence naming the URL and what is wrong with the answer (exit 3). */
export function metadataFromResponse(response: HttpResponse, what: string): ProviderMetadata {
  if (response.status < 200 || response.status > 299) throw errorForStatus(response, what);
  const text = response.body.toString('utf8');
  if (exceedsJsonDepth(text)) throw new NetworkError('invalid_json', tooDeepMessage(`the ${what} at ${response.url}`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NetworkError(
      'invalid_json',
      `${what} at ${response.url} is not JSON (status ${response.status}, content-type ` +
        `${response.headers['content-type'] ?? 'none'})`,
    );
  }
  if (Array.isArray(parsed))
    throw new NetworkError('invalid_json', `${what} at ${response.url} is a JSON array, not an object`);
  if (typeof parsed !== 'object' || parsed === null)
    throw new NetworkError(
      'invalid_json',
      `${what} at ${response.url} is JSON ${parsed === null ? 'null' : typeof parsed}, not an object`,
    );
  return parsed as ProviderMetadata;
}

/**
 * The endpoint a command needs, from the provider's metadata. When the provider advertises none it
 * is the same usage error (exit 2) in every command: the user fixes it with an option, named in the
 * hint (`option`, e.g. "--endpoint"), or with another --issuer when the command has no such option.
 */
export function advertisedEndpoint(
  metadata: ProviderMetadata,
  field: string,
  where: { issuer: string; option?: string | undefined },
): string {
  const value = metadata[field];
  if (typeof value === 'string' && value !== '') return value;
  const what = value === undefined ? `advertises no ${field}` : `advertises a ${field} that is not a URL string`;
  throw new UsageError('endpoint_not_advertised', `${where.issuer} ${what} in its metadata`, {
    hint: where.option
      ? `pass ${where.option} <url> if the provider has one anyway`
      : `check --issuer: this command needs the provider's ${field}`,
  });
}

/** For the commands that need the metadata only (login, verify, token). */
export async function fetchDiscovery(
  http: HttpClient,
  issuer: string,
): Promise<DiscoveryResult & { source: MetadataSource }> {
  const { url, metadata, source } = await discoverMetadata(http, issuer);
  return { url, metadata, source };
}
