// Human view of a login: the request, the authorization response by channel, the token response,
// the ID token and access token, one merged identity table, every check with its source, and why
// the code was held back (if it was).
import type { LoginView } from './flow.js';
import { compareScopes, mergeIdentityClaims } from '../../protocol/claims-merge.js';
import { renderAuthorizationDetails } from '../../render/authorization-details.js';
import { renderChecks } from '../../render/checks.js';
import { renderClaimsTable } from '../../render/jwt-tables.js';
import { renderAuthorizationResponse, renderNotRedeemed } from './render-front-channel.js';
import { escapeForTerminal } from '../../render/escape.js';
import type { Style } from '../../render/style.js';
import { renderTable } from '../../render/table.js';
import { formatValue, namedValue, redactSecret, shortenMiddle } from '../../render/text.js';
import { humanDuration } from '../../render/time.js';

export interface LoginRenderOptions {
  showSecrets: boolean;
  now?: number;
  /** The terminal's width, which every table fits. */
  width?: number;
}

/** The authorization request at a glance, shown on stderr before the browser opens. */
export function renderRequestTable(request: Record<string, unknown>, style: Style, width?: number): string {
  // The response mode row says whether the parameter was sent or the response type's default applies.
  const { response_mode_sent: sent, ...fields } = request;
  if (sent === false) fields.response_mode = `${String(fields.response_mode)} (default, not sent)`;
  Object.assign(fields, advancedRequestRows(fields));
  const rows = Object.entries(fields).map(([k, v]) => [escapeForTerminal(k), formatValue(v)]);
  return `${style.bold('Authorization request')}\n${renderTable({ rows, width }, style)}`;
}

/** PAR, the request object, DPoP and RAR as one line each (the JSON `request` holds them as objects). */
function advancedRequestRows(request: Record<string, unknown>): Record<string, unknown> {
  const rows: Record<string, unknown> = {};
  const ro = request.request_object as { alg: string; encryption?: { alg: string; enc: string } } | undefined;
  if (ro) {
    const encryption = ro.encryption ? `, encrypted ${ro.encryption.alg} ${ro.encryption.enc}` : '';
    rows.request_object = `signed ${ro.alg}${encryption}`;
  }
  const par = request.par as { request_uri?: string; expires_in?: number } | undefined;
  if (par) {
    const expires = par.expires_in !== undefined ? ` (expires in ${par.expires_in} s)` : '';
    rows.par = `${par.request_uri ?? '(no request_uri)'}${expires}`;
  }
  const dpop = request.dpop as { jkt: string; bind_code: boolean } | undefined;
  if (dpop) rows.dpop = `key thumbprint ${dpop.jkt}${dpop.bind_code ? ', code bound (dpop_jkt)' : ''}`;
  return rows;
}

/** JARM: the response JWT's own header and claims; the parameters inside are in the response table. */
type JarmView = NonNullable<NonNullable<LoginView['result']['callback']>['jarm']>;

function renderJarm(jarm: JarmView, style: Style, width: number | undefined): string {
  const rows: string[][] = [];
  for (const k of ['alg', 'kid', 'typ']) if (jarm.header[k] !== undefined) rows.push([k, formatValue(jarm.header[k])]);
  rows.push(['encrypted', jarm.encrypted ? 'yes (decrypted with --decryption-key)' : 'no']);
  for (const k of ['iss', 'aud', 'exp'])
    if (jarm.payload[k] !== undefined) rows.push([k, formatValue(jarm.payload[k])]);
  const title = `${style.bold('JARM response')} ${style.dim('(a JWT in the "response" parameter)')}`;
  return `${title}\n${renderTable({ rows, width }, style)}`;
}

