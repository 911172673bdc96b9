// A local node:http server that serves whatever a test tells it to, per path: broken discovery
// documents, JWKS, redirects, slow answers. Always on 127.0.0.1, port 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer | object; delayMs?: number }
  | ((req: IncomingMessage, res: ServerResponse) => void);

export interface DocServer {
  base: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Replace the routes (they are built from the base URL, which is known only once listening). */
  setRoutes(make: (base: string) => Record<string, Route>): void;
  close(): Promise<void>;
}

export async function startDocServer(make: (base: string) => Record<string, Route> = () => ({})): Promise<DocServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let routes = make(base);
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', base).pathname;
    requests.push(path);
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res);
      return;
    }
    const send = () => {
      const body =
        route.body === undefined
          ? ''
          : typeof route.body === 'string' || Buffer.isBuffer(route.body)
            ? route.body
            : JSON.stringify(route.body);
      res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(body);
    };
    if (route.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, route.delayMs);
      timers.add(t);
    } else send();
  });
  return {
    base,
    requests,
    setRoutes(next) {
      routes = next(base);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A minimal, valid OpenID Provider metadata document for `issuer`, with `overrides` applied
 * (undefined removes a field).
 */
export function metadataFor(issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    authorization_response_iss_parameter_supported: true,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete doc[k];
    else doc[k] = v;
  }
  return doc;
}
