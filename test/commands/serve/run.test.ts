// serve's run() in-process: bad input (exit 2, one sentence), the guards (loopback, Host, body
// size), the control endpoint, and every endpoint a client uses, talked to with fetch and with
// oidc-probe's own flows (token grants, login) where they fit.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { ServeOptions } from '../../../src/commands/serve/options.js';
import { parseClients, run, type ServeHandle } from '../../../src/commands/serve/run.js';
import { EXIT, UsageError } from '../../../src/errors.js';
import { guard, isLoopbackAddress, type ProviderEvent } from '../../../src/io/provider/server.js';
import { pkceChallenge, randomValue } from '../../../src/protocol/authorization-request.js';
import { DEFECTS } from '../../../src/protocol/provider-defects.js';
import { isolatedEnv, runInProcess } from '../../helpers/in-process.js';
import { loginInProcess } from '../../helpers/login-in-process.js';
import { sharedKeyMaterial } from '../../providers/rogue-op.js';

const SECRET = 'app-secret-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1:4444/cb';

async function serve(
  over: Partial<ServeOptions> = {},
  deps: { hosts?: ('127.0.0.1' | '::1')[]; deviceIntervalSeconds?: number } = {},
): Promise<ServeHandle & { events: ProviderEvent[] }> {
  const events: ProviderEvent[] = [];
  const h = await run(
    {
      port: 0,
      issuerPath: '/',
      client: [`app:${SECRET}@${REDIRECT}`, 'public-app'],
      user: 'alice',
      autoApprove: true,
      signingAlg: 'RS256',
      slowDelay: 1,
      ...over,
    },
    {
      log: (e) => events.push(e),
      keys: await sharedKeyMaterial(),
      hosts: deps.hosts ?? ['127.0.0.1'],
      deviceIntervalSeconds: deps.deviceIntervalSeconds ?? 1,
    },
  );
  return Object.assign(h, { events });
}

