// `oidc-probe discover` run as a user would: against a real oidc-provider, and against local
// servers serving broken documents and failing in the ways the network can.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { JWK } from 'jose';
import { runCli, ANSI, type CliRun } from '../../helpers/cli.js';
import { metadataFor, startDocServer, type DocServer } from '../../helpers/doc-server.js';
import { makeCertifiedKey } from '../../helpers/x509.js';
import { startOidcProvider, type RunningOidcProvider } from '../../providers/oidc-provider.js';

interface CheckRow {
  id: string;
  status: string;
  message: string;
}
interface DiscoverJson {
  url: string;
  source: string;
  metadata: Record<string, unknown>;
  jwks: { keys: JWK[] } | null;
  capabilities: { name: string; value: string }[];
  key_summary: Record<string, unknown>[] | null;
  checks: CheckRow[];
  valid: boolean;
}

const rsaJwk = (bits: number, kid: string, withPrivate = false): JWK => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    ...((withPrivate ? privateKey : publicKey).export({ format: 'jwk' }) as JWK),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
};

let goodKey: JWK;
let secondKey: JWK;
before(() => {
  goodKey = rsaJwk(2048, 'key-1');
  secondKey = rsaJwk(2048, 'key-2');
});

const check = (doc: DiscoverJson, id: string) => {
  const row = doc.checks.find((c) => c.id === id);
  assert.ok(row, `no check ${id} in ${doc.checks.map((c) => c.id).join(', ')}`);
  return row;
};

async function discoverJson(args: string[]): Promise<{ run: CliRun; doc: DiscoverJson }> {
  const run = await runCli(['--json', 'discover', ...args]);
  return { run, doc: JSON.parse(run.stdout) as DiscoverJson };
}

/** Bad input: the exit code, one sentence on stderr (plus at most a hint), no stack, nothing on stdout. */
function assertOneError(run: CliRun, exit: number, sentence: RegExp): void {
  assert.equal(run.code, exit, `exit ${run.code}, stderr: ${run.stderr}`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, sentence);
  assert.ok(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('hint: ')), run.stderr);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
}

/** The same failure with --json: exactly one JSON error document on stdout, the exit code inside. */
async function assertJsonError(args: string[], exit: number, code: string): Promise<Record<string, unknown>> {
  const run = await runCli(['--json', 'discover', ...args]);
  assert.equal(run.code, exit, run.stderr);
  const doc = JSON.parse(run.stdout) as { error: { code: string; exit: number; message: string } } & Record<
    string,
    unknown
  >;
  assert.equal(doc.error.code, code);
  assert.equal(doc.error.exit, exit);
  return doc;
}

