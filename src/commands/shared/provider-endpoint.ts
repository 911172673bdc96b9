// Which endpoint a command talks to: --endpoint as given, or the provider's from discovery.
import { UsageError } from '../../errors.js';
import { advertisedEndpoint, fetchDiscovery, type ProviderMetadata } from '../../io/discovery.js';
import type { HttpClient } from '../../io/http.js';

export interface EndpointChoice {
  endpoint: string;
  metadata: ProviderMetadata | undefined;
}

export async function resolveEndpoint(
  http: HttpClient,
  opts: { issuer?: string | undefined; endpoint?: string | undefined; field: string; what: string },
): Promise<EndpointChoice> {
  if (opts.endpoint)
    return {
      endpoint: opts.endpoint,
      metadata: opts.issuer ? (await fetchDiscovery(http, opts.issuer)).metadata : undefined,
    };
  if (!opts.issuer)
    throw new UsageError(
      'missing_option',
      `missing --issuer (or OIDC_PROBE_ISSUER) to find the ${opts.what}, or give --endpoint`,
    );
  const { metadata } = await fetchDiscovery(http, opts.issuer);
  return {
    endpoint: advertisedEndpoint(metadata, opts.field, { issuer: opts.issuer, option: '--endpoint' }),
    metadata,
  };
}