async function usageError(options: Partial<ServeOptions>): Promise<UsageError> {
  try {
    const h = await serve(options);
    await h.close();
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.exit, EXIT.usage);
    return err;
  }
  assert.fail('expected a usage error');
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** An authorization request answered at once (--auto-approve): the parameters that came back. */
async function authorize(h: ServeHandle, params: Record<string, string>): Promise<URLSearchParams> {
  const res = await fetch(`${h.issuer}/authorize?${form(params)}`, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  const location = new URL(res.headers.get('location')!);
  return location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
}

async function codeFor(
  h: ServeHandle,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string }> {
  const verifier = randomValue();
  const p = await authorize(h, {
    client_id: 'app',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    state: 's1',
    nonce: 'n1',
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { code: p.get('code')!, verifier };
}

async function token(h: ServeHandle, body: Record<string, string>, auth = basic('app', SECRET)) {
  const res = await fetch(`${h.issuer}/token`, {
    method: 'POST',
    headers: { ...FORM, ...(auth ? { authorization: auth } : {}) },
    body: form(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, string> };
}

describe('bad input: exit 2 and one sentence', () => {
  for (const [spec, why] of [
    ['', /the client ID is empty/],
    [':secret', /the client ID is empty/],
    ['app:', /the secret after ":" is empty/],
    ['my app', /visible ASCII/],
    ['app@notauri', /"notauri" is not an absolute URI/],
    ['app@http://127.0.0.1/cb#frag', /must not have a fragment/],
    ['app@ftp://files.example/cb', /scheme "ftp"/],
    ['app@http://127.0.0.1/caf\u00e9', /printable ASCII/],
    ['app\u001b[31m', /\\x1b/],
  ] as const) {
    test(`--client ${JSON.stringify(spec)} is refused: ${why}`, async () => {
      const err = await usageError({ client: [spec] });
      assert.equal(err.code, 'bad_client');
      assert.match(err.message, /is not ID\[:SECRET\]\[@redirect-uri\]/);
      assert.match(err.message, why);
      assert.ok(!err.message.includes('\u001b'), 'no raw control character in the message');
    });
  }

  test('one client ID with two different secrets is refused', async () => {
    const err = await usageError({ client: ['app:one', 'app:two'] });
    assert.match(err.message, /twice with different secrets/);
  });

  test('an unknown defect is refused, and the message lists every valid one', async () => {
    const err = await usageError({ defect: ['iss', 'not_a_defect'] });
    assert.equal(err.code, 'unknown_defect');
    assert.match(err.message, /unknown defect "not_a_defect"/);
    for (const d of DEFECTS) assert.ok(err.message.includes(d), `${d} listed`);
  });

  for (const path of ['realms', '/a/../b', '/_oidc-probe/x', '/a?b', '//a']) {
    test(`--issuer-path ${path} is refused`, async () => {
      assert.equal((await usageError({ issuerPath: path })).code, 'bad_issuer_path');
    });
  }

  test('--user with a space and --signing-alg HS512 are refused', async () => {
    assert.equal((await usageError({ user: 'alice smith' })).code, 'bad_user');
    assert.equal((await usageError({ signingAlg: 'HS512' })).code, 'bad_signing_alg');
  });

  test('a port in use is refused with exit 2, and the provider already there keeps working', async () => {
    const first = await serve();
    try {
      const err = await usageError({ port: first.port });
      assert.equal(err.code, 'port_in_use');
      assert.match(err.message, new RegExp(`port ${first.port} is already in use`));
      const res = await fetch(`${first.issuer}/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
    } finally {
      await first.close();
    }
  });
});

test('--client parsing: a secret may hold "@", one ID given twice collects its redirect URIs', () => {
  const clients = parseClients(['app:p@ss@http://127.0.0.1:1/a', 'app:p@ss@https://app.example/b', 'native']);
  assert.deepEqual(clients, [
    { clientId: 'app', clientSecret: 'p@ss', redirectUris: ['http://127.0.0.1:1/a', 'https://app.example/b'] },
    { clientId: 'native', redirectUris: [] },
  ]);
  assert.deepEqual(parseClients([]), [{ clientId: 'oidc-probe', redirectUris: [] }]);
});

describe('the guards', () => {
  test('listens on 127.0.0.1 and [::1] on one port; the issuer names 127.0.0.1', async (t) => {
    const h = await serve({}, { hosts: ['127.0.0.1', '::1'] });
    try {
      assert.match(h.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(h.addresses[0], `127.0.0.1:${h.port}`);
      if (h.addresses.length < 2) return t.skip('this machine has no IPv6 loopback');
      assert.equal(h.addresses[1], `[::1]:${h.port}`);
      const doc = (await (await fetch(`http://[::1]:${h.port}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      assert.equal(doc.issuer, h.issuer);
    } finally {
      await h.close();
    }
  });

  test('a Host that does not name the provider is refused (DNS rebinding); localhost is fine', async () => {
    const h = await serve();
    try {
      const get = (host: string) =>
        new Promise<number>((resolve, reject) => {
          httpRequest({ host: '127.0.0.1', port: h.port, path: '/_oidc-probe/defects', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
            .on('error', reject)
            .end();
        });
      assert.equal(await get(`attacker.example:${h.port}`), 421);
      assert.equal(await get('127.0.0.1:1'), 421);
      assert.equal(await get(`localhost:${h.port}`), 200);
      assert.ok(h.events.some((e) => e.status === 421 && /attacker\.example/.test(e.note)));
    } finally {
      await h.close();
    }
  });

  test('a peer that is not loopback is refused before anything else', () => {
    const hosts = new Set(['127.0.0.1:9']);
    assert.equal(
      guard({ socket: { remoteAddress: '192.0.2.7' }, headers: { host: '127.0.0.1:9' } }, hosts)?.status,
      403,
    );
    assert.equal(
      guard({ socket: { remoteAddress: '::ffff:127.0.0.1' }, headers: { host: '127.0.0.1:9' } }, hosts),
      undefined,
    );
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(a), a);
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1', '', undefined])
      assert.ok(!isLoopbackAddress(a), String(a));
  });
});

describe('the control endpoint', () => {
  const post = (h: ServeHandle, body: string, type = 'application/json') =>
    fetch(`${h.issuer}/_oidc-probe/defects`, { method: 'POST', headers: { 'content-type': type }, body });

  test('GET reads the defects, POST replaces them, [] clears them', async () => {
    const h = await serve({ defect: ['iss'] });
    try {
      assert.deepEqual(await (await fetch(`${h.issuer}/_oidc-probe/defects`)).json(), ['iss']);
      const res = await post(h, '["at_hash","state","at_hash"]');
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), ['at_hash', 'state']);
      assert.deepEqual([...h.defects], ['at_hash', 'state']);
      assert.equal((await post(h, '[]')).status, 200);
      assert.deepEqual([...h.defects], []);
    } finally {
      await h.close();
    }
  });

  test('refuses a body over 64 KiB, a non-JSON type, a non-list and unknown names; nothing changes', async () => {
    const h = await serve({ defect: ['iss'] });
    try {
      const huge = JSON.stringify(Array.from({ length: 7000 }, () => 'iss_param'));
      assert.ok(huge.length > 64 * 1024);
      assert.equal((await post(h, huge)).status, 413);
      assert.equal((await post(h, '["aud"]', 'text/plain')).status, 415);
      assert.equal((await post(h, '{"defects":["aud"]}')).status, 400);
      assert.equal((await post(h, '["aud"')).status, 400);
      const unknown = await post(h, '["aud","bogus"]');
      assert.equal(unknown.status, 400);
      const body = (await unknown.json()) as { error_description: string; valid_defects: string[] };
      assert.match(body.error_description, /bogus/);
      assert.deepEqual(body.valid_defects, DEFECTS);
      assert.deepEqual([...h.defects], ['iss']);
    } finally {
      await h.close();
    }
  });

  test('rotate-keys: new keys sign from then on, the retired ones stay published', async () => {
    const h = await serve();
    try {
      const kids = async () =>
        ((await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: { kid: string; kty: string; crv?: string }[] })
          .keys;
      const before = await kids();
      assert.deepEqual(
        before.map((k) => [k.kty, k.crv]),
        [
          ['RSA', undefined],
          ['EC', 'P-256'],
          ['OKP', 'Ed25519'],
        ],
      );
      const rotate = (type: string) =>
        fetch(`${h.issuer}/_oidc-probe/rotate-keys`, { method: 'POST', headers: { 'content-type': type } });
      assert.equal((await rotate('text/plain')).status, 415, 'a cross-site simple POST cannot rotate');
      assert.equal((await kids()).length, 3);
      const rotated = (await (await rotate('application/json')).json()) as { kids: string[] };
      const after = await kids();
      assert.equal(after.length, 6);
      for (const k of [...before, ...rotated.kids.map((kid) => ({ kid }))])
        assert.ok(
          after.some((a) => a.kid === k.kid),
          `${k.kid} published`,
        );
      const { code, verifier } = await codeFor(h);
      const t = await token(h, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      assert.equal(decodeProtectedHeader(t.json.id_token!).kid, rotated.kids[0]);
      assert.ok(!before.some((k) => k.kid === rotated.kids[0]));
      const o = await loginInProcess({ issuer: h.issuer, clientId: 'public-app', responseType: 'code id_token' });
      assert.equal(o.exit, 0, o.stderr);
      assert.ok(o.result!.checks.some((c) => c.id === 'kid' && c.message.includes(rotated.kids[0]!)));
    } finally {
      await h.close();
    }
  });
});

describe('the authorization endpoint', () => {
  test('without --auto-approve: the sign-in page, then Sign in as another user', async () => {
    const h = await serve({ autoApprove: false });
    try {
      const verifier = randomValue();
      const page = await fetch(
        `${h.issuer}/authorize?${form({
          client_id: 'public-app',
          redirect_uri: 'http://127.0.0.1:5555/cb',
          response_type: 'code',
          scope: 'openid',
          state: 'st',
          code_challenge: pkceChallenge(verifier),
          code_challenge_method: 'S256',
          login_hint: 'bob',
        })}`,
      );
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      const html = await page.text();
      assert.match(html, /Sign in to public-app/);
      assert.match(html, /value="bob"/, 'login_hint prefills the user');
      const interaction = /name="interaction" value="([^"]+)"/.exec(html)![1]!;
      const decide = (decision: string) =>
        fetch(`${h.issuer}/authorize/decision`, {
          method: 'POST',
          headers: FORM,
          body: form({ interaction, decision, user: 'carol' }),
          redirect: 'manual',
        });
      const approved = await decide('approve');
      assert.equal(approved.status, 302);
      const back = new URL(approved.headers.get('location')!);
      assert.equal(back.origin + back.pathname, 'http://127.0.0.1:5555/cb');
      assert.equal(back.searchParams.get('state'), 'st');
      assert.equal(back.searchParams.get('iss'), h.issuer);
      const t = await token(
        h,
        {
          grant_type: 'authorization_code',
          code: back.searchParams.get('code')!,
          redirect_uri: 'http://127.0.0.1:5555/cb',
          code_verifier: verifier,
          client_id: 'public-app',
        },
        '',
      );
      assert.equal(t.status, 200, JSON.stringify(t.json));
      assert.equal(decodeJwt(t.json.id_token!).sub, 'carol');
      assert.equal((await decide('approve')).status, 400, 'a sign-in page answers once');
    } finally {
      await h.close();
    }
  });

  test('Deny sends access_denied back with the state', async () => {
    const h = await serve({ autoApprove: false });
    try {
      const html = await (
        await fetch(
          `${h.issuer}/authorize?${form({
            client_id: 'app',
            redirect_uri: REDIRECT,
            response_type: 'id_token',
            scope: 'openid',
            nonce: 'n',
            state: 'st',
          })}`,
        )
      ).text();
      const interaction = /name="interaction" value="([^"]+)"/.exec(html)![1]!;
      const res = await fetch(`${h.issuer}/authorize/decision`, {
        method: 'POST',
        headers: FORM,
        body: form({ interaction, decision: 'deny' }),
        redirect: 'manual',
      });
      const p = new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1));
      assert.equal(p.get('error'), 'access_denied');
      assert.equal(p.get('state'), 'st');
    } finally {
      await h.close();
    }
  });

  test('no redirect to an unknown client or an unregistered redirect URI: a page says why', async () => {
    const h = await serve();
    try {
      for (const [params, why] of [
        [{ client_id: 'nobody', redirect_uri: REDIRECT, response_type: 'code' }, /no client is registered/],
        [{ client_id: 'app', redirect_uri: 'http://127.0.0.1:4444/other', response_type: 'code' }, /not registered/],
        [{ client_id: 'public-app', redirect_uri: 'https://evil.example/cb', response_type: 'code' }, /loopback/],
      ] as const) {
        const res = await fetch(`${h.issuer}/authorize?${form(params)}`, { redirect: 'manual' });
        assert.equal(res.status, 400);
        assert.equal(res.headers.get('location'), null);
        assert.match(await res.text(), why);
      }
    } finally {
      await h.close();
    }
  });

  test('a redirect_uri with a newline or non-ASCII text is refused with a page; the provider lives on', async () => {
    const h = await serve();
    try {
      for (const uri of [
        'http://127.0.0.1:1/cb\r\nSet-Cookie: x=1',
        'http://127.0.0.1:1/cb\t',
        'http://127.0.0.1:1/caf\u00e9',
      ]) {
        const res = await fetch(
          `${h.issuer}/authorize?${form({
            client_id: 'public-app',
            redirect_uri: uri,
            response_type: 'code',
            scope: 'openid',
          })}`,
          { redirect: 'manual' },
        );
        assert.equal(res.status, 400, JSON.stringify(uri));
        assert.equal(res.headers.get('set-cookie'), null);
      }
      const bye = await fetch(
        `${h.issuer}/end_session?${form({
          client_id: 'public-app',
          post_logout_redirect_uri: 'http://127.0.0.1:1/\nx',
        })}`,
        { redirect: 'manual' },
      );
      assert.equal(bye.status, 400);
      assert.equal((await fetch(`${h.issuer}/jwks`)).status, 200, 'still answering');
    } finally {
      await h.close();
    }
  });

  test('errors the client gets on its redirect URI (RFC 6749 §4.1.2.1)', async () => {
    const h = await serve({ autoApprove: false });
    try {
      const base = { client_id: 'app', redirect_uri: REDIRECT, scope: 'openid', state: 'st' };
      for (const [params, error] of [
        [{ response_type: 'id_token' }, 'invalid_request'], // no nonce (Core 3.2.2.1)
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ response_type: 'code', code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
        [{ response_type: 'code', prompt: 'none' }, 'login_required'],
        [{ response_type: 'id_token', nonce: 'n', response_mode: 'query' }, 'invalid_request'],
        [{ response_type: 'code', request: 'eyJ' }, 'request_not_supported'],
      ] as const) {
        const p = await authorize(h, { ...base, ...params });
        assert.equal(p.get('error'), error, JSON.stringify(params));
        assert.equal(p.get('state'), 'st');
      }
      const p = await authorize(h, {
        client_id: 'public-app',
        redirect_uri: 'http://[::1]:1234/cb',
        response_type: 'code',
        scope: 'openid',
      });
      assert.equal(p.get('error'), 'invalid_request');
      assert.match(p.get('error_description')!, /public: send a PKCE code_challenge/);
    } finally {
      await h.close();
    }
  });
});