export function renderLogin(view: LoginView, style: Style, opts: LoginRenderOptions): string {
  const r = view.result;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const tableOpts = { now, ...(opts.width ? { width: opts.width } : {}) };
  const out: string[] = [];
  if (r.request) out.push(renderRequestTable(r.request, style, opts.width), '');
  if (r.callback?.jarm) out.push(renderJarm(r.callback.jarm, style, opts.width), '');
  if (view.front) out.push(renderAuthorizationResponse(view.front, style, opts), '');
  if (r.tokens)
    out.push(
      style.bold('Token response'),
      renderTokenResponse(r.tokens, String(r.request?.scope ?? ''), style, opts),
      '',
    );
  if (r.authorization_details) out.push(renderAuthorizationDetails(r.authorization_details, style, opts.width), '');
  if (r.id_token) {
    const jwe = r.id_token.jwe_header;
    const encrypted = jwe ? ` ${style.dim(`(encrypted: ${formatValue(jwe.alg)} ${formatValue(jwe.enc)})`)}` : '';
    out.push(style.bold('ID token claims') + encrypted, renderClaimsTable(r.id_token.payload, style, tableOpts), '');
  }
  if (r.access_token) {
    const at = r.access_token;
    out.push(
      `${style.bold('Access token')} ${style.dim(`(from the ${escapeForTerminal(at.from.replace('_', ' '))})`)}: ` +
        redactSecret(at.value, opts.showSecrets),
      `  ${escapeForTerminal(at.note)}`,
    );
    if (at.payload) out.push(renderClaimsTable(at.payload, style, tableOpts));
    out.push('');
  }
  if (r.id_token || r.userinfo)
    out.push(
      renderIdentity(r.id_token?.payload, r.userinfo?.claims, String(r.request?.scope ?? ''), style, opts.width),
      '',
    );
  out.push(renderChecks(r.checks, style, { title: 'Checks', showSource: true, width: opts.width }));
  if (r.callback?.not_redeemed_reason) out.push(renderNotRedeemed(r.callback.not_redeemed_reason, style));
  out.push(r.valid ? style.green.bold('valid') : style.red.bold('NOT valid'));
  return out.join('\n');
}

function renderTokenResponse(
  tokens: Record<string, unknown>,
  requestedScope: string,
  style: Style,
  opts: LoginRenderOptions,
): string {
  const rows: string[][] = [];
  const scopes = compareScopes(requestedScope, typeof tokens.scope === 'string' ? tokens.scope : undefined);
  for (const [k, v] of Object.entries(tokens)) {
    if (k === 'scope') continue;
    if (k === 'expires_in' && (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))))
      rows.push([k, `${v} s (${humanDuration(Number(v))})`]);
    else rows.push([escapeForTerminal(k), namedValue(k, v, opts.showSecrets, 80)]);
  }
  if (!('refresh_token' in tokens)) rows.push(['refresh_token', style.dim('none issued')]);
  const words = (list: string[]) => escapeForTerminal(list.join(' '));
  let scopeText = scopes.reported
    ? words(scopes.granted)
    : `${escapeForTerminal(requestedScope)} ${style.dim('(not in the response: as requested, RFC 6749 §5.1)')}`;
  if (scopes.missing.length) scopeText += `\n${style.yellow(`not granted: ${words(scopes.missing)}`)}`;
  if (scopes.extra.length) scopeText += `\n${style.cyan(`granted without being asked: ${words(scopes.extra)}`)}`;
  rows.push(['scope', scopeText]);
  return renderTable({ rows, width: opts.width }, style);
}

function renderIdentity(
  idToken: Record<string, unknown> | undefined,
  userinfo: Record<string, unknown> | undefined,
  requestedScope: string,
  style: Style,
  width: number | undefined,
): string {
  const merged = mergeIdentityClaims(idToken, userinfo, requestedScope);
  const rows = merged.claims.map((c) => {
    const value = shortenMiddle(formatValue(c.value), 60);
    const both = c.differs
      ? `${style.yellow(value)}\n${style.yellow(`userinfo: ${shortenMiddle(formatValue(c.userinfoValue), 60)}`)}`
      : value;
    return [
      escapeForTerminal(c.claim),
      both,
      c.differs ? style.yellow.bold('both (differ)') : c.source,
      c.scope !== undefined ? escapeForTerminal(c.scope) : style.dim('—'),
    ];
  });
  const lines = [
    style.bold('Who signed in'),
    renderTable({ head: ['claim', 'value', 'source', 'scope'], rows, width }, style),
  ];
  if (merged.scopesWithoutClaims.length)
    lines.push(
      style.yellow(
        `requested scopes that yielded no claims: ${escapeForTerminal(merged.scopesWithoutClaims.join(' '))}`,
      ),
    );
  return lines.join('\n');
}
