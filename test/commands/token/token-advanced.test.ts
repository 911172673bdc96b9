// Issue 14 through `token`, end to end against a real oidc-provider on 127.0.0.1: DPoP-bound tokens
// (nonces answered, cnf.jkt checked, the key cached with the token so the cached token stays usable),
// rich authorization requests, and an mTLS certificate-bound token's cnf row.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { runInProcess, isolatedEnv, type CliRun } from '../../helpers/in-process.js';
import { loginThroughForms } from '../../helpers/login-through-forms.js';
import { jwkThumbprint } from '../../../src/protocol/dpop.js';
import { SAMPLE_RAR_TYPE, startOidcProvider, type RunningOidcProvider } from '../../providers/oidc-provider.js';

const SECRET = 'advanced-token-secret-for-loopback-only';
const RESOURCE = 'https://api.example.test/';
const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-token-advanced-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

let op: RunningOidcProvider;

const machine = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_secret: SECRET,
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: [],
  response_types: [],
  grant_types: ['client_credentials'],
  ...extra,
});

before(async () => {
  op = await startOidcProvider({
    clients: [
      machine('dpop-client'),
      machine('rar-client', { authorization_details_types: [SAMPLE_RAR_TYPE] }),
      {
        client_id: 'dpop-public',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    features: { clientCredentials: { enabled: true }, introspection: { enabled: true } },
    configuration: { scopes: ['openid', 'offline_access', 'api:read'] },
    advanced: { dpopNonce: true, jwtResourceServer: RESOURCE, richAuthorizationRequests: true },
  });
});
after(async () => {
  await op?.close();
});

interface Row {
  id: string;
  status: string;
  message: string;
}
interface TokenDoc {
  valid?: boolean;
  access_token?: string;
  token_type?: string;
  cache?: { action: string; reason: string };
  dpop?: { jkt: string };
  checks?: Row[];
  authorization_details?: { type: string; status: string }[];
  error?: { code: string; message: string };
}

async function token(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun & { json: TokenDoc }> {
  const run = await runInProcess(['token', '--issuer', op.issuer, ...args], { env: { ...env } });
  let json: TokenDoc = {};
  try {
    json = JSON.parse(run.stdout);
  } catch {
    /* raw output, or asserted by the caller */
  }
  return { ...run, json };
}

const statusOf = (doc: TokenDoc, id: string) => doc.checks?.find((c) => c.id === id)?.status;
const tokenCalls = () => op.requests.filter((p) => p === '/token').length;
const dpopArgs = ['--client-id', 'dpop-client', '--resource', RESOURCE, '--scope', 'api:read'];

describe('--dpop', () => {
  test('a fresh key: token_type DPoP, bound to it (cnf.jkt); cached with its key, 0600; reused', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    const first = await token([...dpopArgs, '--dpop', '--output', 'json'], env);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal(first.json.token_type, 'DPoP');
    assert.equal(statusOf(first.json, 'dpop.token_type'), 'pass');
    assert.equal(statusOf(first.json, 'dpop.cnf_jkt'), 'pass');
    const cacheDir = join(env.XDG_CACHE_HOME!, 'oidc-probe', 'tokens');
    const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.json'));
    const path = join(cacheDir, name!);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { dpop_jwk: JWK; dpop_jkt: string; access_token: string };
    assert.equal(typeof entry.dpop_jwk.d, 'string', 'the private key is kept with the token');
    const { d: _d, ...publicJwk } = entry.dpop_jwk;
    assert.equal(jwkThumbprint(publicJwk), first.json.dpop?.jkt);
    assert.equal(entry.access_token, first.json.access_token);

    // `cache show` names the key but never prints it without --show-secrets.
    const shown = await runInProcess(['cache', 'show', name!.slice(0, 10)], { env: { ...env } });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /dpop_jwk\s+│ \[private EC key, redacted\]/);
    assert.ok(!shown.stdout.includes(entry.dpop_jwk.d!));

    const calls = tokenCalls();
    const again = await token([...dpopArgs, '--dpop', '--output', 'json'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.cache?.action, 'reuse');
    assert.equal(again.json.access_token, first.json.access_token);
    assert.equal(tokenCalls(), calls, 'no request for a cached token');
    // A Bearer request for the same token is another cache entry: it is not handed the DPoP token.
    const bearer = await token([...dpopArgs, '--output', 'json'], env);
    assert.equal(bearer.json.token_type, 'Bearer');
    assert.notEqual(bearer.json.access_token, first.json.access_token);
  });

  test('--output raw: the token on stdout, and on stderr that each request needs a proof with its key', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    const raw = await token([...dpopArgs, '--dpop', '--output', 'raw'], env);
    assert.equal(raw.code, 0, raw.stderr);
    assert.match(raw.stdout.trim(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(
      raw.stderr,
      /DPoP-bound: every request with it needs a DPoP proof signed with its key \(RFC 9449 §7\)/,
    );
    assert.match(raw.stderr, /the key is in the cache entry .*\.json \(dpop_jwk\)/);
    const once = await token([...dpopArgs, '--dpop', '--output', 'raw', '--no-cache'], env);
    assert.match(once.stderr, /not kept \(--no-cache\): pass --dpop-key FILE/);
  });

  test('--dpop-key FILE: bound to that key; another key is another token, fetched anew', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    const jwkA = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const jwkB = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const a = await token([...dpopArgs, '--dpop-key', file('a.json', jwkA), '--output', 'json'], env);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.json.dpop?.jkt, jwkThumbprint({ kty: 'EC', crv: jwkA.crv, x: jwkA.x, y: jwkA.y }));
    const b = await token([...dpopArgs, '--dpop-key', file('b.json', jwkB), '--output', 'json'], env);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.json.cache?.action, 'fetch');
    assert.match(b.json.cache?.reason ?? '', /bound to another DPoP key/);
    assert.equal(statusOf(b.json, 'dpop.cnf_jkt'), 'pass');
    assert.notEqual(b.json.dpop?.jkt, a.json.dpop?.jkt);
  });

  test('the cached key is the one the provider bound the token to (introspect --dpop-key)', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    // Opaque (no resource): only introspection shows the binding.
    const t = await token(['--client-id', 'dpop-client', '--dpop', '--output', 'json'], env);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(statusOf(t.json, 'dpop.cnf_jkt'), 'skip');
    const cacheDir = join(env.XDG_CACHE_HOME!, 'oidc-probe', 'tokens');
    const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.json'));
    const entry = JSON.parse(readFileSync(join(cacheDir, name!), 'utf8')) as { dpop_jwk: JWK };
    const keyFile = file('cached-key.json', entry.dpop_jwk);
    const args = ['introspect', t.json.access_token!, '--issuer', op.issuer, '--client-id', 'dpop-client', '--json'];
    const bound = await runInProcess([...args, '--dpop-key', keyFile], { env: { ...env } });
    assert.equal(bound.code, 0, bound.stderr + bound.stdout);
    const doc = JSON.parse(bound.stdout) as { checks: Row[] };
    assert.equal(doc.checks.find((c) => c.id === 'dpop.cnf_jkt')?.status, 'pass');
    const other = file(
      'other.json',
      await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey),
    );
    const unbound = await runInProcess([...args, '--dpop-key', other], { env: { ...env } });
    assert.equal(unbound.code, 1, unbound.stdout);
    const rows = (JSON.parse(unbound.stdout) as { checks: Row[] }).checks;
    assert.equal(rows.find((c) => c.id === 'dpop.cnf_jkt')?.status, 'fail');
  });

  test('--har: the DPoP proofs are withheld unless --show-secrets', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    const proofs = async (extra: string[]) => {
      const har = join(dir, `dpop-${extra.length}.har`);
      const r = await token([...dpopArgs, '--dpop', '--no-cache', '--output', 'json', '--har', har, ...extra], env);
      assert.equal(r.code, 0, r.stderr);
      const log = JSON.parse(readFileSync(har, 'utf8')) as {
        log: { entries: { request: { headers: { name: string; value: string }[] } }[] };
      };
      return log.log.entries.flatMap((e) => e.request.headers.filter((h) => h.name.toLowerCase() === 'dpop'));
    };
    const hidden = await proofs([]);
    assert.ok(hidden.length >= 2, 'a proof on the challenged request and on its retry');
    for (const h of hidden) assert.match(h.value, /^\[redacted \d+ chars\]$/);
    const shown = await proofs(['--show-secrets']);
    for (const h of shown) assert.equal(h.value.split('.').length, 3);
  });

  test('login --cache --dpop, then token --grant refresh_token: the cached key refreshes the bound token', async () => {
    const env = isolatedEnv();
    const login = await loginThroughForms(
      [
        '--issuer',
        op.issuer,
        '--client-id',
        'dpop-public',
        '--redirect-uri',
        'http://127.0.0.1:0/callback',
        '--scope',
        'openid offline_access',
        '--prompt',
        'consent',
        '--dpop',
        '--cache',
        '--json',
      ],
      { env: { ...env } },
    );
    assert.equal(login.code, 0, login.stderr + login.stdout);
    const tokens = (JSON.parse(login.stdout) as { tokens: { token_type: string; refresh_token?: string } }).tokens;
    assert.equal(tokens.token_type, 'DPoP');
    assert.equal(typeof tokens.refresh_token, 'string');
    const refresh = ['--grant', 'refresh_token', '--client-id', 'dpop-public', '--dpop', '--output', 'json'];
    const r = await token([...refresh, '--min-ttl', '100000'], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.json.cache?.action, 'refresh');
    assert.equal(r.json.token_type, 'DPoP');
    assert.equal(statusOf(r.json, 'dpop.token_type'), 'pass');
    // RFC 9449 §5: a public client's refresh token is bound to the key; another key is refused.
    const other = file(
      'thief.json',
      await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey),
    );
    const stolen = await token([...refresh, '--dpop-key', other], env);
    assert.equal(stolen.code, 4, stolen.stderr + stolen.stdout);
    assert.equal(stolen.json.error?.code, 'provider_error');
  });

  test('a DPoP key that is not an asymmetric private key is exit 2 in one sentence', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    const calls = tokenCalls();
    for (const [content, pattern] of [
      [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' }, /is a symmetric key/],
      ['-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n', /is a public key or certificate/],
      ['not a key at all', /is neither a PEM file nor a JWK/],
    ] as const) {
      const r = await token([...dpopArgs, '--dpop-key', file('bad-key', content), '--output', 'json'], env);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.json.error?.code, 'bad_dpop_key');
      assert.match(r.json.error?.message ?? '', pattern);
    }
    assert.equal(tokenCalls(), calls, 'no request with a bad key');
  });
});

