// Human view of a login: the request, the authorization response by channel, every check with its
// source, why the code was held back (if it was), and the userinfo claims.
import type { LoginView } from '../flows/login.js';
import { renderChecks } from './checks.js';
import { renderAuthorizationResponse, renderNotRedeemed } from './front-channel.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatValue, redactSecret, shortenMiddle } from './text.js';

export function renderLogin(view: LoginView, style: Style, opts: { showSecrets: boolean }): string {
  const r = view.result;
  const out: string[] = [];
  if (r.request) {
    out.push(style.bold('Request'), renderTable({ rows: Object.entries(r.request).map(([k, v]) => [k, formatValue(v)]) }, style), '');
  }
  if (view.front) out.push(renderAuthorizationResponse(view.front, style, opts), '');
  if (r.tokens) {
    const rows = Object.entries(r.tokens).map(([k, v]) => [k, /token$/.test(k) && typeof v === 'string' ? redactSecret(v, opts.showSecrets) : formatValue(v)]);
    out.push(style.bold('Token endpoint'), renderTable({ rows }, style), '');
  }
  if (r.userinfo) {
    out.push(style.bold('Userinfo'), renderTable({ rows: Object.entries(r.userinfo.claims).map(([k, v]) => [k, shortenMiddle(formatValue(v), 80)]) }, style), '');
  }
  out.push(renderChecks(r.checks, style, { title: 'checks', showSource: true }));
  if (r.callback?.not_redeemed_reason) out.push(renderNotRedeemed(r.callback.not_redeemed_reason, style));
  out.push(r.valid ? style.green.bold('valid') : style.red.bold('NOT valid'));
  return out.join('\n');
}
