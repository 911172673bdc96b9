// discover: metadata (with the RFC 8414 fallback) → lint → JWKS → lint → result.
import type { DiscoverOptions } from './options.js';
import type { CommandResult, Context } from '../shared/context.js';
import { OidcProbeError, UsageError } from '../../errors.js';
import { discoverMetadata } from '../../io/discovery.js';
import { fetchJwks, type Jwks } from '../../io/jwks.js';
import { summarizeCapabilities } from '../../protocol/capabilities.js';
import { isValid, skip } from '../../protocol/checks.js';
import { lintDiscovery } from '../../protocol/discovery-lint.js';
import { withQuirkHints } from '../../protocol/provider-quirks.js';
import { lintJwks, type KeyRow } from '../../protocol/jwks-lint.js';
import { renderDiscover } from './render.js';

export async function run(opts: DiscoverOptions, ctx: Context): Promise<CommandResult> {
  const { issuer } = opts;
  if (opts.raw && ctx.json)
    throw new UsageError(
      'contradictory_options',
      '--raw and --json contradict each other: --raw prints the document as served, --json prints the lint result',
    );
  const http = ctx.httpClient({ timeoutSeconds: opts.timeout });
  const found = await discoverMetadata(http, issuer, 'issuer', { followRedirects: opts.followRedirect });
  for (const hop of found.redirects) ctx.info(`followed HTTP ${hop.status} from ${hop.url} to ${hop.location}`);
  if (found.tried.length > 1)
    ctx.info(`no OpenID configuration at ${found.tried[0]}; using the RFC 8414 metadata at ${found.url}`);
  if (opts.raw) {
    const body = found.response.body;
    // Bytes as served: no re-encoding, no added newline.
    return {
      data: {},
      human: () => {
        ctx.stdout.write(body);
        return '';
      },
    };
  }

  const { metadata } = found;
  const checks = [
    ...found.checks,
    ...lintDiscovery({ metadata, expectedIssuer: found.expectedIssuer, source: found.source }),
  ];
  const capabilities = summarizeCapabilities(metadata);
  const jwksUri = fetchableUrl(metadata.jwks_uri);
  const partial = { url: found.url, source: found.source, metadata, capabilities, checks };
  let jwks: Jwks | null = null;
  let keySummary: KeyRow[] | null = null;
  const now = ctx.now();
  if (jwksUri) {
    try {
      jwks = await fetchJwks(http, jwksUri);
    } catch (err) {
      // The metadata was read and linted: a script still gets those rows with the error.
      if (err instanceof OidcProbeError) err.partial = { ...partial, jwks: null, valid: false };
      throw err;
    }
    const linted = await lintJwks(jwks, now);
    keySummary = linted.keys;
    checks.push(...linted.checks);
    const leaking = linted.keys.filter((k) => k.private_members.length > 0);
    // Loud on stderr as well, so it is seen with --json and in CI logs.
    if (leaking.length)
      ctx.warn(
        `the JWKS at ${jwksUri} publishes PRIVATE key material ` +
          `(${leaking.map((k) => k.kid ?? `#${k.index}`).join(', ')}): anyone can sign as this provider`,
      );
  } else {
    checks.push(
      skip(
        'jwks.fetch',
        metadata.jwks_uri === undefined
          ? 'no jwks_uri: no keys to fetch'
          : 'jwks_uri is not an http(s) URL: keys not fetched',
      ),
    );
  }

  const hinted = withQuirkHints(checks, { issuer: found.expectedIssuer, metadata });
  const data = {
    url: found.url,
    ...(found.redirects.length > 0 ? { redirects: found.redirects } : {}),
    source: found.source,
    metadata,
    jwks,
    capabilities,
    key_summary: keySummary,
    checks: hinted,
    valid: isValid(hinted),
  };
  return {
    data,
    human: (c) => renderDiscover({ ...data, tried: found.tried, jwks_uri: jwksUri }, c.style, now, c.columns),
  };
}

function fetchableUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}
