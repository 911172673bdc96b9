// Binding a server to one address: resolves once it listens, rejects with the bind error (the
// loopback listener and serve's provider tell EADDRINUSE and a missing address family apart).
import type { Server } from 'node:net';

export function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
