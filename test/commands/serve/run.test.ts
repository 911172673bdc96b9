// serve's run() in-process: bad input (exit 2, one sentence), the guards (loopback, Host, body
// size), the control endpoint, and every endpoint a client uses, talked to with fetch and with
// oidc-probe's own flows (token grants, login) where they fit.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { ServeOptions } from '../../../src/commands/serve/options.js';
import { parseClients, run, type ServeHandle } from '../../../src/commands/serve/run.js';
import { EXIT, UsageError } from '../../../src/errors.js';
import { guard, isLoopbackAddress, type ProviderEvent } from '../../../src/io/provider/server.js';
import { pkceChallenge, randomValue } from '../../../src/protocol/authorization-request.js';
import { createDpopProof, type DpopKey, generateDpopKey } from '../../../src/protocol/dpop.js';
import { DEFECTS, type Defect, OTHER_CERTIFICATE_THUMBPRINT } from '../../../src/protocol/provider-defects.js';
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

/** A public client's code (PKCE, offline_access), as the token request that redeems it without a secret. */
async function publicCodeGrant(h: ServeHandle): Promise<Record<string, string>> {
  const verifier = randomValue();
  const redirectUri = 'http://127.0.0.1:6000/cb';
  const p = await authorize(h, {
    client_id: 'public-app',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid offline_access',
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return {
    grant_type: 'authorization_code',
    code: p.get('code')!,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    client_id: 'public-app',
  };
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
      const first = await token(h, await publicCodeGrant(h), '');
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

test('discovery names the pushed request endpoint, the JARM modes and algs, and the DPoP algs', async () => {
  const h = await serve();
  try {
    const m = (await (await fetch(`${h.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(m.pushed_authorization_request_endpoint, `${h.issuer}/par`);
    for (const mode of ['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'])
      assert.ok((m.response_modes_supported as string[]).includes(mode), mode);
    assert.deepEqual(m.authorization_signing_alg_values_supported, ['RS256']);
    assert.ok((m.dpop_signing_alg_values_supported as string[]).includes('ES256'));
    assert.ok(!(m.dpop_signing_alg_values_supported as string[]).some((a) => /^HS|none/.test(a)));
  } finally {
    await h.close();
  }
});

/** A POST to the pushed authorization request endpoint. */
async function push(h: ServeHandle, body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.issuer}/par`, {
    method: 'POST',
    headers: { ...FORM, authorization: basic('app', SECRET), ...headers },
    body: form(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, string | number> };
}

describe('pushed authorization requests (RFC 9126)', () => {
  const pushed = { redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'pushed-state' };

  test('201 with a URN; the request_uri then stands for the pushed request, once', async () => {
    const h = await serve();
    try {
      const p = await push(h, pushed);
      assert.equal(p.status, 201, JSON.stringify(p.json));
      assert.match(String(p.json.request_uri), /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]+$/);
      assert.equal(p.json.expires_in, 60);
      assert.equal(h.calls.par, 1);
      // RFC 9126 §4: what the front channel adds besides client_id is not used (state stays the pushed one).
      const front = { client_id: 'app', request_uri: String(p.json.request_uri), state: 'front-state' };
      const answer = await authorize(h, front);
      assert.ok(answer.get('code'));
      assert.equal(answer.get('state'), 'pushed-state');
      const again = await fetch(`${h.issuer}/authorize?${form(front)}`, { redirect: 'manual' });
      assert.equal(again.status, 400);
      assert.equal(again.headers.get('location'), null, 'no redirect without a trusted request');
      assert.match(await again.text(), /unknown, already used or expired/);
    } finally {
      await h.close();
    }
  });

  test('another client cannot use the request_uri; a public client pushes with PKCE', async () => {
    const h = await serve();
    try {
      const p = await push(h, pushed);
      const stolen = await fetch(
        `${h.issuer}/authorize?${form({ client_id: 'public-app', request_uri: String(p.json.request_uri) })}`,
        { redirect: 'manual' },
      );
      assert.equal(stolen.status, 400);
      assert.match(await stolen.text(), /not the client that pushed/);
      const mine = await push(
        h,
        {
          client_id: 'public-app',
          redirect_uri: 'http://127.0.0.1:6000/cb',
          response_type: 'code',
          scope: 'openid',
          code_challenge: pkceChallenge(randomValue()),
          code_challenge_method: 'S256',
        },
        { authorization: '' },
      );
      assert.equal(mine.status, 201, JSON.stringify(mine.json));
    } finally {
      await h.close();
    }
  });

  test('refused as at the token endpoint: bad client authentication 401, a bad request 400', async () => {
    const h = await serve();
    try {
      for (const [body, auth] of [
        [pushed, basic('app', 'not-the-secret')],
        [{ ...pushed, client_id: 'public-app' }, basic('app', SECRET)],
      ] as const) {
        const wrong = await push(h, body, { authorization: auth });
        assert.equal(wrong.status, 401, JSON.stringify(body));
        assert.equal(wrong.json.error, 'invalid_client');
      }
      for (const [change, error] of [
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ redirect_uri: 'http://127.0.0.1:4444/elsewhere' }, 'invalid_request'],
        [{ request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 'invalid_request'],
      ] as const) {
        const r = await push(h, { ...pushed, ...change });
        assert.equal(r.status, 400, JSON.stringify(change));
        assert.equal(r.json.error, error, JSON.stringify(change));
      }
    } finally {
      await h.close();
    }
  });

  test('par_bad answers 200 with no usable request_uri; par_error answers 400; the log names them', async () => {
    const h = await serve({ defect: ['par_bad'] });
    try {
      const bad = await push(h, pushed);
      assert.equal(bad.status, 200);
      assert.deepEqual(bad.json, { request_uri: 'not a uri' });
      assert.deepEqual(h.events.at(-1)!.defects, ['par_bad']);
      h.setDefects(['par_error']);
      const error = await push(h, pushed);
      assert.equal(error.status, 400);
      assert.equal(error.json.error, 'invalid_request');
      assert.deepEqual(h.events.at(-1)!.defects, ['par_error']);
    } finally {
      await h.close();
    }
  });
});

/** The JWKS of the provider, to verify what it signs. */
const jwksOf = (h: ServeHandle) => createRemoteJWKSet(new URL(`${h.issuer}/jwks`));

describe('JARM responses', () => {
  const base = { client_id: 'app', redirect_uri: REDIRECT, scope: 'openid', state: 'st', nonce: 'n' };

  test('query.jwt: only a response JWT, signed RS256, with iss, aud = client_id, exp and the parameters', async () => {
    const h = await serve();
    try {
      const p = await authorize(h, { ...base, response_type: 'code', response_mode: 'query.jwt' });
      assert.deepEqual([...p.keys()], ['response']);
      const { payload, protectedHeader } = await jwtVerify(p.get('response')!, jwksOf(h), {
        issuer: h.issuer,
        audience: 'app',
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.state, 'st');
      assert.ok(typeof payload.code === 'string');
      assert.ok(payload.exp! > Date.now() / 1000);
    } finally {
      await h.close();
    }
  });

  test('form_post.jwt posts the response field; jwt is the fragment for an ID token', async () => {
    const h = await serve();
    try {
      const res = await fetch(
        `${h.issuer}/authorize?${form({ ...base, response_type: 'code', response_mode: 'form_post.jwt' })}`,
      );
      const page = await res.text();
      assert.match(page, /<input type="hidden" name="response" value="[\w-]+\.[\w-]+\.[\w-]+">/);
      assert.doesNotMatch(page, /name="code"/);
      const fragment = await fetch(
        `${h.issuer}/authorize?${form({ ...base, response_type: 'id_token', response_mode: 'jwt' })}`,
        { redirect: 'manual' },
      );
      const location = new URL(fragment.headers.get('location')!);
      assert.equal(location.search, '');
      const inside = decodeJwt(new URLSearchParams(location.hash.slice(1)).get('response')!);
      assert.ok(typeof inside.id_token === 'string');
    } finally {
      await h.close();
    }
  });

  test('an error asked for by JARM comes as a response JWT too; query.jwt with tokens is an error', async () => {
    const h = await serve();
    try {
      const p = await authorize(h, { ...base, response_type: 'code id_token', response_mode: 'query.jwt' });
      const { payload } = await jwtVerify(p.get('response')!, jwksOf(h), { issuer: h.issuer, audience: 'app' });
      assert.equal(payload.error, 'invalid_request');
      assert.match(String(payload.error_description), /JARM §2\.3\.1/);
      assert.equal(payload.state, 'st');
    } finally {
      await h.close();
    }
  });

  test('the JARM defects: unsigned, for another audience or issuer, expired', async () => {
    const h = await serve();
    try {
      const response = async (defect: Defect) => {
        h.setDefects([defect]);
        const p = await authorize(h, { ...base, response_type: 'code', response_mode: 'jwt' });
        assert.deepEqual(h.events.at(-1)!.defects, [defect]);
        return p.get('response')!;
      };
      assert.equal(decodeProtectedHeader(await response('jarm_unsigned')).alg, 'none');
      assert.equal(decodeJwt(await response('jarm_aud')).aud, 'someone-else');
      assert.equal(decodeJwt(await response('jarm_iss')).iss, `${h.issuer}/not-the-issuer`);
      assert.ok(decodeJwt(await response('jarm_expired')).exp! < Date.now() / 1000);
      // Without a JARM mode the JARM defects have nothing to change, and the log says so.
      await authorize(h, { ...base, response_type: 'code' });
      assert.deepEqual(h.events.at(-1)!.notApplicable, ['jarm_expired']);
    } finally {
      await h.close();
    }
  });
});

describe('DPoP (RFC 9449)', () => {
  /** A token request with a DPoP proof for it. */
  async function dpopToken(h: ServeHandle, key: DpopKey, body: Record<string, string>, auth = basic('app', SECRET)) {
    const proof = await createDpopProof(key, { htm: 'POST', htu: `${h.issuer}/token` });
    const res = await fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: { ...FORM, ...(auth ? { authorization: auth } : {}), dpop: proof },
      body: form(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, string>, proof };
  }
  /** A code redeemed with a proof from `key`. */
  async function boundTokens(h: ServeHandle, key: DpopKey) {
    const { code, verifier } = await codeFor(h);
    return dpopToken(h, key, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
  }
  const userinfo = async (h: ServeHandle, authorization: string, proof?: string) =>
    fetch(`${h.issuer}/userinfo`, { headers: { authorization, ...(proof ? { dpop: proof } : {}) } });
  const proofFor = (h: ServeHandle, key: DpopKey, accessToken: string) =>
    createDpopProof(key, { htm: 'GET', htu: `${h.issuer}/userinfo`, accessToken });

  test('a proof binds the token: token_type DPoP, cnf.jkt in the JWT and in introspection', async () => {
    const h = await serve();
    try {
      const key = await generateDpopKey();
      const t = await boundTokens(h, key);
      assert.equal(t.status, 200, JSON.stringify(t.json));
      assert.equal(t.json.token_type, 'DPoP');
      assert.equal(decodeProtectedHeader(t.json.access_token!).typ, 'at+jwt');
      const { payload } = await jwtVerify(t.json.access_token!, jwksOf(h), { issuer: h.issuer, typ: 'at+jwt' });
      assert.deepEqual(payload.cnf, { jkt: key.thumbprint });
      assert.equal(payload.client_id, 'app');
      const introspected = (await (
        await fetch(`${h.issuer}/introspect`, {
          method: 'POST',
          headers: { ...FORM, authorization: basic('app', SECRET) },
          body: form({ token: t.json.access_token! }),
        })
      ).json()) as Record<string, unknown>;
      assert.equal(introspected.token_type, 'DPoP');
      assert.deepEqual(introspected.cnf, { jkt: key.thumbprint });
      assert.match(h.events.find((e) => e.path === '/token')!.note, /DPoP-bound access token/);
    } finally {
      await h.close();
    }
  });

  test('userinfo takes the DPoP scheme and a proof from the key; Bearer, other keys, replays get 401', async () => {
    const h = await serve();
    try {
      const key = await generateDpopKey();
      const t = await boundTokens(h, key);
      const at = t.json.access_token!;
      const proof = await proofFor(h, key, at);
      assert.equal((await userinfo(h, `DPoP ${at}`, proof)).status, 200);
      const refused: [string, string | undefined, RegExp][] = [
        [`Bearer ${at}`, undefined, /error="invalid_token".*DPoP-bound/],
        [`DPoP ${at}`, undefined, /error="invalid_dpop_proof"/],
        [`DPoP ${at}`, proof, /error="invalid_dpop_proof".*already used/],
        [`DPoP ${at}`, await proofFor(h, await generateDpopKey(), at), /error="invalid_token".*another key/],
        [`DPoP ${at}`, await createDpopProof(key, { htm: 'GET', htu: `${h.issuer}/userinfo` }), /no ath/],
        [
          `DPoP ${at}`,
          await createDpopProof(key, { htm: 'POST', htu: `${h.issuer}/userinfo`, accessToken: at }),
          /htm/,
        ],
      ];
      for (const [authorization, dpop, says] of refused) {
        const res = await userinfo(h, authorization, dpop);
        assert.equal(res.status, 401, authorization);
        const challenge = res.headers.get('www-authenticate') ?? '';
        assert.match(challenge, /^DPoP /);
        assert.match(challenge, says);
        assert.match(challenge, /algs="[^"]*ES256/);
      }
    } finally {
      await h.close();
    }
  });

  test('the token endpoint refuses a proof for another URI and a proof used twice (invalid_dpop_proof)', async () => {
    const h = await serve();
    try {
      const key = await generateDpopKey();
      const send = (proof: string) =>
        fetch(`${h.issuer}/token`, {
          method: 'POST',
          headers: { ...FORM, authorization: basic('app', SECRET), dpop: proof },
          body: form({ grant_type: 'client_credentials' }),
        });
      const elsewhere = await send(await createDpopProof(key, { htm: 'POST', htu: `${h.issuer}/par` }));
      assert.equal(elsewhere.status, 400);
      assert.equal(((await elsewhere.json()) as { error: string }).error, 'invalid_dpop_proof');
      const proof = await createDpopProof(key, { htm: 'POST', htu: `${h.issuer}/token` });
      const first = (await (await send(proof)).json()) as Record<string, string>;
      assert.equal(first.token_type, 'DPoP');
      const replay = (await (await send(proof)).json()) as Record<string, string>;
      assert.equal(replay.error, 'invalid_dpop_proof');
      assert.match(replay.error_description!, /already used/);
    } finally {
      await h.close();
    }
  });

  test('dpop_jkt binds the code: redeemed only with a proof from that key (RFC 9449 §10)', async () => {
    const h = await serve();
    try {
      const key = await generateDpopKey();
      const other = await generateDpopKey();
      const redeem = async (k: DpopKey | undefined) => {
        const { code, verifier } = await codeFor(h, { dpop_jkt: key.thumbprint });
        const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
        return k ? (await dpopToken(h, k, body)).json : (await token(h, body)).json;
      };
      assert.equal((await redeem(undefined)).error, 'invalid_grant');
      assert.match((await redeem(other)).error_description!, /another key/);
      assert.equal((await redeem(key)).token_type, 'DPoP');
    } finally {
      await h.close();
    }
  });

  test("a public client's refresh token is bound to its DPoP key (RFC 9449 §5)", async () => {
    const h = await serve();
    try {
      const key = await generateDpopKey();
      const first = await dpopToken(h, key, await publicCodeGrant(h), '');
      const refresh = {
        grant_type: 'refresh_token',
        client_id: 'public-app',
        refresh_token: first.json.refresh_token!,
      };
      const without = await token(h, refresh, '');
      assert.equal(without.json.error, 'invalid_grant');
      assert.match(without.json.error_description!, /bound to a DPoP key/);
      const withKey = await dpopToken(h, key, refresh, '');
      assert.equal(withKey.json.token_type, 'DPoP', JSON.stringify(withKey.json));
    } finally {
      await h.close();
    }
  });

  test('dpop_ignored answers Bearer and an opaque token; dpop_cnf binds the JWT to another key', async () => {
    const h = await serve({ defect: ['dpop_ignored'] });
    try {
      const key = await generateDpopKey();
      const ignored = await dpopToken(h, key, { grant_type: 'client_credentials' });
      assert.equal(ignored.json.token_type, 'Bearer');
      assert.doesNotMatch(ignored.json.access_token!, /\./);
      assert.deepEqual(h.events.at(-1)!.defects, ['dpop_ignored']);
      h.setDefects(['dpop_cnf']);
      const other = await dpopToken(h, key, { grant_type: 'client_credentials' });
      assert.equal(other.json.token_type, 'DPoP');
      const cnf = decodeJwt(other.json.access_token!).cnf as { jkt: string };
      assert.notEqual(cnf.jkt, key.thumbprint);
      assert.deepEqual(h.events.at(-1)!.defects, ['dpop_cnf']);
      // Without a proof there is nothing to ignore or bind, and the log says so.
      await token(h, { grant_type: 'client_credentials' });
      assert.deepEqual(h.events.at(-1)!.notApplicable, ['dpop_cnf']);
    } finally {
      await h.close();
    }
  });

  test('cnf_x5t: access tokens are JWTs bound to a certificate the client never had', async () => {
    const h = await serve({ defect: ['cnf_x5t'] });
    try {
      const t = await token(h, { grant_type: 'client_credentials' });
      assert.equal(t.json.token_type, 'Bearer');
      const { payload } = await jwtVerify(t.json.access_token!, jwksOf(h), { issuer: h.issuer, typ: 'at+jwt' });
      assert.deepEqual(payload.cnf, { 'x5t#S256': OTHER_CERTIFICATE_THUMBPRINT });
    } finally {
      await h.close();
    }
  });
});
