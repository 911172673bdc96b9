// Human view of `discover`: where the metadata came from, endpoints, capabilities, keys, lint.
import type { Check } from '../../protocol/checks.js';
import type { Capability } from '../../protocol/capabilities.js';
import { ENDPOINT_FIELDS } from '../../protocol/discovery-lint.js';
import type { KeyRow } from '../../protocol/jwks-lint.js';
import { renderChecks } from '../../render/checks.js';
import type { Style } from '../../render/style.js';
import { renderTable } from '../../render/table.js';
import { isoUtc, relativeTime } from '../../render/time.js';
import { shortenMiddle } from '../../render/text.js';

export interface DiscoverView {
  url: string;
  redirects?: { url: string; status: number; location: string }[];
  source: 'openid-configuration' | 'oauth-authorization-server';
  tried: string[];
  metadata: Record<string, unknown>;
  jwks_uri?: string | undefined;
  capabilities: Capability[];
  key_summary: KeyRow[] | null;
  checks: Check[];
  valid: boolean;
}

const SOURCE_NAMES = {
  'openid-configuration': 'OpenID Connect Discovery 1.0',
  'oauth-authorization-server': 'RFC 8414 authorization server metadata',
} as const;

export function renderDiscover(view: DiscoverView, style: Style, now: number): string {
  const fallbackNote = view.tried.length > 1 ? ` — ${view.tried[0]} had none, the RFC 8414 location answered` : '';
  const hops = (view.redirects ?? []).map((r) => `  ${style.yellow(`↳ HTTP ${r.status}`)} ${r.url} → ${r.location}`);
  const out = [
    `${style.bold('metadata')} ${view.url} (${SOURCE_NAMES[view.source]}${fallbackNote})`,
    ...hops,
    `${style.bold('issuer')}   ${typeof view.metadata.issuer === 'string' ? view.metadata.issuer : style.red('(none)')}`,
    '',
    style.bold('endpoints'),
    renderEndpoints(view.metadata, style),
    '',
    style.bold('capabilities'),
    renderTable({ head: ['capability', 'advertised'], rows: view.capabilities.map((c) => [c.name, c.value]) }, style),
    '',
  ];
  if (view.key_summary) {
    out.push(style.bold(`keys (${view.jwks_uri})`), renderKeys(view.key_summary, style, now), '');
  }
  out.push(
    renderChecks(view.checks, style, { title: 'checks' }),
    view.valid ? style.green.bold('valid') : style.red.bold('NOT valid'),
  );
  return out.join('\n');
}

function renderEndpoints(m: Record<string, unknown>, style: Style): string {
  const rows = ENDPOINT_FIELDS.filter((f) => m[f] !== undefined).map((f) => [
    f,
    typeof m[f] === 'string' ? m[f] : style.red(JSON.stringify(m[f])),
  ]);
  const aliases = m.mtls_endpoint_aliases;
  if (aliases && typeof aliases === 'object') {
    for (const [name, url] of Object.entries(aliases)) rows.push([`mtls: ${name}`, String(url)]);
  }
  if (rows.length === 0) return style.dim('(no endpoints)');
  return renderTable({ head: ['endpoint', 'url'], rows }, style);
}

export function renderKeys(keys: KeyRow[], style: Style, now: number): string {
  if (keys.length === 0) return style.dim('(no keys)');
  const rows = keys.map((k) => {
    const size = k.crv ?? (k.bits !== undefined ? `${k.bits} bits` : '');
    const cert = k.certificate
      ? `${k.certificate.subject}\n${k.certificate.not_after < now ? style.red(`expired ${isoUtc(k.certificate.not_after)}`) : `until ${isoUtc(k.certificate.not_after)} (${relativeTime(k.certificate.not_after, now)})`}`
      : '';
    const kid = k.kid ?? style.dim(`(none, #${k.index})`);
    const flags = [
      k.private_members.length ? style.red.bold(`PRIVATE: ${k.private_members.join(', ')}`) : '',
      k.error ? style.red(k.error) : '',
    ].filter(Boolean);
    return [
      kid,
      k.kty ?? '',
      k.alg ?? '',
      k.use ?? '',
      size,
      cert,
      (k.thumbprint ? shortenMiddle(k.thumbprint, 24) : '') + (flags.length ? `\n${flags.join('\n')}` : ''),
    ];
  });
  return renderTable({ head: ['kid', 'kty', 'alg', 'use', 'size/curve', 'x5c', 'thumbprint (RFC 7638)'], rows }, style);
}
