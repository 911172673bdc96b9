// Fetching a provider's metadata: OpenID Connect Discovery 1.0 §4, RFC 8414 as fallback.
import { errorForStatus, type HttpClient } from './http.js';
import { NetworkError, UsageError } from '../errors.js';

export type ProviderMetadata = Record<string, unknown> & {
  issuer?: unknown;
  jwks_uri?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  userinfo_endpoint?: unknown;
};

export interface DiscoveryResult {
  url: string;
  metadata: ProviderMetadata;
}

export function parseIssuerUrl(issuer: string, option = '--issuer'): URL {
  let url: URL;
  try { url = new URL(issuer); } catch { throw new UsageError('bad_issuer', `${option} "${issuer}" is not a URL (expected something like https://login.example.com)`); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('bad_issuer', `${option} "${issuer}" is not an http(s) URL`);
  return url;
}

/** `<issuer>/.well-known/openid-configuration` (Discovery §4.1: appended after the issuer's path). */
export function openidConfigurationUrl(issuer: string): string {
  return issuer.replace(/\/+$/, '') + '/.well-known/openid-configuration';
}

export async function fetchDiscovery(http: HttpClient, issuer: string): Promise<DiscoveryResult> {
  parseIssuerUrl(issuer);
  const url = openidConfigurationUrl(issuer);
  const { json } = await http.json<ProviderMetadata>({ url, what: 'discovery document' });
  return { url, metadata: json };
}

export type DiscoverySource = 'openid-configuration' | 'oauth-authorization-server';

export interface ProviderDocument extends DiscoveryResult {
  source: DiscoverySource;
  /** The issuer the document must name: the URL asked for, or the well-known URL's issuer part. */
  expectedIssuer: string;
  /** The document exactly as served (for --raw). */
  raw: Buffer;
  /** URLs tried before the one that answered, with why they did not. */
  tried: { url: string; status: number }[];
}

const OIDC_WELL_KNOWN = '/.well-known/openid-configuration';
const OAUTH_WELL_KNOWN = '/.well-known/oauth-authorization-server';

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
export function oauthMetadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${OAUTH_WELL_KNOWN}${path === '/' ? '' : path}`;
}

/** What the user typed: an issuer, or a full well-known URL of either kind. */
export function discoveryTargets(input: string): { expectedIssuer: string; urls: Array<{ url: string; source: DiscoverySource }> } {
  const url = parseIssuerUrl(input, 'the issuer');
  if (url.pathname.endsWith(OIDC_WELL_KNOWN)) {
    const issuer = `${url.origin}${url.pathname.slice(0, -OIDC_WELL_KNOWN.length)}`;
    return { expectedIssuer: issuer, urls: [{ url: input, source: 'openid-configuration' }] };
  }
  if (url.pathname.startsWith(OAUTH_WELL_KNOWN)) {
    const issuer = `${url.origin}${url.pathname.slice(OAUTH_WELL_KNOWN.length)}`;
    return { expectedIssuer: issuer, urls: [{ url: input, source: 'oauth-authorization-server' }] };
  }
  return {
    expectedIssuer: input,
    urls: [{ url: openidConfigurationUrl(input), source: 'openid-configuration' }, { url: oauthMetadataUrl(input), source: 'oauth-authorization-server' }],
  };
}

/** Fetch the provider's metadata; on 404 from the OpenID location, try RFC 8414's. */
export async function fetchProviderDocument(http: HttpClient, input: string): Promise<ProviderDocument> {
  const { expectedIssuer, urls } = discoveryTargets(input);
  const tried: { url: string; status: number }[] = [];
  for (const [i, target] of urls.entries()) {
    const what = target.source === 'openid-configuration' ? 'discovery document' : 'RFC 8414 metadata document';
    const response = await http.request({ url: target.url, what });
    if (response.status === 404 && i < urls.length - 1) { tried.push({ url: target.url, status: 404 }); continue; }
    if (response.status < 200 || response.status > 299) throw errorForStatus(response, `the ${what}`);
    let json: unknown;
    try { json = JSON.parse(response.body.toString('utf8')); } catch {
      throw new NetworkError('invalid_json', `the ${what} at ${target.url} is not JSON (content-type ${response.headers['content-type'] ?? 'none'})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new NetworkError('invalid_json', `the ${what} at ${target.url} is JSON but ${Array.isArray(json) ? 'an array' : 'not an object'}`);
    }
    return { url: target.url, source: target.source, metadata: json as ProviderMetadata, expectedIssuer, raw: response.body, tried };
  }
  throw new NetworkError('not_found', `no metadata at ${urls.map((u) => u.url).join(' or ')}`);
}
