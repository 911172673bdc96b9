// serve's views: the banner with the issuer, clients and a ready `oidc-probe login` line; one log
// line per request (or one JSON object with --json-log); the defect list. Everything a request
// brought in (paths, client ids, redirect URIs) is escaped before it reaches a terminal.
import { escapeForTerminal } from '../../render/escape.js';
import { CONTROL_DEFECTS_PATH } from '../../io/provider/paths.js';
import type { ProviderEvent } from '../../io/provider/server.js';
import { DEFECT_CATALOGUE, type DefectInfo } from '../../protocol/provider-defects.js';
import { isLoopbackRedirect } from '../../protocol/provider-requests.js';
import type { Style } from '../../render/style.js';
import { redactSecret } from '../../render/text.js';
import type { ServeHandle } from './run.js';

/** What a machine reads once the provider listens: the first line of the --json-log on stderr. */
export function readyDocument(h: ServeHandle): Record<string, unknown> {
  return {
    event: 'ready',
    issuer: h.issuer,
    discovery: `${h.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    addresses: h.addresses,
    clients: h.clients.map((c) => ({
      client_id: c.clientId,
      type: c.clientSecret === undefined ? 'public' : 'confidential',
      redirect_uris: c.redirectUris.length ? c.redirectUris : 'any loopback URI',
    })),
    user: h.user.sub,
    auto_approve: h.autoApprove,
    signing_alg: h.signingAlg,
    defects: [...h.defects],
    control: `http://127.0.0.1:${h.port}${CONTROL_DEFECTS_PATH}`,
  };
}

/** The `oidc-probe login` line for a client a loopback listener can serve, one taking any loopback URI first. */
export function loginLine(h: ServeHandle, showSecrets: boolean): string | undefined {
  const client =
    h.clients.find((c) => c.redirectUris.length === 0) ??
    h.clients.find((c) => c.redirectUris.some(isLoopbackRedirect));
  if (!client) return undefined;
  const registered = client.redirectUris.find(isLoopbackRedirect);
  const secret =
    client.clientSecret === undefined
      ? ''
      : `OIDC_PROBE_CLIENT_SECRET=${showSecrets ? shellQuote(client.clientSecret) : '<its secret>'} `;
  return (
    `${secret}oidc-probe login --issuer ${shellQuote(h.issuer)} --client-id ${shellQuote(client.clientId)}` +
    (registered ? ` --redirect-uri ${shellQuote(registered)}` : '')
  );
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function renderReady(h: ServeHandle, style: Style, opts: { showSecrets: boolean }): string {
  const row = (label: string, value: string) => `  ${style.dim(label.padEnd(10))} ${value}`;
  const clients = h.clients.map((c) => {
    const kind =
      c.clientSecret === undefined
        ? 'public, PKCE'
        : `confidential, secret ${redactSecret(c.clientSecret, opts.showSecrets)}`;
    const uris = c.redirectUris.length ? c.redirectUris.join(', ') : 'any loopback redirect URI';
    return row('client', `${style.bold(escapeForTerminal(c.clientId))} (${kind}; ${escapeForTerminal(uris)})`);
  });
  const defects = [...h.defects];
  const login = loginLine(h, opts.showSecrets);
  return [
    `${style.bold('oidc-probe serve')}: an OpenID provider for testing, listening on ${h.addresses.join(' and ')}`,
    row('issuer', style.cyan(h.issuer)),
    row('discovery', `${h.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`),
    ...clients,
    row('user', escapeForTerminal(h.user.sub)),
    row('sign-in', h.autoApprove ? 'automatic (--auto-approve)' : 'a page to click through in the browser'),
    row('signing', h.signingAlg),
    row('defects', defects.length ? style.magenta(defects.join(', ')) : 'none'),
    row(
      'control',
      `curl -X POST -H 'content-type: application/json' -d '["iss"]' http://127.0.0.1:${h.port}${CONTROL_DEFECTS_PATH}`,
    ),
    ...h.warnings.map((w) => `${style.yellow('warning:')} ${w}`),
    ...(login ? ['Try it:', `  ${login}`] : []),
    style.dim('Ctrl-C stops it.'),
  ].join('\n');
}

function statusPaint(status: number, style: Style): string {
  const s = String(status);
  if (status >= 500) return style.red(s);
  if (status >= 400) return style.yellow(s);
  if (status >= 300) return style.cyan(s);
  return style.green(s);
}

/** One readable line per request: time, method, path, status, what was answered, the defects applied. */
export function renderEvent(e: ProviderEvent, style: Style): string {
  const time = new Date(e.time).toTimeString().slice(0, 8);
  const parts = [
    style.dim(time),
    e.method.padEnd(4),
    escapeForTerminal(e.path),
    statusPaint(e.status, style),
    escapeForTerminal(e.note),
  ];
  if (e.client !== undefined) parts.push(style.dim(`client ${escapeForTerminal(e.client)}`));
  if (e.defects.length) parts.push(style.magenta(`defect${e.defects.length > 1 ? 's' : ''}: ${e.defects.join(', ')}`));
  if (e.notApplicable.length) parts.push(style.yellow(`not applicable here: ${e.notApplicable.join(', ')}`));
  return parts.join('  ');
}

/** --json-log: the event as one line of JSON (exact values; JSON escapes control characters itself). */
export function jsonEvent(e: ProviderEvent): string {
  return JSON.stringify({ event: 'request', ...e });
}

function expectation(d: DefectInfo): string {
  switch (d.expect.outcome) {
    case 'reject':
      return `reject (check ${d.expect.check})`;
    case 'accept':
      return 'accept';
    case 'warn':
      return `accept with a warning (check ${d.expect.check})`;
    case 'error':
      return `stop with an error (oidc-probe exits ${d.expect.exit})`;
  }
}

/** --list-defects: each defect, what the provider does, the rule it breaks, what a careful client does. */
export function renderDefectList(style: Style): string {
  const groups: [string, (d: DefectInfo) => boolean][] = [
    ['Defects a client must reject', (d) => d.expect.outcome === 'reject' || d.expect.outcome === 'warn'],
    ['Variations a client must accept', (d) => d.expect.outcome === 'accept'],
    ['Errors and resilience faults', (d) => d.expect.outcome === 'error'],
  ];
  const width = Math.max(...DEFECT_CATALOGUE.map((d) => d.name.length));
  const out: string[] = [];
  for (const [title, member] of groups) {
    out.push(style.bold(`${title}:`));
    for (const d of DEFECT_CATALOGUE.filter(member))
      out.push(
        `  ${style.cyan(d.name.padEnd(width))}  ${d.does}${d.imitates ? ` (as ${d.imitates})` : ''}; ` +
          `${style.dim(d.rule)}; a careful client: ${expectation(d)}`,
      );
  }
  out.push('', 'Use: oidc-probe serve --defect NAME (repeatable), or switch while it runs:');
  out.push(
    '  curl -X POST -H \'content-type: application/json\' -d \'["iss","at_hash"]\' ' +
      `http://127.0.0.1:PORT${CONTROL_DEFECTS_PATH}`,
  );
  return out.join('\n');
}

export function defectListDocument(): { defects: Record<string, unknown>[] } {
  return {
    defects: DEFECT_CATALOGUE.map((d) => ({
      name: d.name,
      does: d.does,
      ...(d.imitates ? { imitates: d.imitates } : {}),
      rule: d.rule,
      expect: d.expect,
    })),
  };
}
