// Human view of `discover`: where the metadata came from, endpoints, capabilities, keys, lint.
import type { Check } from '../../protocol/checks.js';
import type { Capability } from '../../protocol/capabilities.js';
import { ENDPOINT_FIELDS } from '../../protocol/discovery-lint.js';
import type { KeyRow } from '../../protocol/jwks-lint.js';
import { renderChecks } from '../../render/checks.js';
import { escapeForTerminal } from '../../render/escape.js';
import type { Style } from '../../render/style.js';
import { renderTable } from '../../render/table.js';
import { formatValue, shortenMiddle, shown } from '../../render/text.js';
import { isoUtc, relativeTime } from '../../render/time.js';

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

/** `width`: the terminal's, which every table fits (cells wrap; --json keeps the values whole). */
export function renderDiscover(view: DiscoverView, style: Style, now: number, width?: number): string {
  const fallbackNote =
    view.tried.length > 1 ? ` — ${shown(view.tried[0]!)} had none, the RFC 8414 location answered` : '';
  const issuer = view.metadata.issuer;
  const hops = (view.redirects ?? []).map(
    (r) => `  ${style.yellow(`↳ HTTP ${r.status}`)} ${shown(r.url)} → ${shown(r.location)}`,
  );
  const out = [
    `${style.bold('metadata')} ${shown(view.url)} (${SOURCE_NAMES[view.source]}${fallbackNote})`,
    ...hops,
    `${style.bold('issuer')}   ${typeof issuer === 'string' ? shown(issuer) : style.red('(none)')}`,
    '',
    style.bold('endpoints'),
    renderEndpoints(view.metadata, style, width),
    '',
    style.bold('capabilities'),
    renderTable(
      {
        head: ['capability', 'advertised'],
        rows: view.capabilities.map((c) => [escapeForTerminal(c.name), escapeForTerminal(c.value)]),
        width,
      },
      style,
    ),
    '',
  ];
  if (view.key_summary) {
    out.push(style.bold(`keys (${shown(view.jwks_uri ?? '')})`), renderKeys(view.key_summary, style, now, width), '');
  }
  out.push(
    renderChecks(view.checks, style, { title: 'checks', width }),
    view.valid ? style.green.bold('valid') : style.red.bold('NOT valid'),
  );
  return out.join('\n');
}

function renderEndpoints(m: Record<string, unknown>, style: Style, width: number | undefined): string {
  const rows = ENDPOINT_FIELDS.filter((f) => m[f] !== undefined).map((f) => [
    f,
    typeof m[f] === 'string' ? escapeForTerminal(m[f]) : style.red(formatValue(m[f])),
  ]);
  const aliases = m.mtls_endpoint_aliases;
  if (aliases && typeof aliases === 'object') {
    for (const [name, url] of Object.entries(aliases))
      rows.push([`mtls: ${escapeForTerminal(name)}`, formatValue(url)]);
  }
  if (rows.length === 0) return style.dim('(no endpoints)');
  return renderTable({ head: ['endpoint', 'url'], rows, width }, style);
}

/** A JWK member as published: escaped, whatever its type. */
const member = (value: unknown) => (value === undefined ? '' : formatValue(value));

export function renderKeys(keys: KeyRow[], style: Style, now: number, width?: number): string {
  if (keys.length === 0) return style.dim('(no keys)');
  const rows = keys.map((k) => {
    const size = k.crv !== undefined ? member(k.crv) : k.bits !== undefined ? `${k.bits} bits` : '';
    const notAfter = k.certificate?.not_after ?? 0;
    const cert = k.certificate
      ? `${escapeForTerminal(k.certificate.subject)}\n${
          notAfter < now
            ? style.red(`expired ${isoUtc(notAfter)}`)
            : `until ${isoUtc(notAfter)} (${relativeTime(notAfter, now)})`
        }`
      : '';
    const kid = k.kid !== undefined ? member(k.kid) : style.dim(`(none, #${k.index})`);
    const flags = [
      k.private_members.length ? style.red.bold(`PRIVATE: ${escapeForTerminal(k.private_members.join(', '))}`) : '',
      // The whole reason is in the jwks.parse check below (and in --json); the key row names it.
      k.error ? style.red(shown(k.error, 60)) : '',
    ].filter(Boolean);
    return [
      kid,
      member(k.kty),
      member(k.alg),
      member(k.use),
      size,
      cert,
      (k.thumbprint ? shortenMiddle(escapeForTerminal(k.thumbprint), 24) : '') +
        (flags.length ? `\n${flags.join('\n')}` : ''),
    ];
  });
  const head = ['kid', 'kty', 'alg', 'use', 'size/curve', 'x5c', 'thumbprint (RFC 7638)'];
  return renderTable({ head, rows, width }, style);
}
