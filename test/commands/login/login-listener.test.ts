// The loopback listener's edges through the built binary: provider error on each channel, timeout,
// port in use, a redirect URI that is not loopback http.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runCli } from '../../helpers/cli.js';
import { startCli } from '../../helpers/cli-session.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp } from '../../providers/rogue-op.js';
import { loginArgs } from '../../helpers/login-args.js';

for (const [responseType, mode] of [
  ['code', 'query'],
  ['id_token token', 'fragment'],
  ['code id_token', 'form_post'],
] as const) {
  test(`an error response by ${mode} ("${responseType}") is exit 4 with error and description, nothing redeemed`, {
    timeout: 90_000,
  }, async () => {
    const op = await startRogueOp({ defects: ['access_denied'] });
    try {
      const session = startCli(
        loginArgs(
          op,
          '--no-browser',
          '--json',
          '--response-type',
          responseType,
          '--response-mode',
          mode,
          '--timeout',
          '30',
        ),
        { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
      );
      const url = await session.urlLine(`${op.issuer}/authorize`);
      assert.ok(url, session.stderr());
      const delivery = await deliverAuthorizationResponse(url);
      assert.equal(delivery.channel, mode);
      assert.match(delivery.body, /access_denied/);
      const run = await session.done;
      assert.equal(run.code, 4, run.stderr);
      const doc = JSON.parse(run.stdout) as { error: { error: string; error_description: string; exit: number } };
      assert.equal(doc.error.error, 'access_denied');
      assert.equal(doc.error.error_description, 'the user said no');
      assert.match(run.stderr, /access_denied/);
      assert.equal(op.calls.token, 0);
    } finally {
      await op.close();
    }
  });
}

test('no response before --timeout is exit 5 with a hint', { timeout: 90_000 }, async () => {
  const op = await startRogueOp();
  try {
    const r = await runCli(loginArgs(op, '--no-browser', '--flow', 'implicit', '--timeout', '2'), {
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /no authorization response reached http:\/\/127\.0\.0\.1:\d+\/callback within 2 s/);
    assert.match(r.stderr, /--timeout/);
    assert.equal(r.stdout, '');
  } finally {
    await op.close();
  }
});

test('a redirect URI port in use is exit 2 saying how to choose another', { timeout: 60_000 }, async () => {
  const op = await startRogueOp();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const r = await runCli([
      'login',
      '--no-browser',
      '--issuer',
      op.issuer,
      '--client-id',
      op.clientId,
      '--redirect-uri',
      `http://127.0.0.1:${port}/callback`,
      '--timeout',
      '5',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(r.stderr, /--redirect-uri/);
    assert.equal(op.calls.authorize, 0);
  } finally {
    blocker.close();
    await op.close();
  }
});

test('a redirect URI that is not loopback http is exit 2 explaining RFC 8252, before any request', async () => {
  for (const uri of ['https://127.0.0.1/callback', 'http://example.com/callback']) {
    const r = await runCli([
      'login',
      '--no-browser',
      '--issuer',
      'http://127.0.0.1:9',
      '--client-id',
      'c',
      '--redirect-uri',
      uri,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /RFC 8252/);
  }
});

test('a localhost redirect URI is served, and the flow completes through it', { timeout: 90_000 }, async () => {
  const op = await startRogueOp();
  try {
    const session = startCli(
      [
        'login',
        '--no-browser',
        '--json',
        '--issuer',
        op.issuer,
        '--client-id',
        op.clientId,
        '--redirect-uri',
        'http://localhost:0/cb',
        '--response-type',
        'code id_token token',
        '--response-mode',
        'form_post',
        '--timeout',
        '30',
      ],
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    assert.match(new URL(url).searchParams.get('redirect_uri')!, /^http:\/\/localhost:\d+\/cb$/);
    await deliverAuthorizationResponse(url);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(op.calls.token, 1);
    assert.equal(op.calls.userinfo, 1);
  } finally {
    await op.close();
  }
});

test('Ctrl-C while waiting closes the listener and exits 130', { timeout: 90_000 }, async () => {
  const op = await startRogueOp();
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--timeout', '60'));
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    const callback = new URL(new URL(url).searchParams.get('redirect_uri')!);
    session.kill('SIGINT');
    const run = await session.done;
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted/);
    await assert.rejects(fetch(callback), 'the listener is closed');
  } finally {
    await op.close();
  }
});

test('human output and --verbose traces never show the codes, tokens or client secret; --show-secrets does', {
  timeout: 90_000,
}, async () => {
  const run = async (extra: string[]) => {
    const op = await startRogueOp();
    try {
      const session = startCli(
        loginArgs(
          op,
          '--no-browser',
          '--verbose',
          ...extra,
          '--response-type',
          'code id_token token',
          '--timeout',
          '30',
        ),
        { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
      );
      const url = await session.urlLine(`${op.issuer}/authorize`);
      assert.ok(url, session.stderr());
      await deliverAuthorizationResponse(url);
      return { out: await session.done, op };
    } finally {
      await op.close();
    }
  };
  const hidden = await run([]);
  assert.equal(hidden.out.code, 0, hidden.out.stderr);
  assert.equal(hidden.op.issued.length, 5, 'code, two access tokens, two ID tokens');
  for (const secret of [...hidden.op.issued, hidden.op.clientSecret]) {
    assert.ok(
      !hidden.out.stdout.includes(secret) && !hidden.out.stderr.includes(secret),
      'a secret leaked into human output',
    );
  }
  // The trace names the token request and its answer (headers and bodies follow, redacted).
  assert.match(hidden.out.stderr, /→ POST http:\/\/127\.0\.0\.1:\d+\/token\n(?: {2}.*\n)*← 200 in \d+ ms/);
  const shown = await run(['--show-secrets']);
  assert.ok(
    shown.op.issued.every((t) => shown.out.stdout.includes(t)),
    'with --show-secrets the tokens are shown',
  );
  assert.ok(!shown.out.stdout.includes(shown.op.clientSecret) && !shown.out.stderr.includes(shown.op.clientSecret));
});

test('--auth-method client_secret_post without a secret is exit 2 before the authorization request', {
  timeout: 60_000,
}, async () => {
  const op = await startRogueOp();
  try {
    const r = await runCli(
      loginArgs(op, '--no-browser', '--flow', 'hybrid', '--auth-method', 'client_secret_post', '--timeout', '5'),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /client_secret_post needs a client secret/);
    assert.ok(!r.stderr.includes('/authorize?'), 'no authorization URL was shown');
  } finally {
    await op.close();
  }
});

test('a public client (no secret) uses PKCE and auth method none for "code id_token"', {
  timeout: 90_000,
}, async () => {
  const op = await startRogueOp();
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--json', '--flow', 'hybrid'));
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    assert.equal(new URL(url).searchParams.get('code_challenge_method'), 'S256');
    await deliverAuthorizationResponse(url);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(op.calls.token, 1);
  } finally {
    await op.close();
  }
});

test('a callback without parameters in a code flow is answered with a warning and the run goes on', {
  timeout: 90_000,
}, async () => {
  const op = await startRogueOp();
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--json'), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    const callback = new URL(new URL(url).searchParams.get('redirect_uri')!);
    assert.equal((await fetch(callback)).status, 200);
    assert.equal((await fetch(new URL('/favicon.ico', callback))).status, 404);
    await deliverAuthorizationResponse(url);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: a request without parameters reached the redirect URI/);
    assert.equal((JSON.parse(run.stdout) as { callback: { channel: string } }).callback.channel, 'query');
  } finally {
    await op.close();
  }
});

test('a forged error callback (wrong state) and a request for another Host do not end the login', {
  timeout: 90_000,
}, async () => {
  const op = await startRogueOp();
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-listener-'));
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--json'), {
      env: {
        OIDC_PROBE_CLIENT_SECRET: op.clientSecret,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_CACHE_HOME: join(home, 'cache'),
      },
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    const callback = new URL(new URL(url).searchParams.get('redirect_uri')!);
    const forged = (host: string, query: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: Number(callback.port), path: `${callback.pathname}?${query}`, headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    const fake = 'error=access_denied&error_description=call+555-0100&state=guessed';
    assert.equal(await forged(callback.host, fake), 400);
    assert.equal(await forged(`rebound.example:${callback.port}`, 'error=access_denied'), 421);
    await deliverAuthorizationResponse(url);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: an error response \(error "access_denied"\) with a state this run did not send/);
    assert.match(run.stderr, /warning: a request for Host "rebound\.example:\d+" was refused/);
    assert.equal(op.calls.token, 1);
  } finally {
    await op.close();
    await rm(home, { recursive: true, force: true });
  }
});
