// The yardstick of bench/login.mjs: the sign-in a developer would write with openid-client v6 in a
// few lines, doing what `oidc-probe login` does on the wire: discovery, a loopback listener on
// 127.0.0.1 (any port), the authorization request with state, nonce and PKCE, the code redeemed with
// client_secret_basic, the ID token checked and its signature verified against the JWKS (openid-client
// skips the signature of a token-endpoint ID token unless asked: enableNonRepudiationChecks), then
// userinfo. Prints the authorization URL on stderr and the result as JSON on stdout.
// Usage: node bench/openid-client-login.mjs ISSUER CLIENT_ID   (secret in OIDC_PROBE_CLIENT_SECRET)
import { createServer } from 'node:http';
import * as client from 'openid-client';

const [issuer, clientId] = process.argv.slice(2);
const secret = process.env.OIDC_PROBE_CLIENT_SECRET;
const options = issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined;
const config = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(secret), options);
client.enableNonRepudiationChecks(config);

const codeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const redirectUri = `http://127.0.0.1:${server.address().port}/callback`;
const callbackUrl = new Promise((resolve) =>
  server.on('request', (req, res) => {
    const url = new URL(req.url, redirectUri);
    if (url.pathname !== '/callback') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('Signed in; you can close this tab.');
    resolve(url);
  }),
);
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email',
  state,
  nonce,
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
});
process.stderr.write(`Open this URL to sign in:\n  ${authorizationUrl.href}\n`);

const currentUrl = await callbackUrl;
server.close();
const tokens = await client.authorizationCodeGrant(config, currentUrl, {
  pkceCodeVerifier: codeVerifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
process.stdout.write(`${JSON.stringify({ valid: true, tokens, id_token: claims, userinfo }, null, 2)}\n`);
