// A real forward proxy for tests: Debian's tinyproxy on 127.0.0.1, configured in a temporary
// directory, with its log read back so a test can see what reached it (absolute-form requests,
// CONNECT lines). And a "proxy" that accepts every connection and closes it at once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const haveTinyproxy = spawnSync('tinyproxy', ['-v'], { stdio: 'ignore' }).status === 0;

export interface TestProxy {
  url: string;
  /** What tinyproxy logged so far (its CONNECT and request lines). */
  log(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * tinyproxy listening on 127.0.0.1. `connectPorts`: the ports CONNECT may reach (tinyproxy's
 * ConnectPort; the Debian default allows 443 and 563 only).
 */
export async function startTinyproxy(opts: { connectPorts?: number[] } = {}): Promise<TestProxy> {
  // The free port is found before tinyproxy binds it; a test file running beside this one may take
  // it in between ("Could not create listening sockets"): then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTinyproxyOnce(opts);
    } catch (err) {
      if (attempt >= 5 || !/Could not create listening sockets/.test((err as Error).message)) throw err;
    }
  }
}

async function startTinyproxyOnce(opts: { connectPorts?: number[] }): Promise<TestProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${logFile}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      ...(opts.connectPorts ?? [443, 563]).map((p) => `ConnectPort ${p}`),
      '',
    ].join('\n'),
  );
  writeFileSync(logFile, '');
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  // Ready when the port accepts connections.
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`tinyproxy did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => readFileSync(logFile, 'utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A proxy that accepts every connection and closes it at once, counting them. */
export async function startClosingProxy(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.on('error', () => undefined);
    // Read the request first, as a proxy would, then hang up without a word.
    socket.once('data', () => socket.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => count,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
