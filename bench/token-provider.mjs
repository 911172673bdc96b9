// A real oidc-provider on 127.0.0.1 that serves client_credentials, so the bench can fill the
// token cache once and then time a cached `token --output raw` with the provider gone.
import { createServer } from 'node:http';

export const BENCH_CLIENT = { client_id: 'bench-client', client_secret: 'bench-secret-0123456789abcdef' };

export async function startTokenProvider() {
  // oidc-provider's development-mode warnings (some at import) would clutter the bench table.
  const { warn, info } = console;
  console.warn = console.info = () => {};
  const { default: Provider } = await import('oidc-provider');
  let handler = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{ ...BENCH_CLIENT, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    // An hour: the cached token stays well above token's --min-ttl for the whole bench.
    ttl: { ClientCredentials: 3600 },
  });
  handler = provider.callback();
  return {
    issuer,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => {
          console.warn = warn;
          console.info = info;
          resolve();
        });
      }),
  };
}

/**
 * The `token` invocation timed by the bench (flag names from the cli-contract). The secret goes in
 * the environment, as a CI job passes it (on the command line, `token` warns that `ps` shows it).
 */
export function tokenArgs(issuer) {
  return [
    'token',
    '--grant',
    'client_credentials',
    '--issuer',
    issuer,
    '--client-id',
    BENCH_CLIENT.client_id,
    '--output',
    'raw',
  ];
}

/** The environment tokenArgs needs. */
export const TOKEN_ENV = { OIDC_PROBE_CLIENT_SECRET: BENCH_CLIENT.client_secret };
