// A real OpenID Provider for tests: panva's `oidc-provider` v9 on 127.0.0.1 (port 0), optionally
// mounted under a path (issuer http://127.0.0.1:PORT/some/path). Clients, features, keys and any
// other configuration are the caller's; the defaults give a working provider with dev interactions.
import { createServer, type IncomingMessage, type Server } from 'node:http';
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
    const { default: Provider } = await import('oidc-provider');
    const server: Server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const mountPath = (opts.mountPath ?? '').replace(/\/+$/, '');
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${mountPath}`;
    const provider = new Provider(issuer, {
      clients: opts.clients ?? [TEST_CLIENT],
      jwks: opts.jwks ?? { keys: [await rs256Key()] },
      cookies: { keys: ['test-cookie-key-for-this-run-only'] },
      features: { devInteractions: { enabled: true }, ...opts.features },
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
