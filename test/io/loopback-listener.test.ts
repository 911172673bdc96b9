// The loopback listener on real sockets: it answers only requests addressed to its own host:port
// (DNS rebinding), and an error response without this run's state is a stray that does not end
// the run. Requests are made with node:http so the Host header can be forged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { isOwnHost, startLoopbackListener, type LoopbackListener } from '../../src/io/loopback-listener.js';

const STATE = 'this-runs-state-0123456789abcdefghijklmnopqrstu';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Answer {
  status: number;
  body: string;
}

function send(
  listener: LoopbackListener,
  opts: { method?: string; path: string; host?: string; body?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const target = new URL(listener.redirectUri);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(target.port),
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { host: opts.host ?? target.host, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function withListener(
  expectFragment: boolean,
  body: (listener: LoopbackListener, warnings: string[]) => Promise<void>,
): Promise<void> {
  const warnings: string[] = [];
  const listener = await startLoopbackListener('http://127.0.0.1:0/callback', {
    timeoutSeconds: 30,
    expectFragment,
    state: STATE,
    warn: (m) => warnings.push(m),
  });
  try {
    await body(listener, warnings);
  } finally {
    await listener.close();
  }
}

test('a request for another Host is refused (421) with a warning, relay page included; the run goes on', async () => {
  await withListener(true, async (listener, warnings) => {
    const port = new URL(listener.redirectUri).port;
    const rebound = `attacker.example:${port}`;
    const page = await send(listener, { path: '/callback', host: rebound });
    assert.equal(page.status, 421);
    assert.ok(!page.body.includes('/relay/'), 'the one-time relay path was not given away');
    const forged = await send(listener, { path: `/callback?code=forged&state=${STATE}`, host: rebound });
    assert.equal(forged.status, 421);
    const post = await send(listener, {
      method: 'POST',
      path: '/callback',
      host: `localhost:${port}`,
      body: `code=forged&state=${STATE}`,
      headers: FORM,
    });
    assert.equal(post.status, 421, 'localhost is another name than the 127.0.0.1 of the redirect URI');
    assert.equal(warnings.length, 3);
    assert.match(
      warnings[0]!,
      new RegExp(
        `Host "attacker\\.example:${port}" was refused: this listener answers only to 127\\.0\\.0\\.1:${port}`,
      ),
    );
    assert.match(warnings[0]!, /DNS rebinding/);
    assert.match(warnings[0]!, /still waiting/);

    const real = await send(listener, { path: `/callback?code=real&state=${STATE}` });
    assert.equal(real.status, 200);
    assert.deepEqual((await listener.response).params, { code: 'real', state: STATE });
  });
});

test('a forged Host is shown as visible ASCII in the warning, never raw', async () => {
  await withListener(false, async (listener, warnings) => {
    // Bytes above 0x7f reach node as latin1 characters: \x9b is the C1 control sequence introducer.
    const answer = await send(listener, { path: '/callback?code=x', host: 'evil\x9b31m.example' });
    assert.equal(answer.status, 421);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes('evil\\u009b31m.example'), warnings[0]);
    assert.ok(!/[^\x20-\x7e]/.test(warnings[0]!), 'only printable ASCII');
  });
});

test('the Host must be the listener’s own host:port; the port may be left out only when it is 80', () => {
  assert.ok(isOwnHost('127.0.0.1:8765', '127.0.0.1', 8765));
  assert.ok(isOwnHost('LOCALHOST:8765', 'localhost', 8765));
  assert.ok(isOwnHost('[::1]:8765', '[::1]', 8765));
  assert.ok(isOwnHost('127.0.0.1', '127.0.0.1', 80));
  assert.ok(isOwnHost('127.0.0.1:80', '127.0.0.1', 80));
  assert.ok(!isOwnHost('127.0.0.1', '127.0.0.1', 8765));
  assert.ok(!isOwnHost('127.0.0.1:8766', '127.0.0.1', 8765));
  assert.ok(!isOwnHost('127.0.0.1.nip.io:8765', '127.0.0.1', 8765));
  assert.ok(!isOwnHost('localhost:8765', '127.0.0.1', 8765));
  assert.ok(!isOwnHost(undefined, '127.0.0.1', 8765));
});

test(
  'error responses with a wrong or missing state are strays on every channel; the real one still ' + 'counts',
  async () => {
    await withListener(true, async (listener, warnings) => {
      const fake = 'error=access_denied&error_description=Your+account+is+locked%2C+call+555-0100';
      const query = await send(listener, { path: `/callback?${fake}&state=not-this-run` });
      assert.equal(query.status, 400);
      const missing = await send(listener, { path: `/callback?${fake}` });
      assert.equal(missing.status, 400);
      const formPost = await send(listener, {
        method: 'POST',
        path: '/callback',
        body: `${fake}&state=not-this-run`,
        headers: FORM,
      });
      assert.equal(formPost.status, 400);
      // The relay path is taken from the page, as a local process could; a stray must not spend it.
      const page = await send(listener, { path: '/callback' });
      const relayPath = JSON.parse(/fetch\(("[^"]+")/.exec(page.body)![1]!) as string;
      const relayed = await send(listener, { method: 'POST', path: relayPath, body: fake, headers: FORM });
      assert.equal(relayed.status, 400);

      assert.equal(warnings.filter((w) => /error response \(error "access_denied"\)/.test(w)).length, 4);
      assert.match(warnings[0]!, /with a state this run did not send was ignored.*RFC 6749.*still waiting/);
      assert.match(warnings[1]!, /without a state was ignored/);
      assert.ok(
        warnings.every((w) => !w.includes('555-0100')),
        'the crafted description is not repeated',
      );

      const real = await send(listener, {
        method: 'POST',
        path: relayPath,
        body: `id_token=a.b.c&state=${STATE}`,
        headers: FORM,
      });
      assert.equal(real.status, 200);
      const response = await listener.response;
      assert.equal(response.channel, 'fragment');
      assert.deepEqual(response.params, { id_token: 'a.b.c', state: STATE });
    });
  },
);

test("an error response with this run's state is the answer", async () => {
  await withListener(false, async (listener, warnings) => {
    const answer = await send(listener, { path: `/callback?error=access_denied&state=${STATE}` });
    assert.equal(answer.status, 200);
    assert.deepEqual((await listener.response).params, { error: 'access_denied', state: STATE });
    assert.deepEqual(warnings, []);
  });
});

test('an error code outside the RFC 6749 character set is not quoted in the warning', async () => {
  await withListener(false, async (listener, warnings) => {
    const answer = await send(listener, { path: '/callback?error=%1b%5b2J&state=x' });
    assert.equal(answer.status, 400);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^an error response with a state this run did not send was ignored/);
  });
});