describe('the token endpoint', () => {
  test('a code is one-time: a replay is refused and revokes what the first use gave', async () => {
    const h = await serve();
    try {
      const { code, verifier } = await codeFor(h);
      const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
      const first = await token(h, body);
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('cache-control'), 'no-store');
      const userinfo = () =>
        fetch(`${h.issuer}/userinfo`, { headers: { authorization: `Bearer ${first.json.access_token}` } });
      assert.equal((await userinfo()).status, 200);
      const replay = await token(h, body);
      assert.equal(replay.json.error, 'invalid_grant');
      assert.equal((await userinfo()).status, 401);
    } finally {
      await h.close();
    }
  });

  test('PKCE, redirect_uri and client authentication are enforced', async () => {
    const h = await serve();
    try {
      const { code, verifier } = await codeFor(h);
      const ok = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
      assert.equal((await token(h, { ...ok, code_verifier: randomValue() })).json.error, 'invalid_grant');
      assert.equal((await token(h, { ...ok, redirect_uri: 'http://127.0.0.1:4444/x' })).json.error, 'invalid_grant');
      const wrong = await token(h, ok, basic('app', 'not-the-secret'));
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error, 'invalid_client');
      assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/);
      const twice = await token(h, { ...ok, client_secret: SECRET });
      assert.equal(twice.json.error, 'invalid_request');
      const none = await token(h, { ...ok, client_id: 'app' }, '');
      assert.equal(none.json.error, 'invalid_client');
      // client_secret_post works as well as Basic.
      const post = await token(h, { ...ok, client_id: 'app', client_secret: SECRET }, '');
      assert.equal(post.status, 200, JSON.stringify(post.json));
      // RFC 9700 §2.1.1: a verifier for a code that was asked for without a challenge is a downgrade.
      const plain = await authorize(h, {
        client_id: 'app',
        redirect_uri: REDIRECT,
        response_type: 'code',
        scope: 'openid',
      });
      const downgrade = await token(h, {
        grant_type: 'authorization_code',
        code: plain.get('code')!,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      assert.equal(downgrade.json.error, 'invalid_grant');
    } finally {
      await h.close();
    }
  });

  test('refresh_token with offline_access: login --cache, then token --grant refresh_token (Core 12.2)', async () => {
    const h = await serve();
    try {
      // One user's HOME for both runs: the token command refreshes what login cached.
      const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
      const login = await loginInProcess({
        issuer: h.issuer,
        clientId: 'app',
        clientSecret: SECRET,
        responseType: 'code',
        scope: 'openid offline_access',
        extra: ['--cache', '--redirect-uri', 'http://127.0.0.1:0/cb'],
        env,
      });
      assert.equal(login.exit, 0, login.stderr);
      const refreshed = await runInProcess(
        // --min-ttl beyond the access token's 600 s: the cached one is not good enough, so refresh.
        [
          'token',
          '--grant',
          'refresh_token',
          '--issuer',
          h.issuer,
          '--client-id',
          'app',
          '--min-ttl',
          '3600',
          '--json',
        ],
        { env },
      );
      assert.equal(refreshed.code, 0, refreshed.stderr + refreshed.stdout);
      const doc = JSON.parse(refreshed.stdout) as {
        checks: { id: string; status: string }[];
        id_token: string;
        cache: { action: string };
      };
      for (const id of ['refresh_iss', 'refresh_sub', 'refresh_aud', 'refresh_auth_time'])
        assert.ok(
          doc.checks.some((c) => c.id === id && c.status === 'pass'),
          `${id} passes: ${JSON.stringify(doc.checks)}`,
        );
      assert.equal(decodeJwt(doc.id_token).sub, 'alice');
      assert.equal(h.calls.token, 2, 'one code redemption, one refresh');
    } finally {
      await h.close();
    }
  });

  test("a public client's refresh token is rotated: the old one stops working", async () => {
    const h = await serve();
    try {
      const verifier = randomValue();
      const p = await authorize(h, {
        client_id: 'public-app',
        redirect_uri: 'http://127.0.0.1:6000/cb',
        response_type: 'code',
        scope: 'openid offline_access',
        code_challenge: pkceChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const first = await token(
        h,
        {
          grant_type: 'authorization_code',
          code: p.get('code')!,
          redirect_uri: 'http://127.0.0.1:6000/cb',
          code_verifier: verifier,
          client_id: 'public-app',
        },
        '',
      );
      const refresh = {
        grant_type: 'refresh_token',
        client_id: 'public-app',
        refresh_token: first.json.refresh_token!,
      };
      const second = await token(h, refresh, '');
      assert.equal(second.status, 200);
      assert.notEqual(second.json.refresh_token, first.json.refresh_token);
      assert.equal((await token(h, refresh, '')).json.error, 'invalid_grant');
    } finally {
      await h.close();
    }
  });

  test('client_credentials through `oidc-probe token` for a confidential client; a public one is refused', async () => {
    const h = await serve();
    try {
      const run = await runInProcess(
        ['token', '--grant', 'client_credentials', '--issuer', h.issuer, '--client-id', 'app', '--scope', 'api:read'],
        { env: { OIDC_PROBE_CLIENT_SECRET: SECRET } },
      );
      assert.equal(run.code, 0, run.stderr);
      // Not a terminal: the raw access token and a newline.
      const accessToken = run.stdout.trim();
      assert.match(accessToken, /^[A-Za-z0-9_-]{20,}$/);
      const intro = await fetch(`${h.issuer}/introspect`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic('app', SECRET) },
        body: form({ token: accessToken }),
      });
      assert.deepEqual(
        { ...((await intro.json()) as object), exp: 0, iat: 0 },
        {
          active: true,
          scope: 'api:read',
          client_id: 'app',
          exp: 0,
          iat: 0,
          iss: h.issuer,
          sub: 'app',
          token_type: 'Bearer',
        },
      );
      const pub = await token(h, { grant_type: 'client_credentials', client_id: 'public-app' }, '');
      assert.equal(pub.json.error, 'unauthorized_client');
    } finally {
      await h.close();
    }
  });

  test('device_code: the person approves on the device page; polling too fast gets slow_down', async () => {
    const h = await serve({ autoApprove: false }, { deviceIntervalSeconds: 1 });
    try {
      const start = await fetch(`${h.issuer}/device_authorization`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic('app', SECRET) },
        body: form({ scope: 'openid profile' }),
      });
      const d = (await start.json()) as Record<string, string | number>;
      assert.match(String(d.user_code), /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(d.verification_uri, `${h.issuer}/device`);
      const poll = () =>
        token(h, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: String(d.device_code) });
      assert.equal((await poll()).json.error, 'authorization_pending');
      assert.equal((await poll()).json.error, 'slow_down', 'polled again at once');
      const page = await fetch(String(d.verification_uri_complete));
      assert.match(await page.text(), new RegExp(`value="${d.user_code}"`));
      const approve = await fetch(`${h.issuer}/device`, {
        method: 'POST',
        headers: FORM,
        body: form({ user_code: String(d.user_code).toLowerCase(), user: 'dave', decision: 'approve' }),
      });
      assert.equal(approve.status, 200);
      await new Promise((r) => setTimeout(r, 6100)); // the interval grew to 1 + 5 s (RFC 8628 §3.5)
      const done = await poll();
      assert.equal(done.status, 200, JSON.stringify(done.json));
      assert.equal(decodeJwt(done.json.id_token!).sub, 'dave');
      assert.equal((await poll()).json.error, 'invalid_grant', 'a device code gives tokens once');
    } finally {
      await h.close();
    }
  });

  test('device_code with --auto-approve through `oidc-probe token --grant device_code`', async () => {
    const h = await serve({}, { deviceIntervalSeconds: 1 });
    try {
      const run = await runInProcess(
        ['token', '--grant', 'device_code', '--issuer', h.issuer, '--client-id', 'app', '--scope', 'openid', '--json'],
        { env: { OIDC_PROBE_CLIENT_SECRET: SECRET } },
      );
      assert.equal(run.code, 0, run.stderr);
      const doc = JSON.parse(run.stdout) as { checks: { status: string }[]; id_token: string };
      assert.deepEqual(
        doc.checks.filter((c) => c.status === 'fail'),
        [],
      );
      assert.equal(decodeJwt(doc.id_token).sub, 'alice');
      assert.match(run.stderr, /To sign in/, 'the device step is shown even though serve approved it at once');
    } finally {
      await h.close();
    }
  });
});

