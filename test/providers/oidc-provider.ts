// A real OpenID Provider for tests: panva's `oidc-provider` v9 on 127.0.0.1 (port 0), optionally
// mounted under a path (issuer http://127.0.0.1:PORT/some/path). Clients, features, keys and any
// other configuration are the caller's; the defaults give a working provider with dev interactions.
import { randomBytes, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface OidcProviderOptions {
  /** Mount path, e.g. "/tenant-a": the issuer becomes http://127.0.0.1:PORT/tenant-a. */
  mountPath?: string;
  clients?: Record<string, unknown>[];
  /** Merged over { devInteractions: { enabled: true } }. */
  features?: Record<string, unknown>;
  /** Private signing keys; one fresh RS256 key when absent. */
  jwks?: { keys: JWK[] };
  /** Anything else of oidc-provider's configuration (responseTypes, pkce, discovery, ttl…). */
  configuration?: Record<string, unknown>;
  /** PAR, JAR, JARM, DPoP nonces, RAR, encryption: each off unless asked for (features/configuration still win). */
  advanced?: AdvancedFeatures;
  /** Serve HTTPS and ask for client certificates issued by `ca` (RFC 8705; see advanced.certificateBoundTokens). */
  tls?: { key: string; cert: string; ca: string };
}

/**
 * Issue 14's features. oidc-provider already accepts pushed requests (RFC 9126) and DPoP proofs
 * (RFC 9449) by default; these options make them stricter or turn on what is off by default.
 */
export interface AdvancedFeatures {
  /** RFC 9126 §5: every authorization request must be pushed. */
  requirePar?: boolean;
  /** RFC 9101 request objects, by value or pushed; `required` makes them mandatory (require_signed_request_object). */
  requestObjects?: boolean | 'required';
  /** JARM: response modes jwt, query.jwt, fragment.jwt, form_post.jwt. */
  jarm?: boolean;
  /** RFC 9449 §8–9: every DPoP proof must carry a nonce the provider handed out. */
  dpopNonce?: boolean;
  /** An RFC 8707 resource server whose access tokens are JWTs (so cnf shows); RAR needs one. */
  jwtResourceServer?: string;
  /** RFC 9396 with the sample type "payment_initiation" (granted as asked; needs jwtResourceServer). */
  richAuthorizationRequests?: boolean;
  /**
   * Encrypted ID tokens, userinfo, JARM responses and request objects (Core 10.2): the provider gets
   * an RSA-OAEP-256 encryption key; clients register their public key and *_encrypted_response_alg.
   */
  encryption?: boolean;
  /**
   * RFC 8705: tls_client_auth with a CA-issued certificate, and access tokens bound to the certificate
   * presented (cnf["x5t#S256"]); needs `tls`.
   */
  certificateBoundTokens?: boolean;
}

/** The sample RAR type: RFC 9396 §2's payment_initiation example, with its amount required. */
export const SAMPLE_RAR_TYPE = 'payment_initiation';

let encryptionKey: Promise<JWK> | undefined;
/** The provider's RSA-OAEP-256 key for request objects encrypted to it, one per test process. */
function rsaEncryptionKey(): Promise<JWK> {
  encryptionKey ??= generateKeyPair('RSA-OAEP-256', { extractable: true }).then(async ({ privateKey }) => ({
    ...(await exportJWK(privateKey)),
    kid: 'test-rsa-enc',
    alg: 'RSA-OAEP-256',
    use: 'enc',
  }));
  return encryptionKey;
}

type OidcErrors = Record<string, new (description: string) => Error>;

/** oidc-provider features and configuration for the advanced options (empty when none is set). */
async function advancedConfiguration(
  a: AdvancedFeatures,
  errors: OidcErrors,
): Promise<{ features: Record<string, unknown>; keys: JWK[] }> {
  const features: Record<string, unknown> = {};
  const keys: JWK[] = [];
  if (a.requirePar) features.pushedAuthorizationRequests = { enabled: true, requirePushedAuthorizationRequests: true };
  if (a.requestObjects)
    features.requestObjects = { enabled: true, requireSignedRequestObject: a.requestObjects === 'required' };
  if (a.jarm) features.jwtResponseModes = { enabled: true };
  if (a.dpopNonce) features.dPoP = { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true };
  if (a.encryption) {
    features.encryption = { enabled: true };
    features.jwtUserinfo = { enabled: true };
    keys.push(await rsaEncryptionKey());
  }
  if (a.certificateBoundTokens) {
    type Ctx = { socket: TLSSocket };
    const peer = (ctx: Ctx) => ctx.socket.getPeerCertificate?.();
    features.mTLS = {
      enabled: true,
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      getCertificate(ctx: Ctx) {
        const raw = peer(ctx)?.raw;
        return raw ? new X509Certificate(raw).toString() : undefined;
      },
      certificateAuthorized: (ctx: Ctx) => ctx.socket.authorized === true,
      certificateSubjectMatches: (ctx: Ctx, property: string, expected: string) =>
        property === 'tls_client_auth_subject_dn' && `CN=${peer(ctx)?.subject?.CN}` === expected,
    };
  }
  if (a.jwtResourceServer !== undefined) {
    const resource = a.jwtResourceServer;
    features.resourceIndicators = {
      enabled: true,
      defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
        if (indicator !== resource) throw new errors.InvalidTarget!('unknown resource indicator');
        return { scope: 'api:read', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 300 };
      },
    };
  }
  if (a.richAuthorizationRequests) {
    type Ctx = { oidc: { params: Record<string, unknown> } };
    const asked = (ctx: Ctx) =>
      typeof ctx.oidc.params.authorization_details === 'string'
        ? JSON.parse(ctx.oidc.params.authorization_details)
        : undefined;
    features.richAuthorizationRequests = {
      enabled: true,
      types: {
        [SAMPLE_RAR_TYPE]: {
          validate(_ctx: unknown, detail: Record<string, unknown>) {
            if (typeof detail.instructedAmount !== 'object' || detail.instructedAmount === null)
              throw new errors.InvalidAuthorizationDetails!('payment_initiation needs an instructedAmount object');
          },
        },
      },
      authorizationDetailsForGrantSource: (ctx: Ctx) => asked(ctx),
      authorizationDetailsForAccessToken: (ctx: Ctx, _token: unknown, source?: { rar?: unknown }) =>
        source?.rar ?? asked(ctx),
      authorizationDetailsForIntrospection: (_ctx: unknown, token: { rar?: unknown }) => token.rar,
    };
  }
  return { features, keys };
}

