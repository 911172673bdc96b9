// A real SOCKS5 proxy for tests: Debian's microsocks on 127.0.0.1, with a username and password
// when asked for (RFC 1929).
import { spawn, spawnSync } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';

export const haveMicrosocks = spawnSync('sh', ['-c', 'command -v microsocks'], { stdio: 'ignore' }).status === 0;

export interface SocksProxy {
  /** socks5://[user:password@]127.0.0.1:port */
  url: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startMicrosocks(auth?: { user: string; password: string }): Promise<SocksProxy> {
  const port = await freePort();
  const child = spawn(
    'microsocks',
    ['-i', '127.0.0.1', '-p', String(port), ...(auth ? ['-u', auth.user, '-P', auth.password] : [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // Ready when the port accepts connections.
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`microsocks did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : '';
  return {
    url: `socks5://${credentials}127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
