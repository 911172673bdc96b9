import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describePortOwner, findPortOwner, parseProcNetTcp } from '../../src/io/port-owner.js';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:223D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0
   1: 0100007F:223D 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 20 4 30 10 -1
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1607 1 0 100 0 0 10 0
`;

test('the listening sockets of /proc/net/tcp are read (port, uid, inode); connections are not', () => {
  assert.deepEqual(parseProcNetTcp(TABLE), [
    { port: 8765, uid: 1000, inode: 4242 },
    { port: 22, uid: 0, inode: 1607 },
  ]);
});

test('the process holding a port in this process is found, named and described', {
  skip: process.platform !== 'linux' && 'needs /proc',
}, async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const owner = await findPortOwner((server.address() as AddressInfo).port);
    assert.equal(owner?.pid, process.pid);
    assert.match(describePortOwner(owner!), new RegExp(`^process ${process.pid} \\(`));
  } finally {
    server.close();
  }
});

test('a port nobody holds has no owner', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  assert.equal(await findPortOwner(port), undefined);
});

test('an owner that cannot be looked into is described by its user', () => {
  assert.equal(describePortOwner({ uid: 0 }), 'a process of user 0');
  assert.equal(describePortOwner({ uid: 1, pid: 7, command: 'py\u001bthon' }), 'process 7 (py?thon)');
});
