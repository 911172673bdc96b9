// An embedded OpenID Provider for the demo and the tests: panva's certified `oidc-provider` on
// 127.0.0.1, with a public and a confidential demo client and a demo user. Its dev interaction
// pages (login, consent) are the real ones; any login name signs in as that user.
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';

export const DEMO_PUBLIC_CLIENT = 'demo-public';
export const DEMO_CONFIDENTIAL_CLIENT = 'demo-confidential';
/** A demo secret for a demo provider that lives for one run on loopback. */
export const DEMO_CLIENT_SECRET = 'demo-secret-for-the-embedded-provider-only';
export const DEMO_USER = 'demo';
/** A machine client for the client_credentials grant (the CI use case of `token`). */
export const DEMO_CI_CLIENT = 'demo-ci';

export interface DemoProvider {
  issuer: string;
  /** Requests that reached each path (e.g. "/token"), for tests that assert what was (not) called. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

// Native clients (RFC 8252 §7.3): oidc-provider accepts any port on these loopback redirect URIs.
const REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://localhost/callback', 'http://[::1]/callback'];
const POST_LOGOUT_REDIRECT_URIS = ['http://127.0.0.1/logged-out'];

/**
 * oidc-provider announces on the console that it runs in development mode (in-memory adapter, dev
 * interactions, Node 20): true, and intended here; those lines are kept out of the demo's output.
 */
function quietly<T>(make: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider')) warn(...args);
  };
  try {
    return make();
  } finally {
    console.warn = warn;
  }
}

async function quietlyAsync<T>(make: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('oidc-provider')) warn(...args);
  };
  try {
    return await make();
  } finally {
    console.warn = warn;
  }
}

/** A grant added through oidc-provider's extension point (token exchange, JWT bearer…), for tests. */
export interface ExtraGrant {
  name: string;
  params: string[];
  /** Koa middleware: ctx.oidc.params holds the request's parameters, ctx.oidc.client the authenticated client. */
  handler: (
    ctx: { oidc: { params: Record<string, unknown>; client: { clientId: string } }; body: unknown; status: number },
    next: () => Promise<void>,
  ) => Promise<void>;
}
/** The client allowed to use the extra grants. */
export const DEMO_EXTENSION_CLIENT = 'demo-extension';

/** Serve over HTTPS and accept client certificates issued by `ca` (RFC 8705 mTLS, for tests). */
export interface DemoTls {
  key: string;
  cert: string;
  ca: string;
}

export async function startDemoProvider(
  opts: {
    port?: number;
    extraGrants?: ExtraGrant[];
    extraClients?: Array<Record<string, unknown>>;
    tls?: DemoTls;
  } = {},
): Promise<DemoProvider> {
  const { default: Provider } = await quietlyAsync(() => import('oidc-provider'));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo-rs256', alg: 'RS256', use: 'sig' };

  const server: Server = opts.tls
    ? (createHttpsServer({
        key: opts.tls.key,
        cert: opts.tls.cert,
        ca: opts.tls.ca,
        requestCert: true,
        rejectUnauthorized: false,
      }) as unknown as Server)
    : createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const issuer = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = quietly(
    () =>
      new Provider(issuer, {
        clients: [
          {
            client_id: DEMO_PUBLIC_CLIENT,
            application_type: 'native',
            token_endpoint_auth_method: 'none',
            redirect_uris: REDIRECT_URIS,
            post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
            grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
            response_types: ['code'],
          },
          {
            client_id: DEMO_CONFIDENTIAL_CLIENT,
            client_secret: DEMO_CLIENT_SECRET,
            application_type: 'native',
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: REDIRECT_URIS,
            post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
          },
          {
            client_id: DEMO_CI_CLIENT,
            client_secret: DEMO_CLIENT_SECRET,
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: [],
            grant_types: ['client_credentials'],
            response_types: [],
          },
          ...(opts.extraClients ?? []),
          ...(opts.extraGrants?.length
            ? [
                {
                  client_id: DEMO_EXTENSION_CLIENT,
                  client_secret: DEMO_CLIENT_SECRET,
                  token_endpoint_auth_method: 'client_secret_basic',
                  redirect_uris: [],
                  response_types: [],
                  grant_types: opts.extraGrants.map((g) => g.name),
                },
              ]
            : []),
        ],
        jwks: { keys: [signingKey] },
        cookies: { keys: ['demo-cookie-signing-key-for-this-run-only'] },
        claims: {
          openid: ['sub'],
          profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'updated_at'],
          email: ['email', 'email_verified'],
        },
        features: {
          devInteractions: { enabled: true },
          clientCredentials: { enabled: true },
          deviceFlow: { enabled: true },
          ...(opts.tls ? { mTLS: mtlsFeature() } : {}),
          introspection: { enabled: true },
          revocation: { enabled: true },
        },
        scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
        ...(opts.tls
          ? {
              clientAuthMethods: [
                'client_secret_basic',
                'client_secret_post',
                'client_secret_jwt',
                'private_key_jwt',
                'none',
                'tls_client_auth',
                'self_signed_tls_client_auth',
              ],
            }
          : {}),
        pkce: { required: () => true },
        async findAccount(_ctx: unknown, id: string) {
          return {
            accountId: id,
            async claims() {
              return {
                sub: id,
                name: 'Dee Mo',
                given_name: 'Dee',
                family_name: 'Mo',
                preferred_username: id,
                locale: 'en',
                updated_at: 1767225600,
                email: `${id}@example.test`,
                email_verified: true,
              };
            },
          };
        },
        ttl: {
          DeviceCode: 600,
          Interaction: 600,
          Session: 3600,
          Grant: 3600,
          AccessToken: 3600,
          IdToken: 3600,
          AuthorizationCode: 60,
          RefreshToken: 86400,
        },
      }),
  );

  for (const g of opts.extraGrants ?? [])
    (provider as unknown as { registerGrantType(n: string, h: unknown, p: string[]): void }).registerGrantType(
      g.name,
      g.handler,
      g.params,
    );
  const hits = new Map<string, number>();
  const handler = provider.callback();
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    handler(req, res);
  });
  return {
    issuer,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** oidc-provider's mTLS hooks, reading the certificate from the TLS socket this server terminates. */
function mtlsFeature() {
  type Ctx = { socket: TLSSocket };
  const peer = (ctx: Ctx) => ctx.socket.getPeerCertificate?.();
  return {
    enabled: true,
    tlsClientAuth: true,
    selfSignedTlsClientAuth: true,
    getCertificate(ctx: Ctx) {
      const raw = peer(ctx)?.raw;
      return raw ? `-----BEGIN CERTIFICATE-----\n${pemBody(raw)}\n-----END CERTIFICATE-----\n` : undefined;
    },
    certificateAuthorized: (ctx: Ctx) => ctx.socket.authorized === true,
    certificateSubjectMatches(ctx: Ctx, property: string, expected: string) {
      return property === 'tls_client_auth_subject_dn' && `CN=${peer(ctx)?.subject?.CN}` === expected;
    },
  };
}

/** DER as the base64 body of a PEM block, 64 characters a line (RFC 7468 §2). */
function pemBody(der: Buffer): string {
  return der.toString('base64').replace(/(.{64})/g, '$1\n');
}
