// discover: metadata → lint → JWKS → key rows and lint → result.
import type { Context } from '../cli/context.js';
import type { DiscoverOptions } from '../cli/discover.js';
import type { CommandResult } from '../cli/run.js';
import { fetchProviderDocument } from '../net/discovery.js';
import { httpClientFor } from '../net/http-setup.js';
import { summarizeCapabilities } from '../protocol/capabilities.js';
import { fail, isValid, type Check } from '../protocol/checks.js';
import { lintDiscovery } from '../protocol/discovery-lint.js';
import { describeKeys, lintJwks, type KeyRow } from '../protocol/jwks-lint.js';
import { renderDiscovery } from '../render/discover.js';

export async function discoverCommand(ctx: Context, issuer: string, opts: DiscoverOptions): Promise<CommandResult> {
  const http = httpClientFor(ctx, { timeoutSeconds: opts.timeout });
  const doc = await fetchProviderDocument(http, issuer);
  if (opts.raw) {
    // The bytes as served: for bug reports and diffing; no lint, no JSON wrapper.
    return { data: { raw: doc.raw.toString('utf8') }, human: () => doc.raw.toString('utf8'), exit: 0 };
  }
  for (const t of doc.tried) ctx.info(`${t.url} answered ${t.status}; using ${doc.url} (${doc.source})`);
  const checks: Check[] = lintDiscovery(doc.metadata, doc.expectedIssuer);
  let jwks: { keys: unknown[] } = { keys: [] };
  let keyRows: KeyRow[] = [];
  const jwksUri = doc.metadata.jwks_uri;
  if (typeof jwksUri === 'string') {
    try {
      const { json } = await http.json<{ keys?: unknown }>({ url: jwksUri, what: 'JWKS' });
      jwks = { ...json, keys: Array.isArray(json.keys) ? json.keys : [] };
      keyRows = await describeKeys(jwks.keys, Math.floor(Date.now() / 1000));
      checks.push(...lintJwks(json, keyRows));
    } catch (err) {
      // A broken JWKS is a finding about the provider, not a reason to lose the metadata report.
      checks.push(fail('jwks.fetch', `the JWKS at ${jwksUri} could not be used: ${(err as Error).message}`));
    }
  }
  const data = { url: doc.url, source: doc.source, metadata: doc.metadata, jwks, checks, valid: isValid(checks) };
  const capabilities = summarizeCapabilities(doc.metadata);
  return { data, human: (c) => renderDiscovery({ ...data, keyRows, capabilities }, c.style) };
}
