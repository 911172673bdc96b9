// The provider's HTTP edge: listeners on 127.0.0.1 and [::1] only, the guards every request
// passes (loopback peer, Host naming this provider, bounded body), routing to the endpoints,
// the resilience faults, the control endpoint, and one log event per request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESPONSE_TYPES } from '../../protocol/response-type.js';
import { listenOn } from '../listen.js';
import {
  applyDiscoveryDefects,
  DEFECTS,
  parseDefectNames,
  resilienceFaults,
  type Defect,
  type ProviderAlg,
} from '../../protocol/provider-defects.js';
import { DPOP_PROOF_ALGS } from '../../protocol/provider-dpop.js';
import type { ProviderClient } from '../../protocol/provider-requests.js';
import { JARM_RESPONSE_MODES, RESPONSE_MODES } from '../../protocol/response-type.js';
import {
  AUTHORIZATION_PATH,
  DECISION_PATH,
  ERROR_PAGE_PATH,
  authorizationEndpoint,
  decisionEndpoint,
} from './authorization.js';
import { type Calls, ProviderCore, type ProviderUser } from './core.js';
import {
  END_SESSION_DECISION_PATH,
  END_SESSION_PATH,
  endSessionDecisionEndpoint,
  endSessionEndpoint,
} from './end-session.js';
import { Keyring, type KeyMaterial } from './keys.js';
import { PAR_PATH, pushedAuthorizationRequestEndpoint } from './par.js';
import { CONTROL_DEFECTS_PATH } from './paths.js';
import { messagePage } from './pages.js';
import { html, json, oauthError, redirect, text, type Reply } from './reply.js';
import type { ProviderRequest } from './request.js';
import { introspectionEndpoint, revocationEndpoint, userinfoEndpoint } from './resources.js';
import {
  DEVICE_CODE_GRANT,
  DEVICE_PATH,
  deviceAuthorizationEndpoint,
  devicePageEndpoint,
  tokenEndpoint,
} from './token.js';

const MOVED_DISCOVERY_PATH = '/meta/openid-configuration';

/** Request bodies are small forms and JSON lists; 64 KiB is far more than any of them needs. */
export const MAX_BODY_BYTES = 64 * 1024;
export { CONTROL_DEFECTS_PATH };
export const CONTROL_ROTATE_PATH = '/_oidc-probe/rotate-keys';

export interface ProviderEvent {
  /** ISO 8601 time the request arrived. */
  time: string;
  method: string;
  /** The path only: queries can carry id_token_hint and other things a log should not keep. */
  path: string;
  status: number;
  endpoint: string;
  client?: string | undefined;
  note: string;
  defects: Defect[];
  notApplicable: Defect[];
  ms: number;
}

export interface ProviderConfig {
  /** 0: any free port (the same on both addresses). */
  port: number;
  /** Where to listen; the issuer always names 127.0.0.1. */
  hosts: readonly ('127.0.0.1' | '::1')[];
  /** "/" or a path like "/realms/test" (kept exactly, trailing slash included). */
  issuerPath: string;
  clients: ProviderClient[];
  user: ProviderUser;
  autoApprove: boolean;
  defects: readonly Defect[];
  signingAlg: ProviderAlg;
  slowDelayMs: number;
  deviceIntervalSeconds: number;
  keys: KeyMaterial;
  log?: (event: ProviderEvent) => void;
}

export interface ProviderHandle {
  issuer: string;
  port: number;
  /** host:port of every listener (127.0.0.1, and [::1] where the machine has IPv6). */
  addresses: string[];
  calls: Calls;
  issued: string[];
  /** The defects that are on (a live set: the control endpoint changes it in place). */
  defects: Set<Defect>;
  setDefects(list: readonly Defect[]): void;
  rotateKeys(): Promise<string[]>;
  close(): Promise<void>;
}

const JSON_ENDPOINTS = new Set(['discovery', 'jwks', 'token', 'userinfo']);

type Route = {
  endpoint: keyof Calls | 'other';
  methods: string[];
  handle: (req: ProviderRequest) => Promise<Reply> | Reply;
};