export interface RunningOidcProvider {
  issuer: string;
  /** The oidc-provider instance, for tests that listen to its events. */
  provider: unknown;
  /** Paths requested, in order (after the mount path is stripped: "/.well-known/openid-configuration", "/jwks"). */
  requests: string[];
  close(): Promise<void>;
}

export const TEST_CLIENT = {
  client_id: 'test-client',
  client_secret: 'test-client-secret-for-loopback-only',
  redirect_uris: ['http://127.0.0.1/callback'],
  application_type: 'native',
};

let defaultKey: Promise<JWK> | undefined;
/** One RS256 key per test process: RSA generation is slow on a loaded machine. */
function rs256Key(): Promise<JWK> {
  defaultKey ??= generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey }) => ({
    ...(await exportJWK(privateKey)),
    kid: 'test-rs256',
    alg: 'RS256',
    use: 'sig',
  }));
  return defaultKey;
}

export async function startOidcProvider(opts: OidcProviderOptions = {}): Promise<RunningOidcProvider> {
  // oidc-provider warns on the console about development-mode defaults; intended here.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider')) warn(...args);
  };
  try {
    const oidc = await import('oidc-provider');
    const Provider = oidc.default;
    const advanced = await advancedConfiguration(
      opts.advanced ?? {},
      (oidc as unknown as { errors: OidcErrors }).errors,
    );
    const server: Server = opts.tls
      ? (createHttpsServer({ ...opts.tls, requestCert: true, rejectUnauthorized: false }) as unknown as Server)
      : createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const mountPath = (opts.mountPath ?? '').replace(/\/+$/, '');
    const scheme = opts.tls ? 'https' : 'http';
    const issuer = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}${mountPath}`;
    const provider = new Provider(issuer, {
      clients: opts.clients ?? [TEST_CLIENT],
      jwks: { keys: [...(opts.jwks?.keys ?? [await rs256Key()]), ...advanced.keys] },
      cookies: { keys: ['test-cookie-key-for-this-run-only'] },
      features: { devInteractions: { enabled: true }, ...advanced.features, ...opts.features },
      ...opts.configuration,
    });
    const handler = provider.callback();
    const requests: string[] = [];
    server.on('request', (req: IncomingMessage & { originalUrl?: string }, res) => {
      const url = req.url ?? '/';
      if (mountPath && !(url === mountPath || url.startsWith(mountPath + '/') || url.startsWith(mountPath + '?'))) {
        res.statusCode = 404;
        res.end();
        return;
      }
      // Mounted like express does it: the provider reads originalUrl to build its endpoint URLs.
      req.originalUrl = url;
      req.url = url.slice(mountPath.length) || '/';
      requests.push(new URL(req.url, 'http://x').pathname);
      handler(req, res);
    });
    return {
      issuer,
      provider,
      requests,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  } finally {
    console.warn = warn;
  }
}
