// The provider's keys during a login: the JWKS is fetched and its keys imported while the user
// signs in, so a JWKS that cannot be had ends the login at once instead of after the sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { startCli } from '../../helpers/cli-session.js';

async function providerWithBrokenJwks(): Promise<{ issuer: string; server: Server }> {
  const server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

test('a JWKS that cannot be fetched ends the login while the user signs in: exit 3, listener closed', {
  timeout: 60_000,
}, async () => {
  const { issuer, server } = await providerWithBrokenJwks();
  try {
    // A listener timeout far beyond the test's: the run must not wait for the user to come back.
    const session = startCli(
      [
        'login',
        '--no-browser',
        '--json',
        '--issuer',
        issuer,
        '--client-id',
        'c',
        '--redirect-uri',
        'http://127.0.0.1:0/callback',
        '--timeout',
        '3600',
      ],
      { env: { OIDC_PROBE_CLIENT_SECRET: 'a-secret-for-this-test-only' } },
    );
    const url = await session.urlLine(`${issuer}/authorize`);
    assert.ok(url, session.stderr());
    const run = await session.done;
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, new RegExp(`JWKS at ${issuer}/jwks answered HTTP 503`));
    assert.equal(JSON.parse(run.stdout).error.exit, 3);
    const redirectUri = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
    assert.equal(await refused(Number(redirectUri.port)), true, 'the loopback listener is closed');
  } finally {
    server.close();
  }
});