export async function startProvider(config: ProviderConfig): Promise<ProviderHandle> {
  const servers: Server[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let closed = false;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      // Nothing a request sends may end the provider; this one gets a bare 500.
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const port = await listenAll(servers, handler, config);
  const origin = `http://127.0.0.1:${port}`;
  const path = config.issuerPath === '/' ? '' : config.issuerPath;
  const issuer = `${origin}${path}`;
  const base = path.replace(/\/$/, '');
  const core = new ProviderCore(
    {
      issuer,
      base,
      clients: config.clients,
      user: config.user,
      autoApprove: config.autoApprove,
      signingAlg: config.signingAlg,
      deviceIntervalSeconds: config.deviceIntervalSeconds,
    },
    new Keyring(config.keys),
    new Set(config.defects),
  );
  const allowedHosts = new Set([`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`]);

  const routes = new Map<string, Route>();
  const route = (p: string, endpoint: Route['endpoint'], methods: string[], h: Route['handle']) =>
    routes.set(p, { endpoint, methods, handle: h });
  route(`${base}/.well-known/openid-configuration`, 'discovery', ['GET'], () =>
    core.defects.has('discovery_redirect')
      ? {
          ...redirect(core.endpoint(MOVED_DISCOVERY_PATH), 'moved permanently (defect)', { status: 301 }),
          applied: ['discovery_redirect'],
        }
      : discovery(core),
  );
  // Where the discovery_redirect and issuer_template defects put the document too (Entra's
  // multi-tenant endpoints live under /common/v2.0); elsewhere these paths are not found.
  route(`${base}${MOVED_DISCOVERY_PATH}`, 'discovery', ['GET'], () =>
    core.defects.has('discovery_redirect') ? discovery(core) : text(404, 'not found'),
  );
  route(`${base}/common/v2.0/.well-known/openid-configuration`, 'discovery', ['GET'], () =>
    core.defects.has('issuer_template') ? discovery(core) : text(404, 'not found'),
  );
  // The provider's own error page, where the localhost_only defect sends the browser.
  route(`${base}${ERROR_PAGE_PATH}`, 'other', ['GET'], (r) =>
    html(
      400,
      messagePage(
        'Sign-in error',
        `The provider refused the request: ${r.url.searchParams.get('error') ?? 'error'}. ` +
          'The redirect URI is not allowed.',
      ),
      'error page',
    ),
  );
  // RFC 8414 §3.1: the OAuth metadata location puts the well-known part before the issuer's path.
  route(`/.well-known/oauth-authorization-server${base}`, 'discovery', ['GET'], () => discovery(core));
  route(`${base}/jwks`, 'jwks', ['GET'], () => jwks(core));
  route(`${base}${AUTHORIZATION_PATH}`, 'authorize', ['GET', 'POST'], (r) => authorizationEndpoint(core, r));
  route(`${base}${DECISION_PATH}`, 'authorize', ['POST'], (r) => decisionEndpoint(core, r));
  route(`${base}${PAR_PATH}`, 'par', ['POST'], (r) => pushedAuthorizationRequestEndpoint(core, r));
  route(`${base}/token`, 'token', ['POST'], (r) => tokenEndpoint(core, r));
  route(`${base}/userinfo`, 'userinfo', ['GET', 'POST'], (r) => userinfoEndpoint(core, r));
  route(`${base}/introspect`, 'introspect', ['POST'], (r) => introspectionEndpoint(core, r));
  route(`${base}/revoke`, 'revoke', ['POST'], (r) => revocationEndpoint(core, r));
  route(`${base}${END_SESSION_PATH}`, 'end_session', ['GET', 'POST'], (r) => endSessionEndpoint(core, r));
  route(`${base}${END_SESSION_DECISION_PATH}`, 'end_session', ['POST'], (r) => endSessionDecisionEndpoint(core, r));
  route(`${base}/device_authorization`, 'device_authorization', ['POST'], (r) => deviceAuthorizationEndpoint(core, r));
  route(`${base}${DEVICE_PATH}`, 'device', ['GET', 'POST'], (r) => devicePageEndpoint(core, r));
  route(CONTROL_DEFECTS_PATH, 'control', ['GET', 'POST'], (r) => controlDefects(core, r));
  route(CONTROL_ROTATE_PATH, 'control', ['POST'], async (r) => {
    if (!isJson(r)) return notJson();
    const kids = await core.keyring.rotate();
    return json(200, { kids }, `keys rotated: ${kids.join(', ')} sign from now on`);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      url = new URL('/', origin);
    }
    const r = routes.get(url.pathname);
    const endpoint = r?.endpoint ?? 'other';
    let reply: Reply;
    try {
      reply = await answer(req, method, url, r);
    } catch (err) {
      reply = text(500, 'the provider failed on this request', `failed: ${(err as Error).message}`);
    }
    if (closed) {
      res.destroy();
      return;
    }
    try {
      res.writeHead(reply.status, reply.headers).end(reply.body);
    } catch (err) {
      // A header value Node refuses (it never should be one: redirect URIs are checked as URI text).
      reply = text(500, 'the provider could not write its answer', `failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, reply.headers).end(reply.body);
    }
    config.log?.({
      time: new Date(started).toISOString(),
      method,
      path: url.pathname,
      status: reply.status,
      endpoint,
      client: reply.client,
      note: reply.note,
      defects: reply.applied,
      notApplicable: reply.notApplicable ?? [],
      ms: Date.now() - started,
    });
  }

  async function answer(req: IncomingMessage, method: string, url: URL, r: Route | undefined): Promise<Reply> {
    const refused = guard(req, allowedHosts);
    if (refused) {
      req.resume();
      return refused;
    }
    if (!r) {
      req.resume();
      return text(404, 'not found', 'not found');
    }
    if (!r.methods.includes(method)) {
      req.resume();
      return { ...text(405, `use ${r.methods.join(' or ')}`), headers: { allow: r.methods.join(', ') } };
    }
    if (r.endpoint !== 'other') core.calls[r.endpoint]++;
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) return text(413, `the body is over ${MAX_BODY_BYTES} bytes`, 'refused: body too large');
    const faults = resilienceFaults(core.defects, r.endpoint);
    if (faults.slow) await delay(config.slowDelayMs);
    if (faults.status500)
      return { ...text(500, 'internal server error (defect)'), note: 'HTTP 500 (defect)', applied: faults.applied };
    const reply = await r.handle({ method, url, headers: req.headers, body });
    if (faults.malformed && JSON_ENDPOINTS.has(r.endpoint))
      return {
        ...reply,
        body: reply.body.slice(0, Math.floor(reply.body.length / 2)),
        applied: [...reply.applied, ...faults.applied],
      };
    return faults.applied.length ? { ...reply, applied: [...reply.applied, ...faults.applied] } : reply;
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        pending.delete(t);
        resolve();
      }, ms);
      pending.add(t);
    });
  }

  return {
    issuer,
    port,
    addresses: servers.map((s) => {
      const a = s.address() as AddressInfo;
      return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    }),
    calls: core.calls,
    issued: core.issued,
    defects: core.defects,
    setDefects: (list) => core.setDefects(list),
    rotateKeys: () => core.keyring.rotate(),
    close: async () => {
      closed = true;
      for (const t of pending) clearTimeout(t);
      pending.clear();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

/** Loopback addresses: 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * The provider answers loopback peers only, and only when Host names it: a web page the person
 * visits cannot reach it through DNS rebinding (a foreign name resolving to 127.0.0.1).
 */
export function guard(
  req: { socket: { remoteAddress?: string | undefined }; headers: { host?: string | undefined } },
  allowedHosts: ReadonlySet<string>,
): Reply | undefined {
  if (!isLoopbackAddress(req.socket.remoteAddress))
    return text(
      403,
      'this provider answers loopback clients only',
      `refused: peer ${req.socket.remoteAddress ?? '?'} is not loopback`,
    );
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.has(host))
    return text(
      421,
      `Host "${host}" does not name this provider; use ${[...allowedHosts][0]}`,
      `refused: Host "${host}" is not this provider`,
    );
  return undefined;
}

/** The body, or undefined once it passes `max` bytes (the rest is drained, not kept). */
async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) over = true;
    if (!over) chunks.push(chunk);
  }
  return over ? undefined : Buffer.concat(chunks).toString('utf8');
}

function discovery(core: ProviderCore): Reply {
  const issuer = core.settings.issuer;
  const e = (p: string) => core.endpoint(p);
  const metadata = {
    issuer,
    authorization_endpoint: e(AUTHORIZATION_PATH),
    token_endpoint: e('/token'),
    userinfo_endpoint: e('/userinfo'),
    jwks_uri: e('/jwks'),
    introspection_endpoint: e('/introspect'),
    revocation_endpoint: e('/revoke'),
    end_session_endpoint: e(END_SESSION_PATH),
    device_authorization_endpoint: e('/device_authorization'),
    pushed_authorization_request_endpoint: e(PAR_PATH),
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: [...RESPONSE_MODES, ...JARM_RESPONSE_MODES],
    // JARM §3: response JWTs are signed RS256 (no client registers another alg here).
    authorization_signing_alg_values_supported: ['RS256'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA', 'HS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    dpop_signing_alg_values_supported: [...DPOP_PROOF_ALGS],
    prompt_values_supported: ['none', 'login', 'consent'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'at_hash',
      'c_hash',
      'name',
      'preferred_username',
      'email',
      'email_verified',
    ],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    // Request objects by reference (Core 6.2) are not fetched; PAR's request_uri values are
    // announced by pushed_authorization_request_endpoint (RFC 9126 §5).
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  };
  const changed = applyDiscoveryDefects(metadata, core.defects, { issuer });
  return { ...json(200, changed.metadata, 'discovery document'), applied: changed.applied };
}

async function jwks(core: ProviderCore): Promise<Reply> {
  core.jwksFetches++;
  const { jwks: set, applied } = await core.keyring.jwks(core.defects, core.jwksFetches);
  const reply = json(200, set, `${set.keys.length} keys: ${set.keys.map((k) => k.kid).join(', ')}`);
  // A JWKS may be cached briefly, but not across a rotation a test asks for.
  return { ...reply, headers: { ...reply.headers, 'cache-control': 'no-cache' }, applied };
}

/**
 * The control endpoints take POSTs as application/json only: a page in the person's browser can
 * send a cross-site form or text/plain POST to loopback, but not JSON without a CORS preflight,
 * which this provider never answers.
 */
function isJson(req: ProviderRequest): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}
const notJson = () =>
  oauthError(415, 'invalid_request', 'send content-type: application/json (a list of defect names, e.g. ["iss"])');

/** GET: the defects that are on; POST a JSON list of names: exactly those are on from now. */
async function controlDefects(core: ProviderCore, req: ProviderRequest): Promise<Reply> {
  if (req.method === 'GET') return json(200, [...core.defects], `defects: ${[...core.defects].join(', ') || 'none'}`);
  if (!isJson(req)) return notJson();
  let list: unknown;
  try {
    list = JSON.parse(req.body);
  } catch {
    return oauthError(400, 'invalid_request', 'the body is not JSON; send a list of defect names, e.g. ["iss"]');
  }
  if (!Array.isArray(list) || !list.every((x): x is string => typeof x === 'string'))
    return oauthError(400, 'invalid_request', 'send a JSON list of defect names, e.g. ["iss","at_hash"] ([] for none)');
  const { defects, unknown } = parseDefectNames(list);
  if (unknown.length)
    return {
      ...json(
        400,
        {
          error: 'invalid_request',
          error_description: `unknown defect${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}`,
          valid_defects: DEFECTS,
        },
        `refused: unknown defect ${unknown.slice(0, 5).join(', ')}`,
      ),
    };
  core.setDefects(defects);
  return json(200, defects, `defects now: ${defects.join(', ') || 'none'}`);
}

/** The provider could not listen; `code` is the system's (EADDRINUSE: the port is taken). */
export class ListenError extends Error {
  override name = 'ListenError';
  constructor(
    readonly code: string,
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

/** Listen on every host on one port; with port 0, find one that is free on all of them. */
async function listenAll(
  servers: Server[],
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  config: ProviderConfig,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    let port = config.port;
    try {
      for (const host of config.hosts) {
        const server = createServer(handler);
        try {
          await listenOn(server, port, host);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // A machine without IPv6 has no [::1]: 127.0.0.1 alone will do.
          if (host === '::1' && servers.length > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
          throw err;
        }
        servers.push(server);
        port = (server.address() as AddressInfo).port;
      }
      return port;
    } catch (err) {
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
      const code = (err as NodeJS.ErrnoException).code;
      // Port 0: the free port of 127.0.0.1 may be taken on [::1]; try another.
      if (code === 'EADDRINUSE' && config.port === 0 && attempt < 5) continue;
      throw new ListenError(code ?? 'unknown', config.port, (err as Error).message);
    }
  }
}
