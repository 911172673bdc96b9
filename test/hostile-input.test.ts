// Input that used to end in "internal error … this is a bug": JSON nested 10,000 deep in a token or
// a discovery document, and timeouts beyond what a timer can hold. Each is one sentence and the
// exit code of its kind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from './helpers/cli.js';

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const deepJwt = `${b64('{"alg":"HS256"}')}.${b64(`{"sub":"x","groups":${deep(10_000)}}`)}.c2lnbmF0dXJl`;

let server: Server;
let base: string;
before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"issuer":"${base}","x":${deep(10_000)}}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function oneSentence(stderr: string): void {
  assert.doesNotMatch(stderr, /internal error|this is a bug|RangeError|Maximum call stack/);
  // The error is one line; a warning about a secret typed on the command line may precede it.
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('warning: --secret on the command line'));
  assert.equal(lines.length, 1, stderr);
}

for (const args of [['decode'], ['decode', '--json'], ['verify', '--secret', 'a-shared-secret-of-32-characters!']]) {
  test(`${args.join(' ')}: a payload nested 10,000 deep is exit 2`, async () => {
    const r = await runCli([...args, deepJwt]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /the payload \(segment 2\) nests JSON more than 256 levels deep/);
    oneSentence(r.stderr);
  });
}

test('discover: a document nested 10,000 deep is exit 3', async () => {
  const r = await runCli(['discover', base]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /discovery document at .* nests JSON more than 256 levels deep/);
  oneSentence(r.stderr);
});

const timers: string[][] = [
  ['discover', 'http://127.0.0.1:9', '--timeout', '2147484'],
  ['login', '--issuer', 'http://127.0.0.1:9', '--client-id', 'c', '--timeout', '99999999999'],
  ['login', '--issuer', 'http://127.0.0.1:9', '--client-id', 'c', '--http-timeout', '2147484'],
  ['logout', '--issuer', 'http://127.0.0.1:9', '--timeout', '3000000'],
  ['token', '--issuer', 'http://127.0.0.1:9', '--client-id', 'c', '--timeout', '2147484'],
];
for (const args of timers) {
  const option = args.find((a) => a.startsWith('--') && a.endsWith('timeout'));
  test(`${args[0]} ${option} beyond the longest timer is exit 2 naming the maximum`, async () => {
    const r = await runCli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /must be at most 2147483 seconds/);
  });
}

test('the longest timer itself is accepted', async () => {
  const r = await runCli(['discover', 'http://127.0.0.1:9', '--timeout', '2147483']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /connection refused/);
});
