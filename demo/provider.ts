// An embedded OpenID Provider for the demo and the tests: panva's certified `oidc-provider` on
// 127.0.0.1, with a public and a confidential demo client and a demo user. Its dev interaction
// pages (login, consent) are the real ones; any login name signs in as that user.
import { createServer, type Server } from 'node:http';
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
  console.warn = (...args: unknown[]) => { if (!String(args[0]).startsWith('oidc-provider')) warn(...args); };
  try { return make(); } finally { console.warn = warn; }
}

async function quietlyAsync<T>(make: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { if (!String(args[0]).startsWith('oidc-provider')) warn(...args); };
  try { return await make(); } finally { console.warn = warn; }
}

export async function startDemoProvider(opts: { port?: number } = {}): Promise<DemoProvider> {
  const { default: Provider } = await quietlyAsync(() => import('oidc-provider'));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo-rs256', alg: 'RS256', use: 'sig' };

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = quietly(() => new Provider(issuer, {
    clients: [
      { client_id: DEMO_PUBLIC_CLIENT, application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: REDIRECT_URIS, post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS, grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'], response_types: ['code'] },
      { client_id: DEMO_CONFIDENTIAL_CLIENT, client_secret: DEMO_CLIENT_SECRET, application_type: 'native', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: REDIRECT_URIS, post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
      { client_id: DEMO_CI_CLIENT, client_secret: DEMO_CLIENT_SECRET, token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], grant_types: ['client_credentials'], response_types: [] },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['demo-cookie-signing-key-for-this-run-only'] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: true }, clientCredentials: { enabled: true }, deviceFlow: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true } },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, id: string) {
      return {
        accountId: id,
        async claims() {
          return {
            sub: id, name: 'Dee Mo', given_name: 'Dee', family_name: 'Mo', preferred_username: id, locale: 'en',
            updated_at: 1767225600, email: `${id}@example.test`, email_verified: true,
          };
        },
      };
    },
    ttl: { DeviceCode: 600, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60, RefreshToken: 86400 },
  }));

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
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
