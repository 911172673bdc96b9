// Who holds a TCP port, for the "port in use" message: on Linux the kernel lists listening sockets
// in /proc/net/tcp and /proc/net/tcp6 (with the socket's inode and owner uid), and each process's
// open sockets appear as /proc/PID/fd/N -> "socket:[inode]". Only our own user's processes can be
// looked into; for another user's the uid is all there is. Elsewhere, or on any error: nothing.
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface ListeningSocket {
  port: number;
  uid: number;
  inode: number;
}

export interface PortOwner {
  pid?: number;
  /** The process name (/proc/PID/comm). */
  command?: string;
  uid: number;
}

/** TCP_LISTEN in the kernel's state numbering (include/net/tcp_states.h). */
const LISTEN = '0A';

/** The listening sockets of a /proc/net/tcp or tcp6 table. */
export function parseProcNetTcp(table: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const port = Number.parseInt(fields[1]!.split(':')[1] ?? '', 16);
    const uid = Number(fields[7]);
    const inode = Number(fields[9]);
    if (Number.isInteger(port) && Number.isInteger(uid) && Number.isInteger(inode) && inode > 0)
      sockets.push({ port, uid, inode });
  }
  return sockets;
}

/** The process listening on `port` (any address), when /proc tells; undefined otherwise. */
export async function findPortOwner(port: number, proc = '/proc'): Promise<PortOwner | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const tables = await Promise.all(
      ['tcp', 'tcp6'].map((name) => readFile(`${proc}/net/${name}`, 'utf8').catch(() => '')),
    );
    const sockets = tables.flatMap(parseProcNetTcp).filter((s) => s.port === port);
    if (sockets.length === 0) return undefined;
    const inodes = new Map(sockets.map((s) => [`socket:[${s.inode}]`, s]));
    for (const entry of await readdir(proc)) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = await readdir(`${proc}/${entry}/fd`);
      } catch {
        continue; // another user's process, or gone
      }
      for (const fd of fds) {
        const target = await readlink(`${proc}/${entry}/fd/${fd}`).catch(() => '');
        const socket = inodes.get(target);
        if (!socket) continue;
        const command = (await readFile(`${proc}/${entry}/comm`, 'utf8').catch(() => '')).trim();
        return { pid: Number(entry), uid: socket.uid, ...(command ? { command } : {}) };
      }
    }
    return { uid: sockets[0]!.uid };
  } catch {
    return undefined;
  }
}

/** "process 1234 (python3)", or "a process of user 0" when it cannot be looked into. */
export function describePortOwner(owner: PortOwner): string {
  if (owner.pid === undefined) return `a process of user ${owner.uid}`;
  return `process ${owner.pid}${owner.command ? ` (${printable(owner.command)})` : ''}`;
}

/** A process name as visible ASCII: it is quoted in an error on the terminal. */
function printable(value: string): string {
  return value.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
}
