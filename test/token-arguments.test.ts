// An opaque token may begin with "-" (base64url does); it is still the token argument, not an
// unknown option, wherever it stands — while an option's value that begins with "-" stays a value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDocServer } from './helpers/doc-server.js';
import { runCli } from './helpers/cli.js';

const TOKEN = '-9AGzfahM6BPA3AePdxX6Nxc6Ha4CSRwFAVX8sYM4RK';

test('introspect takes a token that begins with "-" as its argument, before or after the options', async () => {
  const seen: string[] = [];
  const op = await startDocServer(() => ({
    '/introspect': (req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        seen.push(new URLSearchParams(body).get('token') ?? '');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"active":true}');
      });
    },
  }));
  try {
    const options = ['--endpoint', `${op.base}/introspect`, '--client-id', 'c'];
    for (const args of [
      ['introspect', TOKEN, ...options],
      ['introspect', ...options, TOKEN],
    ]) {
      const r = await runCli([...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(seen, [TOKEN, TOKEN]);
  } finally {
    await op.close();
  }
});

test("an option value that begins with '-' stays that option's value", async () => {
  const r = await runCli(['verify', 'not-a-jwt-at-all', '--secret', TOKEN, '--json']);
  assert.equal(r.code, 2);
  // The token argument is "not-a-jwt-at-all" (not a JWT: exit 2), so the secret was not taken for it.
  assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'not_a_jwt');
});