describe('discover against a real oidc-provider', () => {
  let op: RunningOidcProvider;
  let mounted: RunningOidcProvider;
  before(async () => {
    op = await startOidcProvider({
      features: {
        introspection: { enabled: true },
        revocation: { enabled: true },
        deviceFlow: { enabled: true },
        registration: { enabled: true },
      },
      configuration: {
        discovery: { service_documentation: 'https://docs.example.test/oidc', x_vendor_flavour: 'vanilla' },
      },
    });
    mounted = await startOidcProvider({ mountPath: '/tenants/acme' });
  });
  after(async () => {
    await op?.close();
    await mounted?.close();
  });

  test('lints a real provider: endpoints, capabilities, keys and checks tables, exit 0', async () => {
    const run = await runCli(['discover', op.issuer]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.doesNotMatch(run.stdout, ANSI);
    assert.ok(run.stdout.includes(`${op.issuer}/.well-known/openid-configuration (OpenID Connect Discovery 1.0)`));
    for (const heading of ['endpoints', 'capabilities', `keys (${op.issuer}/jwks)`, 'checks'])
      assert.match(run.stdout, new RegExp(`^${heading.replace(/[()/.]/g, '\\$&')}$`, 'm'));
    assert.match(run.stdout, /introspection_endpoint\s+│ http:\/\/127\.0\.0\.1:\d+\/token\/introspection/);
    assert.match(run.stdout, /test-rs256 │ RSA\s+│ RS256 │ sig\s+│ 2048 bits/);
    assert.match(run.stdout, /✓ \d+ passed, 0 failed, \d+ warnings, \d+ skipped/);
    assert.match(run.stdout, /\nvalid\n$/);
  });

  test('--json keeps the metadata whole and carries the JWKS, capabilities and checks', async () => {
    const served = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    const jwks = await (await fetch(`${op.issuer}/jwks`)).json();
    const { run, doc } = await discoverJson([op.issuer]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(doc.metadata, served);
    assert.deepEqual(doc.jwks, jwks);
    assert.equal(doc.url, `${op.issuer}/.well-known/openid-configuration`);
    assert.equal(doc.source, 'openid-configuration');
    assert.equal(doc.valid, true);
    assert.equal(check(doc, 'discovery.issuer').status, 'warn', 'http on loopback is a warning');
    assert.equal(check(doc, 'discovery.code_challenge_methods_supported').status, 'pass');
    assert.equal(check(doc, 'discovery.authorization_response_iss_parameter_supported').status, 'pass');
    assert.equal(check(doc, 'jwks.private_material').status, 'pass');
    assert.equal(check(doc, 'jwks.rsa_size').status, 'pass');
    const unknown = check(doc, 'discovery.unknown_fields');
    assert.match(unknown.message, /x_vendor_flavour/);
    assert.doesNotMatch(unknown.message, /service_documentation/);
    const endpoints = doc.capabilities.find((c) => c.name === 'endpoints')!.value;
    assert.match(endpoints, /introspection yes, revocation yes, device yes, registration yes/);
    assert.equal(doc.key_summary?.[0]?.kid, 'test-rs256');
    assert.match(String(doc.key_summary?.[0]?.thumbprint), /^[A-Za-z0-9_-]{43}$/);
  });

  test('--raw prints the document exactly as served and nothing else', async () => {
    const served = Buffer.from(await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).arrayBuffer());
    const run = await runCli(['discover', '--raw', op.issuer]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, served.toString('utf8'));
  });

  test('an issuer with a path: discovery appended after the path, and a full well-known URL is accepted', async () => {
    const byIssuer = await discoverJson([mounted.issuer]);
    assert.equal(byIssuer.run.code, 0, byIssuer.run.stderr);
    assert.equal(byIssuer.doc.url, `${mounted.issuer}/.well-known/openid-configuration`);
    const byUrl = await discoverJson([`${mounted.issuer}/.well-known/openid-configuration`]);
    assert.equal(byUrl.run.code, 0, byUrl.run.stderr);
    assert.equal(check(byUrl.doc, 'discovery.issuer').status, 'warn');
    assert.deepEqual(byUrl.doc.metadata, byIssuer.doc.metadata);
  });

  test('a trailing slash the provider does not use is an issuer mismatch (no normalisation), exit 1', async () => {
    const run = await runCli(['discover', `${mounted.issuer}/`]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      new RegExp(
        'discovery\\.issuer\\s+│ FAIL\\s+│ issuer mismatch: the document says ' +
          '"http://127\\.0\\.0\\.1:\\d+/tenants/acme", you asked for "http://127\\.0\\.0\\.1:\\d+/tenants/acme/"',
      ),
    );
    assert.match(run.stdout, /differ only by a trailing slash/);
    assert.match(run.stdout, /\nNOT valid\n$/);
  });
});

describe('discover against broken documents', () => {
  let srv: DocServer;
  before(async () => {
    srv = await startDocServer();
  });
  after(async () => {
    await srv?.close();
  });

  const serve = (doc: (base: string) => Record<string, unknown>, keys: () => unknown[] = () => [goodKey]) => {
    srv.setRoutes((base) => ({
      '/.well-known/openid-configuration': { body: doc(base) },
      '/jwks': { body: { keys: keys() } },
    }));
  };

  test('a well-formed document on loopback passes with warnings only, exit 0', async () => {
    serve((b) => metadataFor(b));
    const { run, doc } = await discoverJson([srv.base]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(doc.valid, true);
    assert.equal(doc.checks.filter((c) => c.status === 'fail').length, 0);
  });

  test('issuer mismatch fails discovery.issuer with expected and actual, exit 1', async () => {
    serve((b) => metadataFor(b, { issuer: 'https://elsewhere.example.test' }));
    const { run, doc } = await discoverJson([srv.base]);
    assert.equal(run.code, 1);
    assert.equal(doc.valid, false);
    const row = check(doc, 'discovery.issuer') as CheckRow & { expected: string; actual: string };
    assert.equal(row.status, 'fail');
    assert.equal(row.expected, srv.base);
    assert.equal(row.actual, 'https://elsewhere.example.test');
  });

  test('missing required fields each fail their own row', async () => {
    serve((b) =>
      metadataFor(b, {
        token_endpoint: undefined,
        subject_types_supported: undefined,
        id_token_signing_alg_values_supported: undefined,
        response_types_supported: undefined,
      }),
    );
    const { run, doc } = await discoverJson([srv.base]);
    assert.equal(run.code, 1);
    for (const id of [
      'discovery.token_endpoint',
      'discovery.subject_types_supported',
      'discovery.id_token_signing_alg_values_supported',
      'discovery.response_types_supported',
    ]) {
      assert.equal(check(doc, id).status, 'fail', id);
      assert.match(check(doc, id).message, /missing/);
    }
  });

  test('a missing jwks_uri fails and the JWKS is not fetched', async () => {
    serve((b) => metadataFor(b, { jwks_uri: undefined }));
    const before = srv.requests.length;
    const { run, doc } = await discoverJson([srv.base]);
    assert.equal(run.code, 1);
    assert.equal(check(doc, 'discovery.jwks_uri').status, 'fail');
    assert.equal(check(doc, 'jwks.fetch').status, 'skip');
    assert.equal(doc.jwks, null);
    assert.deepEqual(srv.requests.slice(before), ['/.well-known/openid-configuration']);
  });

  test(
    'http endpoints off loopback fail, a fragment or a relative URL fails, RS256 missing and ' + 'none advertised',
    async () => {
      serve((b) =>
        metadataFor(b, {
          token_endpoint: 'http://login.example.test/token',
          userinfo_endpoint: '/userinfo',
          revocation_endpoint: `${b}/revoke#frag`,
          id_token_signing_alg_values_supported: ['ES256', 'none'],
        }),
      );
      const { run, doc } = await discoverJson([srv.base]);
      assert.equal(run.code, 1);
      assert.match(
        check(doc, 'discovery.token_endpoint').message,
        /is not https: http:\/\/login\.example\.test\/token/,
      );
      assert.equal(check(doc, 'discovery.token_endpoint').status, 'fail');
      assert.match(check(doc, 'discovery.userinfo_endpoint').message, /not an absolute URL/);
      assert.match(check(doc, 'discovery.revocation_endpoint').message, /carries a fragment/);
      assert.equal(check(doc, 'discovery.id_token_signing_alg_values_supported').status, 'fail');
      assert.equal(check(doc, 'discovery.id_token_signing_alg_none').status, 'warn');
      assert.equal(
        check(doc, 'discovery.authorization_endpoint').status,
        'warn',
        'http on 127.0.0.1 is only a warning',
      );
    },
  );

  test(
    'PKCE plain only and implicit response types: warnings and an informational row, grant types ' + 'checked',
    async () => {
      serve((b) =>
        metadataFor(b, {
          code_challenge_methods_supported: ['plain'],
          response_types_supported: ['code', 'id_token token'],
          grant_types_supported: ['authorization_code'],
        }),
      );
      const { run, doc } = await discoverJson([srv.base]);
      assert.equal(run.code, 0, run.stdout);
      assert.equal(check(doc, 'discovery.code_challenge_methods_supported').status, 'warn');
      const implicit = check(doc, 'discovery.response_types_implicit');
      assert.equal(implicit.status, 'pass');
      assert.match(implicit.message, /^info: .*id_token token.*RFC 9700/);
      assert.equal(check(doc, 'discovery.grant_types_supported').status, 'warn');
      assert.match(check(doc, 'discovery.grant_types_supported').message, /lack implicit/);
    },
  );

  test('private key material in the JWKS fails loudly, in the table and the checks', async () => {
    serve(
      (b) => metadataFor(b),
      () => [rsaJwk(2048, 'leaky', true)],
    );
    const run = await runCli(['discover', srv.base]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /PRIVATE: d, p, q, dp, dq, qi/);
    assert.match(
      run.stderr,
      /^warning: the JWKS at http:\/\/127\.0\.0\.1:\d+\/jwks publishes PRIVATE key material \(leaky\)/,
    );
    assert.match(
      run.stdout,
      /jwks\.private_material\s+│ FAIL\s+│ PRIVATE KEY MATERIAL PUBLISHED: key "leaky" carries d, p, q, dp, dq, qi/,
    );
  });

  test('an RSA key of 1024 bits fails jwks.rsa_size', async () => {
    serve(
      (b) => metadataFor(b),
      () => [rsaJwk(1024, 'small')],
    );
    const { run, doc } = await discoverJson([srv.base]);
    assert.equal(run.code, 1);
    assert.equal(check(doc, 'jwks.rsa_size').status, 'fail');
    assert.match(check(doc, 'jwks.rsa_size').message, /"small" \(1024 bits\)/);
  });

  test('duplicate kids fail jwks.kid; distinct kids pass', async () => {
    serve(
      (b) => metadataFor(b),
      () => [goodKey, { ...secondKey, kid: 'key-1' }],
    );
    const dup = await discoverJson([srv.base]);
    assert.equal(dup.run.code, 1);
    assert.match(check(dup.doc, 'jwks.kid').message, /duplicate kid "key-1" \(2 times\)/);
    serve(
      (b) => metadataFor(b),
      () => [goodKey, secondKey],
    );
    const distinct = await discoverJson([srv.base]);
    assert.equal(distinct.run.code, 0);
    assert.equal(check(distinct.doc, 'jwks.kid').status, 'pass');
  });

  test('an expired x5c certificate fails; one expiring within 30 days warns', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = makeCertifiedKey({
      cn: 'expired.example.test',
      notBefore: now - 400 * 86400,
      notAfter: now - 35 * 86400,
      kid: 'old',
    });
    const expiring = makeCertifiedKey({
      cn: 'soon.example.test',
      notBefore: now - 300 * 86400,
      notAfter: now + 10 * 86400,
      kid: 'soon',
    });
    serve(
      (b) => metadataFor(b),
      () => [expired.jwk],
    );
    const old = await runCli(['discover', srv.base]);
    assert.equal(old.code, 1);
    assert.match(old.stdout, /CN=expired\.example\.test/);
    assert.match(old.stdout, /jwks\.x5c\s+│ FAIL\s+│ the certificate of key "old" expired on/);
    serve(
      (b) => metadataFor(b),
      () => [expiring.jwk],
    );
    const soon = await discoverJson([srv.base]);
    assert.equal(soon.run.code, 0);
    assert.equal(check(soon.doc, 'jwks.x5c').status, 'warn');
    assert.match(check(soon.doc, 'jwks.x5c').message, /"soon" expires on .*within 30 days/);
  });

  test(
    'a full well-known URL with a trailing slash is the document itself, with a warning on its ' + 'location',
    async () => {
      srv.setRoutes((b) => ({
        '/tenant/.well-known/openid-configuration/': { body: metadataFor(`${b}/tenant`) },
        '/tenant/jwks': { body: { keys: [goodKey] } },
      }));
      const before = srv.requests.length;
      const url = `${srv.base}/tenant/.well-known/openid-configuration/`;
      const { run, doc } = await discoverJson([url]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(srv.requests.slice(before, before + 1), ['/tenant/.well-known/openid-configuration/']);
      assert.equal(doc.url, url);
      // Identical to the issuer asked for; http on loopback is the only remark.
      assert.match(check(doc, 'discovery.issuer').message, /is http on loopback/);
      const row = check(doc, 'discovery.location');
      assert.equal(row.status, 'warn');
      assert.match(
        row.message,
        /not the standard location.*\/tenant\/\.well-known\/openid-configuration \(Discovery §4\.1\)/,
      );
    },
  );

  test(
    'RFC 8414 fallback for an issuer with a path: the well-known string goes before the path, ' + 'and it says so',
    async () => {
      srv.setRoutes((b) => ({
        '/.well-known/oauth-authorization-server/tenant': {
          body: metadataFor(`${b}/tenant`, {
            subject_types_supported: undefined,
            id_token_signing_alg_values_supported: undefined,
          }),
        },
        '/tenant/jwks': { body: { keys: [goodKey] } },
      }));
      const before = srv.requests.length;
      const { run, doc } = await discoverJson([`${srv.base}/tenant`]);
      assert.equal(run.code, 0, run.stdout);
      assert.deepEqual(srv.requests.slice(before, before + 2), [
        '/tenant/.well-known/openid-configuration',
        '/.well-known/oauth-authorization-server/tenant',
      ]);
      assert.equal(doc.source, 'oauth-authorization-server');
      assert.equal(doc.url, `${srv.base}/.well-known/oauth-authorization-server/tenant`);
      assert.equal(check(doc, 'discovery.subject_types_supported').status, 'skip');
      assert.match(
        run.stderr,
        /no OpenID configuration at .*\/tenant\/\.well-known\/openid-configuration; using the RFC 8414 metadata at/,
      );
      const human = await runCli(['discover', `${srv.base}/tenant`]);
      assert.match(
        human.stdout,
        /\(RFC 8414 authorization server metadata — .* had none, the RFC 8414 location answered\)/,
      );
    },
  );
});

describe('discover: bad input and network failures', () => {
  let srv: DocServer;
  before(async () => {
    srv = await startDocServer();
  });
  after(async () => {
    await srv?.close();
  });

  test('not a URL is a usage error, exit 2', async () => {
    assertOneError(await runCli(['discover', 'login.example.test']), 2, /issuer "login\.example\.test" is not a URL/);
    await assertJsonError(['login.example.test'], 2, 'bad_issuer');
  });

  test('an issuer with a query or fragment is a usage error, exit 2, nothing fetched', async () => {
    const before = srv.requests.length;
    assertOneError(
      await runCli(['discover', `${srv.base}/#tenant`]),
      2,
      /issuer ".*\/#tenant" has a query or fragment/,
    );
    assertOneError(await runCli(['discover', `${srv.base}/?tenant=a`]), 2, /has a query or fragment/);
    assert.equal(srv.requests.length, before);
  });

  test('a timeout of 0 seconds is a usage error, exit 2', async () => {
    assertOneError(
      await runCli(['discover', '--timeout', '0', srv.base]),
      2,
      /--timeout <seconds>' argument '0' is invalid/,
    );
  });

  test('--raw with --json contradict, exit 2', async () => {
    const doc = await assertJsonError(['--raw', srv.base], 2, 'contradictory_options');
    assert.match((doc.error as { message: string }).message, /^--raw and --json contradict each other/);
  });

  test('invalid JSON, exit 3 naming the URL', async () => {
    srv.setRoutes(() => ({
      '/.well-known/openid-configuration': { body: '{"issuer": ', headers: { 'content-type': 'application/json' } },
    }));
    assertOneError(
      await runCli(['discover', srv.base]),
      3,
      new RegExp(`discovery document at ${srv.base}/\\.well-known/openid-configuration is not JSON`),
    );
    await assertJsonError([srv.base], 3, 'invalid_json');
  });

  test('a JSON array, exit 3', async () => {
    srv.setRoutes(() => ({ '/.well-known/openid-configuration': { body: [{ issuer: 'x' }] } }));
    assertOneError(await runCli(['discover', srv.base]), 3, /openid-configuration is a JSON array, not an object/);
  });

  test('404 at both locations, exit 3 naming both URLs', async () => {
    srv.setRoutes(() => ({}));
    assertOneError(
      await runCli(['discover', srv.base]),
      3,
      new RegExp(
        `no metadata found: ${srv.base}/\\.well-known/openid-configuration answered HTTP 404, and ` +
          `the RFC 8414 location ${srv.base}/\\.well-known/oauth-authorization-server answered HTTP 404`,
      ),
    );
  });

  test('404 at a full well-known URL, exit 3 without a fallback', async () => {
    srv.setRoutes(() => ({}));
    const before = srv.requests.length;
    assertOneError(
      await runCli(['discover', `${srv.base}/.well-known/openid-configuration`]),
      3,
      /openid-configuration answered HTTP 404/,
    );
    assert.equal(srv.requests.length - before, 1);
  });

  test('500, exit 3 without trying the fallback', async () => {
    srv.setRoutes(() => ({
      '/.well-known/openid-configuration': { status: 500, body: 'boom', headers: { 'content-type': 'text/plain' } },
    }));
    const before = srv.requests.length;
    assertOneError(await runCli(['discover', srv.base]), 3, /openid-configuration answered HTTP 500/);
    assert.equal(srv.requests.length - before, 1);
  });

  test('a redirect is not followed: exit 3 naming where it points', async () => {
    srv.setRoutes((b) => ({
      '/.well-known/openid-configuration': { status: 302, headers: { location: `${b}/elsewhere` } },
    }));
    assertOneError(
      await runCli(['discover', srv.base]),
      3,
      new RegExp(`answered HTTP 302 \\(a redirect to ${srv.base}/elsewhere, not followed\\)`),
    );
  });

  test('a document over 1 MiB, exit 3', async () => {
    const huge = JSON.stringify({ ...metadataFor(srv.base), padding: 'x'.repeat(1024 * 1024) });
    srv.setRoutes(() => ({ '/.well-known/openid-configuration': { body: huge } }));
    assertOneError(
      await runCli(['discover', srv.base]),
      3,
      /openid-configuration is (\d+ bytes, )?over the 1048576-byte limit/,
    );
  });

  test('a slow server hits --timeout, exit 3', async () => {
    srv.setRoutes((b) => ({ '/.well-known/openid-configuration': { body: metadataFor(b), delayMs: 5000 } }));
    assertOneError(
      await runCli(['discover', '--timeout', '1', srv.base]),
      3,
      /could not fetch the discovery document at .*: no answer within 1 s/,
    );
  });

  test('connection refused, exit 3', async () => {
    // Port 9 (discard) has no listener here; a port freed by the test could be taken by another file's server.
    const port = 9;
    assertOneError(
      await runCli(['discover', `http://127.0.0.1:${port}`]),
      3,
      new RegExp(
        `could not fetch the discovery document at ` +
          `http://127\\.0\\.0\\.1:${port}/\\.well-known/openid-configuration: connection refused`,
      ),
    );
  });

  test('a TLS failure (a self-signed certificate), exit 3 naming the URL', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { certPem, keyPem } = makeCertifiedKey({
      cn: 'self-signed.example.test',
      notBefore: now - 86400,
      notAfter: now + 86400,
      kid: 'tls',
    });
    const tls = createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => {
      res.end('{}');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = tls.address() as { port: number };
      assertOneError(
        await runCli(['discover', `https://127.0.0.1:${port}`]),
        3,
        new RegExp(
          `could not fetch the discovery document at ` +
            `https://127\\.0\\.0\\.1:${port}/\\.well-known/openid-configuration: TLS failure`,
        ),
      );
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  test('a JWKS that is not JSON, exit 3; --json keeps the metadata and its checks as partial results', async () => {
    srv.setRoutes((b) => ({
      '/.well-known/openid-configuration': { body: metadataFor(b) },
      '/jwks': { body: '<html>', headers: { 'content-type': 'text/html' } },
    }));
    assertOneError(
      await runCli(['discover', srv.base]),
      3,
      new RegExp(`JWKS at ${srv.base}/jwks did not answer with JSON`),
    );
    const doc = await assertJsonError([srv.base], 3, 'invalid_json');
    assert.equal((doc.metadata as { issuer: string }).issuer, srv.base);
    assert.ok(Array.isArray(doc.checks));
    assert.equal(doc.valid, false);
  });

  test('a JWKS without a keys array, exit 3', async () => {
    srv.setRoutes((b) => ({
      '/.well-known/openid-configuration': { body: metadataFor(b) },
      '/jwks': { body: { key: [] } },
    }));
    assertOneError(
      await runCli(['discover', srv.base]),
      3,
      new RegExp(`the JWKS at ${srv.base}/jwks has no "keys" array`),
    );
  });
});