describe('--authorization-details', () => {
  test('granted as asked, shown beside what was asked', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    const details = [{ type: SAMPLE_RAR_TYPE, instructedAmount: { currency: 'EUR', amount: '9.99' } }];
    const r = await token(
      [
        '--client-id',
        'rar-client',
        '--resource',
        RESOURCE,
        '--authorization-details',
        `@${file('rar.json', details)}`,
        '--output',
        'json',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.json.authorization_details?.map((d) => [d.type, d.status]),
      [[SAMPLE_RAR_TYPE, 'granted']],
    );
    const table = await runInProcess(
      ['token', '--issuer', op.issuer, '--client-id', 'rar-client', '--resource', RESOURCE, '--no-cache'].concat([
        '--authorization-details',
        JSON.stringify(details),
        '--output',
        'table',
      ]),
      { env: { ...env } },
    );
    assert.match(table.stdout, /Authorization details[\s\S]*payment_initiation[\s\S]*granted/);
  });

  test('malformed authorization details are exit 2 in one sentence, before any request', async () => {
    const env = isolatedEnv({ OIDC_PROBE_CLIENT_SECRET: SECRET });
    for (const [value, pattern] of [
      ['[{"type":', /--authorization-details is not JSON/],
      ['[{"actions":["read"]}]', /has an entry 1 without "type" \(RFC 9396 §2\)/],
      ['[]', /is an empty array/],
    ] as const) {
      const r = await token(['--client-id', 'rar-client', '--authorization-details', value, '--output', 'json'], env);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.json.error?.code, 'bad_authorization_details');
      assert.match(r.json.error?.message ?? '', pattern);
    }
  });
});