describe('userinfo, introspection, revocation', () => {
  test('userinfo gives the claims of the scopes asked for, and refuses unknown tokens', async () => {
    const h = await serve({ user: 'erin' });
    try {
      const { code, verifier } = await codeFor(h, { scope: 'openid email' });
      const t = await token(h, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      const ui = await fetch(`${h.issuer}/userinfo`, { headers: { authorization: `Bearer ${t.json.access_token}` } });
      assert.deepEqual(await ui.json(), { sub: 'erin', email: 'erin@example.com', email_verified: true });
      const bad = await fetch(`${h.issuer}/userinfo`, { headers: { authorization: 'Bearer nope' } });
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    } finally {
      await h.close();
    }
  });

  test("revoking a refresh token ends its access tokens; another client's token is not revoked", async () => {
    const h = await serve({ client: [`app:${SECRET}@${REDIRECT}`, 'other:other-secret'] });
    try {
      const { code, verifier } = await codeFor(h);
      const t = await token(h, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      const introspect = async (tok: string) =>
        (
          (await (
            await fetch(`${h.issuer}/introspect`, {
              method: 'POST',
              headers: { ...FORM, authorization: basic('app', SECRET) },
              body: form({ token: tok }),
            })
          ).json()) as { active: boolean }
        ).active;
      const revoke = (tok: string, auth: string) =>
        fetch(`${h.issuer}/revoke`, {
          method: 'POST',
          headers: { ...FORM, authorization: auth },
          body: form({ token: tok }),
        });
      assert.equal(await introspect(t.json.access_token!), true);
      assert.equal((await revoke(t.json.refresh_token!, basic('other', 'other-secret'))).status, 400);
      assert.equal(await introspect(t.json.refresh_token!), true);
      assert.equal((await revoke(t.json.refresh_token!, basic('app', SECRET))).status, 200);
      assert.equal(await introspect(t.json.refresh_token!), false);
      assert.equal(await introspect(t.json.access_token!), false, 'the access token of the same grant is gone too');
      assert.equal((await revoke('never-issued', basic('app', SECRET))).status, 200, 'RFC 7009 §2.2');
      const publicIntrospection = await fetch(`${h.issuer}/introspect`, {
        method: 'POST',
        headers: FORM,
        body: form({ token: 'x', client_id: 'public-app' }),
      });
      assert.equal(publicIntrospection.status, 401);
    } finally {
      await h.close();
    }
  });
});

describe('end_session (RP-Initiated Logout)', () => {
  test('back to the post_logout_redirect_uri with the state; the page first without --auto-approve', async () => {
    for (const autoApprove of [true, false]) {
      const h = await serve({ autoApprove });
      try {
        const url = `${h.issuer}/end_session?${form({
          client_id: 'public-app',
          post_logout_redirect_uri: 'http://127.0.0.1:7000/bye',
          state: 'z',
        })}`;
        let res = await fetch(url, { redirect: 'manual' });
        if (!autoApprove) {
          assert.equal(res.status, 200);
          const interaction = /name="interaction" value="([^"]+)"/.exec(await res.text())![1]!;
          res = await fetch(`${h.issuer}/end_session/decision`, {
            method: 'POST',
            headers: FORM,
            body: form({ interaction, decision: 'approve' }),
            redirect: 'manual',
          });
        }
        assert.equal(res.status, 302);
        assert.equal(res.headers.get('location'), 'http://127.0.0.1:7000/bye?state=z');
      } finally {
        await h.close();
      }
    }
  });

  test('refuses an unknown redirect, a redirect without a client, and a foreign id_token_hint', async () => {
    const h = await serve();
    try {
      const foreign = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ iss: 'https://elsewhere.example', aud: 'app' }),
      ).toString('base64url')}.`;
      for (const params of [
        { client_id: 'public-app', post_logout_redirect_uri: 'https://evil.example/' } as Record<string, string>,
        { post_logout_redirect_uri: 'http://127.0.0.1:7000/bye' },
        { id_token_hint: foreign },
      ]) {
        const res = await fetch(`${h.issuer}/end_session?${form(params)}`, { redirect: 'manual' });
        assert.equal(res.status, 400, JSON.stringify(params));
        assert.equal(res.headers.get('location'), null);
      }
    } finally {
      await h.close();
    }
  });
});

test('the log: one event per request, the path without its query, and the defects applied', async () => {
  const h = await serve({ defect: ['iss', 'state'] });
  try {
    await authorize(h, {
      client_id: 'app',
      redirect_uri: REDIRECT,
      response_type: 'code id_token',
      scope: 'openid',
      state: 'secret-ish-state',
      nonce: 'n',
    });
    const e = h.events.at(-1)!;
    assert.equal(e.method, 'GET');
    assert.equal(e.path, '/authorize');
    assert.equal(e.status, 302);
    assert.equal(e.client, 'app');
    assert.deepEqual(e.defects.sort(), ['iss', 'state']);
    assert.match(e.note, /code \+ id_token for alice by fragment/);
    assert.ok(!JSON.stringify(h.events).includes('secret-ish-state'), 'the query stays out of the log');
  } finally {
    await h.close();
  }
});
