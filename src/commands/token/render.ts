// Human view of `token`: what was obtained, from where (cache or provider), and its checks.
import type { AuthorizationDetailComparison } from '../../protocol/authorization-details.js';
import type { Check } from '../../protocol/checks.js';
import { renderAuthorizationDetails } from '../../render/authorization-details.js';
import { renderChecks } from '../../render/checks.js';
import { escapeForTerminal } from '../../render/escape.js';
import type { Style } from '../../render/style.js';
import { renderTable } from '../../render/table.js';
import { redactSecret } from '../../render/text.js';
import { isoUtc, relativeTime } from '../../render/time.js';

export interface TokenView {
  grant: string;
  issuer: string;
  client_id: string;
  cache: { action: 'reuse' | 'refresh' | 'fetch'; reason: string };
  access_token?: string;
  token_type?: string | undefined;
  expires_at?: number | undefined;
  scope?: string | undefined;
  refresh_token?: string;
  id_token?: string;
  auth_method?: string;
  tokens?: Record<string, unknown>;
  /** RFC 9449: the thumbprint of the key the token is bound to. */
  dpop?: { jkt: string };
  /** RFC 9396: what was asked beside what was granted. */
  authorization_details?: AuthorizationDetailComparison[];
  checks: Check[];
  valid: boolean;
}

export function renderToken(
  v: TokenView,
  style: Style,
  opts: { showSecrets: boolean; now?: number; width?: number | undefined },
): string {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const from =
    v.cache.action === 'reuse'
      ? 'the cache (no request made)'
      : v.cache.action === 'refresh'
        ? 'a refresh at the provider'
        : 'the provider';
  const e = escapeForTerminal;
  const rows: string[][] = [
    ['grant', e(v.grant)],
    ['from', `${from}\n${style.dim(e(v.cache.reason))}`],
    ['issuer', e(v.issuer)],
    ['client_id', e(v.client_id)],
  ];
  if (v.auth_method) rows.push(['client auth', e(v.auth_method)]);
  if (v.token_type) rows.push(['token_type', e(v.token_type)]);
  if (v.dpop)
    rows.push(['dpop key', `thumbprint ${e(v.dpop.jkt)}\n${style.dim('every request needs a proof with it')}`]);
  if (v.access_token) rows.push(['access_token', redactSecret(v.access_token, opts.showSecrets)]);
  rows.push([
    'expires',
    v.expires_at === undefined
      ? style.yellow('unknown (no expires_in, not a JWT)')
      : `${isoUtc(v.expires_at)} (${relativeTime(v.expires_at, now, { expiry: true })})`,
  ]);
  if (v.scope) rows.push(['scope', e(v.scope)]);
  rows.push(['refresh_token', v.refresh_token ? redactSecret(v.refresh_token, opts.showSecrets) : style.dim('none')]);
  if (v.id_token) rows.push(['id_token', redactSecret(v.id_token, opts.showSecrets)]);
  const out = [renderTable({ rows, width: opts.width }, style)];
  if (v.authorization_details) out.push(renderAuthorizationDetails(v.authorization_details, style, opts.width));
  if (v.checks.length) {
    const showSource = v.checks.some((c) => c.source);
    out.push(renderChecks(v.checks, style, { title: 'Checks', showSource, width: opts.width }));
  }
  return out.join('\n');
}