describe('--cert: an mTLS certificate-bound token (RFC 8705)', () => {
  const tls = mkdtempSync(join(tmpdir(), 'oidc-probe-token-cnf-'));
  const sh = (...args: string[]) => execFileSync('openssl', args, { cwd: tls, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  let mtlsOp: RunningOidcProvider;

  function issue(cn: string, ext: string): void {
    sh('req', ...ec, '-keyout', `${cn}.key`, '-out', `${cn}.csr`, '-subj', `/CN=${cn}`);
    writeFileSync(join(tls, `${cn}.ext`), ext);
    const ca = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'];
    sh('x509', '-req', '-in', `${cn}.csr`, ...ca, '-out', `${cn}.pem`, '-days', '2', '-extfile', `${cn}.ext`);
  }

  before(async () => {
    sh(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=oidc-probe cnf test CA',
    );
    issue('127.0.0.1', 'subjectAltName=IP:127.0.0.1\n');
    issue('m-tls', 'extendedKeyUsage=clientAuth\n');
    const read = (f: string) => readFileSync(join(tls, f), 'utf8');
    mtlsOp = await startOidcProvider({
      tls: { key: read('127.0.0.1.key'), cert: read('127.0.0.1.pem'), ca: read('ca.pem') },
      clients: [
        machine('m-tls', {
          client_secret: undefined,
          token_endpoint_auth_method: 'tls_client_auth',
          tls_client_auth_subject_dn: 'CN=m-tls',
          tls_client_certificate_bound_access_tokens: true,
        }),
      ],
      features: { clientCredentials: { enabled: true } },
      configuration: { scopes: ['openid', 'api:read'], clientAuthMethods: ['tls_client_auth', 'client_secret_basic'] },
      advanced: { certificateBoundTokens: true, jwtResourceServer: RESOURCE },
    });
  });
  after(async () => {
    await mtlsOp?.close();
  });

  test('the JWT access token names the certificate presented: cnf passes', async () => {
    const r = await runInProcess([
      'token',
      '--issuer',
      mtlsOp.issuer,
      '--client-id',
      'm-tls',
      '--auth-method',
      'tls_client_auth',
      '--cert',
      join(tls, 'm-tls.pem'),
      '--cert-key',
      join(tls, 'm-tls.key'),
      '--ca-file',
      join(tls, 'ca.pem'),
      '--resource',
      RESOURCE,
      '--scope',
      'api:read',
      '--no-cache',
      '--output',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout) as TokenDoc;
    const cnf = doc.checks?.find((c) => c.id === 'cnf');
    assert.equal(cnf?.status, 'pass', cnf?.message);
  });
});
