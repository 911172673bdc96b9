// serve: options → clients, user, defects → the provider on loopback → a handle. Prints nothing:
// every request goes to the injected log sink, and the caller shows the handle.
import { UsageError } from '../../errors.js';
import type { ProviderUser } from '../../io/provider/core.js';
import type { KeyMaterial } from '../../io/provider/keys.js';
import type { ProviderEvent, ProviderHandle } from '../../io/provider/server.js';
import { DEFECTS, parseDefectNames, type Defect, type ProviderAlg } from '../../protocol/provider-defects.js';
import type { ProviderClient } from '../../protocol/provider-requests.js';
import type { ServeOptions } from './options.js';
import { escapeForTerminal } from '../../render/escape.js';

export interface ServeDeps {
  /** Where each request's event goes (the readable log, the JSON log, or a test's array). */
  log(event: ProviderEvent): void;
  /** Keys to start from (tests share them; RSA generation is slow); fresh ones otherwise. */
  keys?: KeyMaterial;
  /** Where to listen; both loopback addresses unless a test says otherwise. */
  hosts?: readonly ('127.0.0.1' | '::1')[];
  /** RFC 8628 §3.2 polling interval (tests poll faster). */
  deviceIntervalSeconds?: number;
}

export interface ServeHandle extends ProviderHandle {
  clients: ProviderClient[];
  user: ProviderUser;
  autoApprove: boolean;
  signingAlg: ProviderAlg;
  /** Things the person should know before the first request (e.g. a defect no client can trigger). */
  warnings: string[];
}

export const DEFAULT_CLIENT: ProviderClient = { clientId: 'oidc-probe', redirectUris: [] };
const SIGNING_ALGS: readonly ProviderAlg[] = ['RS256', 'ES256', 'EdDSA'];

export async function run(options: ServeOptions, deps: ServeDeps): Promise<ServeHandle> {
  const clients = parseClients(options.client ?? []);
  const { defects, unknown } = parseDefectNames(options.defect ?? []);
  if (unknown.length)
    throw new UsageError(
      'unknown_defect',
      `unknown defect${unknown.length > 1 ? 's' : ''} ${unknown.map((d) => `"${d}"`).join(', ')}; ` +
        `valid defects: ${DEFECTS.join(', ')}`,
      { hint: '`oidc-probe serve --list-defects` says what each one does' },
    );
  const user = parseUser(options.user);
  const issuerPath = checkIssuerPath(options.issuerPath);
  if (!(SIGNING_ALGS as readonly string[]).includes(options.signingAlg))
    throw new UsageError(
      'bad_signing_alg',
      `--signing-alg "${options.signingAlg}" is not one of ${SIGNING_ALGS.join(', ')}`,
    );
  const signingAlg = options.signingAlg as ProviderAlg;
  const warnings = defectWarnings(defects, clients);
  // The provider itself (keys, endpoints, pages) is serve's own bundle, loaded only now.
  const { startProvider, generateKeyMaterial } = await import('../../io/provider/index.js');
  const provider = await startProvider({
    port: options.port,
    hosts: deps.hosts ?? ['127.0.0.1', '::1'],
    issuerPath,
    clients,
    user,
    autoApprove: options.autoApprove === true,
    defects,
    signingAlg,
    slowDelayMs: options.slowDelay * 1000,
    deviceIntervalSeconds: deps.deviceIntervalSeconds ?? 5,
    keys: deps.keys ?? (await generateKeyMaterial()),
    log: deps.log,
  }).catch((err: unknown) => {
    throw listenFailure(err, options.port);
  });
  return { ...provider, clients, user, autoApprove: options.autoApprove === true, signingAlg, warnings };
}

const CLIENT_FORMAT = 'ID[:SECRET][@redirect-uri]';

/** `--client ID[:SECRET][@redirect-uri]`, repeatable; one ID given twice adds redirect URIs. */
export function parseClients(specs: readonly string[]): ProviderClient[] {
  if (specs.length === 0) return [{ ...DEFAULT_CLIENT, redirectUris: [] }];
  const clients: ProviderClient[] = [];
  for (const spec of specs) {
    const c = parseClientSpec(spec);
    const same = clients.find((x) => x.clientId === c.clientId);
    if (!same) clients.push(c);
    else if (same.clientSecret !== c.clientSecret)
      throw new UsageError('bad_client', `--client "${c.clientId}" is given twice with different secrets`);
    else for (const uri of c.redirectUris) if (!same.redirectUris.includes(uri)) same.redirectUris.push(uri);
  }
  return clients;
}

