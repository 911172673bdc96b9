// Fetching a provider's metadata: OpenID Connect Discovery 1.0 §4, RFC 8414 as fallback.
import type { HttpClient } from './http.js';
import { UsageError } from '../errors.js';

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
