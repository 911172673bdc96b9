// Human view of `discover`: endpoints, capabilities, keys, lint.
import type { Capability } from '../protocol/capabilities.js';
import type { Check } from '../protocol/checks.js';
import { URL_FIELDS, type Metadata } from '../protocol/discovery-lint.js';
import type { KeyRow } from '../protocol/jwks-lint.js';
import { renderChecks } from './checks.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { shortenMiddle } from './text.js';

export interface DiscoveryView {
  url: string;
  source: string;
  metadata: Metadata;
  checks: Check[];
  valid: boolean;
  keyRows: KeyRow[];
  capabilities: Capability[];
}

export function renderDiscovery(v: DiscoveryView, style: Style): string {
  const out: string[] = [`${style.bold('Provider')} ${String(v.metadata.issuer ?? '(no issuer)')} ${style.dim(`— ${v.source} at ${v.url}`)}`, ''];
  const endpoints = URL_FIELDS.filter((f) => typeof v.metadata[f] === 'string').map((f) => [f.replace(/_endpoint$|_uri$/, '').replace(/_/g, ' '), String(v.metadata[f])]);
  out.push(style.bold('Endpoints'), renderTable({ rows: endpoints }, style), '');
  out.push(style.bold('Capabilities'), renderTable({ rows: v.capabilities.map((c) => [c.name, c.value]) }, style), '');
  if (v.keyRows.length) {
    const rows = v.keyRows.map((k) => [
      k.kid ?? style.dim('(none)'), k.kty ?? '?', k.alg ?? style.dim('—'), k.use ?? style.dim('—'), k.size ?? '',
      k.x5c ? `${shortenMiddle(k.x5c.subject, 40)}\n${k.x5c.expired ? style.red(`expired ${k.x5c.notAfter}`) : `until ${k.x5c.notAfter.slice(0, 10)}`}` : style.dim('—'),
      k.thumbprint ? shortenMiddle(k.thumbprint, 20) : style.red('unparsable'),
    ]);
    out.push(style.bold('Keys'), renderTable({ head: ['kid', 'kty', 'alg', 'use', 'size', 'x5c', 'thumbprint (RFC 7638)'], rows }, style), '');
  }
  out.push(renderChecks(v.checks, style, { title: 'Lint' }));
  return out.join('\n');
}