export function parseClientSpec(spec: string): ProviderClient {
  const bad = (why: string) =>
    new UsageError('bad_client', `--client "${escapeForTerminal(spec)}" is not ${CLIENT_FORMAT}: ${why}`, {
      hint:
        'for example --client my-app:my-secret@http://localhost:3000/callback, ' +
        'or --client my-app for a public client',
    });
  // The redirect URI starts at the first "@" followed by a URI scheme, so a secret may hold an "@".
  const at = /@(?=[A-Za-z][A-Za-z0-9+.-]*:)/.exec(spec) ?? /@/.exec(spec);
  const credentials = at ? spec.slice(0, at.index) : spec;
  const redirectUri = at ? spec.slice(at.index + 1) : undefined;
  const colon = credentials.indexOf(':');
  const clientId = colon < 0 ? credentials : credentials.slice(0, colon);
  const clientSecret = colon < 0 ? undefined : credentials.slice(colon + 1);
  // RFC 6749 Appendix A.1–A.2: client_id and client_secret are visible ASCII (VSCHAR) here.
  if (!/^[\x21-\x7e]{1,255}$/.test(clientId) || clientId.includes(':') || clientId.includes('@'))
    return fail(
      clientId === ''
        ? 'the client ID is empty'
        : 'the client ID must be 1 to 255 visible ASCII characters, without ":" or "@"',
    );
  if (clientSecret !== undefined && !/^[\x21-\x7e]{1,255}$/.test(clientSecret))
    return fail(clientSecret === '' ? 'the secret after ":" is empty' : 'the secret must be visible ASCII characters');
  const redirectUris: string[] = [];
  if (redirectUri !== undefined) {
    let url: URL;
    try {
      url = new URL(redirectUri);
    } catch {
      return fail(`the redirect URI "${escapeForTerminal(redirectUri)}" is not an absolute URI`);
    }
    // RFC 6749 §3.1.2: absolute, no fragment; RFC 8252 §7.1: a native app's private-use scheme has a dot.
    if (url.hash || redirectUri.includes('#')) return fail('a redirect URI must not have a fragment (RFC 6749 §3.1.2)');
    const scheme = url.protocol.slice(0, -1);
    if (scheme !== 'http' && scheme !== 'https' && !scheme.includes('.'))
      return fail(
        `the redirect URI scheme "${scheme}" is neither http(s) nor a private-use scheme ` +
          'like com.example.app (RFC 8252 §7.1)',
      );
    if (!/^[\x21-\x7e]+$/.test(redirectUri))
      return fail('the redirect URI must be printable ASCII: no spaces, control or other characters (RFC 3986 §2)');
    redirectUris.push(redirectUri);
  }
  return { clientId, ...(clientSecret !== undefined ? { clientSecret } : {}), redirectUris };

  function fail(why: string): never {
    throw bad(why);
  }
}

/** The user: its name is the sub (Core 2: at most 255 ASCII characters) and the preferred_username. */
export function parseUser(name: string): ProviderUser {
  if (!/^[\x21-\x7e]{1,255}$/.test(name))
    throw new UsageError(
      'bad_user',
      `--user "${escapeForTerminal(name)}" must be 1 to 255 visible ASCII characters (it becomes the sub)`,
    );
  return { sub: name, name, email: `${name}@example.com` };
}

/** "/" or an absolute path of plain segments; the control and well-known paths stay the provider's. */
export function checkIssuerPath(path: string): string {
  const bad = (why: string) => new UsageError('bad_issuer_path', `--issuer-path "${escapeForTerminal(path)}" ${why}`);
  if (path === '/') return path;
  if (!path.startsWith('/')) throw bad('must start with "/", e.g. /realms/test');
  if (!/^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+\/?$/.test(path))
    throw bad("must be path segments of letters, digits and -._~!$&'()*+,;=:@ (no //, ?, # or %)");
  if (path.split('/').some((s) => s === '.' || s === '..')) throw bad('must not have "." or ".." segments');
  if (/^\/(_oidc-probe|\.well-known)(\/|$)/.test(path)) throw bad('must not start with /_oidc-probe or /.well-known');
  return path;
}

function defectWarnings(defects: readonly Defect[], clients: readonly ProviderClient[]): string[] {
  const warnings: string[] = [];
  const secretless = clients.every((c) => c.clientSecret === undefined);
  for (const d of ['hs256', 'sig_hs256'] as const)
    if (defects.includes(d) && secretless)
      warnings.push(`defect ${d} signs with the client secret, and no client here has one: it will not apply`);
  return warnings;
}

/** A ListenError from the provider's bundle, as the usage error it is (its class is that bundle's). */
function listenFailure(err: unknown, port: number): unknown {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name !== 'ListenError') return err;
  if (e.code === 'EADDRINUSE')
    return new UsageError('port_in_use', `port ${port} is already in use on loopback`, {
      hint: 'choose another with --port, or --port 0 for any free one',
    });
  return new UsageError('listen_failed', `cannot listen on loopback port ${port}: ${e.message}`);
}
