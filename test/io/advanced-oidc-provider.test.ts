// Issue 14 end to end at the protocol + I/O level, against a real oidc-provider on 127.0.0.1:
// pushed requests, request objects (signed, encrypted), JARM, DPoP with nonces, RAR and encrypted
// ID tokens and userinfo. The user's browser step is the demo's form-filling user agent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { signInThroughForms } from '../../demo/http-user-agent.js';
import { ProviderError } from '../../src/errors.js';
import { createDpopSession, withDpop } from '../../src/io/dpop-client.js';
import { pushAuthorizationRequest } from '../../src/io/par.js';
import { fetchDiscovery } from '../../src/io/discovery.js';
import { createHttpClient, type HttpClient } from '../../src/io/http.js';
import { fetchJwks } from '../../src/io/jwks.js';
import { remoteJwksSource } from '../../src/io/keys.js';
import { requestTokens } from '../../src/io/token-endpoint.js';
import { fetchUserinfo } from '../../src/io/userinfo.js';
import {
  buildAuthorizationUrl,
  checkIssParameter,
  checkState,
  randomValue,
} from '../../src/protocol/authorization-request.js';
import {
  authorizationDetailsParameter,
  compareAuthorizationDetails,
  grantedAuthorizationDetails,
  parseAuthorizationDetails,
} from '../../src/protocol/authorization-details.js';
import { clientAuthentication } from '../../src/protocol/client-assertion.js';
import { clientAuthParts } from '../../src/protocol/client-auth.js';
import {
  checkAccessTokenDpopBinding,
  checkDpopTokenType,
  generateDpopKey,
  type DpopKey,
} from '../../src/protocol/dpop.js';
import { ProtocolInputError } from '../../src/protocol/input-error.js';
import { jarmResponseParameter, validateJarmResponse } from '../../src/protocol/jarm.js';
import { validateEncryptedJwt, type DecryptionKey } from '../../src/protocol/jwe.js';
import type { KeySource } from '../../src/protocol/jws-signature.js';
import { parAuthorizationUrl, parEndpoint, parRequired } from '../../src/protocol/par.js';
import {
  encryptRequestObject,
  requestObjectAuthorizationUrl,
  requestObjectClaims,
  requestObjectEncryptionTarget,
  requestObjectRequired,
  signRequestObject,
} from '../../src/protocol/request-object.js';
import { parseResponseType } from '../../src/protocol/response-type.js';
import { SAMPLE_RAR_TYPE, startOidcProvider, type RunningOidcProvider } from '../providers/oidc-provider.js';

const SECRET = 'advanced-test-secret-for-loopback-only';
const RESOURCE = 'https://api.example.test/';
const REDIRECT = ['http://127.0.0.1/callback'];

let op: RunningOidcProvider;
let strictOp: RunningOidcProvider;
let callback: Server;
let redirectUri: string;
let http: HttpClient;
let metadata: Record<string, unknown>;
let opKeys: KeySource;
let jarKey: JWK;
let clientEnc: { privateJwk: JWK; publicJwk: JWK };

const confidential = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_secret: SECRET,
  application_type: 'native',
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: REDIRECT,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...extra,
});

before(async () => {
  const jar = await generateKeyPair('ES256', { extractable: true });
  jarKey = { ...(await exportJWK(jar.privateKey)), kid: 'jar-client-key' };
  const enc = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  clientEnc = {
    privateJwk: { ...(await exportJWK(enc.privateKey)), kid: 'client-enc' },
    publicJwk: { ...(await exportJWK(enc.publicKey)), kid: 'client-enc', use: 'enc', alg: 'RSA-OAEP-256' },
  };
  const jarPublic = { ...(await exportJWK(jar.publicKey)), kid: 'jar-client-key', use: 'sig' };
  op = await startOidcProvider({
    clients: [
      confidential('par-client'),
      confidential('jarm-client'),
      confidential('jarm-enc-client', {
        authorization_encrypted_response_alg: 'RSA-OAEP-256',
        authorization_encrypted_response_enc: 'A128CBC-HS256',
        jwks: { keys: [clientEnc.publicJwk] },
      }),
      confidential('jar-client', {
        client_secret: undefined,
        token_endpoint_auth_method: 'private_key_jwt',
        request_object_signing_alg: 'ES256',
        jwks: { keys: [jarPublic] },
      }),
      confidential('enc-client', {
        id_token_encrypted_response_alg: 'RSA-OAEP-256',
        id_token_encrypted_response_enc: 'A256GCM',
        userinfo_signed_response_alg: 'RS256',
        userinfo_encrypted_response_alg: 'RSA-OAEP-256',
        userinfo_encrypted_response_enc: 'A256GCM',
        jwks: { keys: [clientEnc.publicJwk] },
      }),
      confidential('dpop-client', { grant_types: ['authorization_code', 'client_credentials'] }),
      confidential('rar-client', {
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        authorization_details_types: [SAMPLE_RAR_TYPE],
      }),
    ],
    features: { clientCredentials: { enabled: true } },
    configuration: { scopes: ['openid', 'profile', 'api:read'] },
    advanced: {
      jarm: true,
      requestObjects: true,
      dpopNonce: true,
      jwtResourceServer: RESOURCE,
      richAuthorizationRequests: true,
      encryption: true,
    },
  });
  strictOp = await startOidcProvider({
    clients: [confidential('par-client')],
    advanced: { requirePar: true, requestObjects: 'required' },
  });
  callback = createServer((_req, res) => res.end('the client has its answer'));
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  http = createHttpClient();
  metadata = (await fetchDiscovery(http, op.issuer)).metadata;
  opKeys = await remoteJwksSource(http, metadata.jwks_uri as string);
});
after(async () => {
  await op?.close();
  await strictOp?.close();
  await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
});

const endpoint = (name: string) => metadata[name] as string;
const basic = (clientId: string) =>
  clientAuthParts('client_secret_basic', { clientId, clientSecret: clientId === 'jar-client' ? undefined : SECRET });

interface Run {
  state: string;
  nonce: string;
  verifier: string;
  params: Record<string, string>;
}

/** The authorization request parameters of a code flow, as a plain record. */
function codeRequest(clientId: string, extra: Record<string, string> = {}): Run {
  const state = randomValue();
  const nonce = randomValue();
  const verifier = randomValue();
  const url = buildAuthorizationUrl({
    authorizationEndpoint: endpoint('authorization_endpoint'),
    clientId,
    redirectUri,
    responseType: parseResponseType('code'),
    scope: 'openid profile',
    state,
    nonce,
    codeVerifier: verifier,
    extra,
  });
  return { state, nonce, verifier, params: Object.fromEntries(url.searchParams) };
}

/** Sign in as alice and return the parameters the redirect carried (query, or fragment). */
async function signIn(url: string): Promise<Record<string, string>> {
  const { finalUrl } = await signInThroughForms(url, 'alice');
  const u = new URL(finalUrl);
  assert.equal(`${u.origin}${u.pathname}`, redirectUri, `the provider did not come back to the client: ${finalUrl}`);
  return Object.fromEntries(new URLSearchParams(u.hash.length > 1 ? u.hash.slice(1) : u.search));
}

async function redeem(clientId: string, code: string, run: Run, client: HttpClient = http) {
  return requestTokens(client, {
    endpoint: endpoint('token_endpoint'),
    auth: basic(clientId),
    params: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: run.verifier },
  });
}

test('PAR: the push is checked, the browser carries only client_id + request_uri, the code redeems', async () => {
  const run = codeRequest('par-client');
  const pushed = await pushAuthorizationRequest(http, {
    endpoint: parEndpoint(metadata)!,
    params: run.params,
    auth: basic('par-client'),
  });
  assert.deepEqual(
    pushed.checks.map((c) => [c.id, c.status]),
    [
      ['par.status', 'pass'],
      ['par.request_uri', 'pass'],
      ['par.expires_in', 'pass'],
    ],
  );
  const url = parAuthorizationUrl(endpoint('authorization_endpoint'), 'par-client', pushed.requestUri!);
  assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
  const answer = await signIn(url.href);
  assert.equal(checkState(answer, run.state).status, 'pass', 'the state sent in the pushed request came back');
  const { tokens } = await redeem('par-client', answer.code!, run);
  assert.equal(typeof tokens.id_token, 'string');
});

test('PAR: an error answer from the endpoint is the provider speaking (exit 4)', async () => {
  const run = codeRequest('par-client');
  await assert.rejects(
    pushAuthorizationRequest(http, {
      endpoint: parEndpoint(metadata)!,
      params: run.params,
      auth: clientAuthParts('client_secret_basic', { clientId: 'par-client', clientSecret: 'wrong' }),
    }),
    (err: unknown) => err instanceof ProviderError && err.error === 'invalid_client' && err.exit === 4,
  );
});

test('discovery says when PAR and signed request objects are required', async () => {
  const strict = (await fetchDiscovery(http, strictOp.issuer)).metadata;
  assert.equal(parRequired(strict), true);
  assert.equal(requestObjectRequired(strict), true);
  assert.equal(parRequired(metadata), false);
  assert.equal(requestObjectRequired(metadata), false);
});

test('JAR by value: a request object signed with the private_key_jwt key is honoured', async () => {
  const run = codeRequest('jar-client');
  const request = await signRequestObject(
    requestObjectClaims(run.params, { clientId: 'jar-client', issuer: op.issuer }),
    { kind: 'private_key', jwk: jarKey },
  );
  const url = requestObjectAuthorizationUrl(endpoint('authorization_endpoint'), {
    clientId: 'jar-client',
    request,
    responseType: 'code',
    scope: 'openid profile',
  });
  const answer = await signIn(url.href);
  assert.equal(answer.error, undefined, JSON.stringify(answer));
  assert.equal(checkState(answer, run.state).status, 'pass');
});

test('JAR: a request object signed with another key is refused by the provider', async () => {
  const run = codeRequest('jar-client');
  const stranger = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
  const request = await signRequestObject(
    requestObjectClaims(run.params, { clientId: 'jar-client', issuer: op.issuer }),
    { kind: 'private_key', jwk: { ...stranger, kid: 'jar-client-key' } },
  );
  const url = requestObjectAuthorizationUrl(endpoint('authorization_endpoint'), { clientId: 'jar-client', request });
  // The outer request names no redirect_uri, so the error goes to the registered one (no port).
  const res = await fetch(url, { redirect: 'manual' });
  const location = new URL(res.headers.get('location')!);
  assert.equal(location.searchParams.get('error'), 'invalid_request_object');
});

test('JAR pushed and encrypted to the provider key (RFC 9101 §6.1 + RFC 9126 §3), with private_key_jwt', async () => {
  const run = codeRequest('jar-client');
  const signed = await signRequestObject(
    requestObjectClaims(run.params, { clientId: 'jar-client', issuer: op.issuer }),
    { kind: 'private_key', jwk: jarKey },
  );
  const target = requestObjectEncryptionTarget(await fetchJwks(http, metadata.jwks_uri as string), metadata);
  assert.equal(target.jwk.use, 'enc');
  const request = await encryptRequestObject(signed, target);
  assert.equal(request.split('.').length, 5);
  const pushed = await pushAuthorizationRequest(http, {
    endpoint: parEndpoint(metadata)!,
    params: { client_id: 'jar-client', request },
    auth: await clientAuthentication(
      'private_key_jwt',
      { clientId: 'jar-client' },
      {
        audience: op.issuer,
        privateKey: jarKey,
      },
    ),
  });
  assert.ok(pushed.requestUri);
  const answer = await signIn(
    parAuthorizationUrl(endpoint('authorization_endpoint'), 'jar-client', pushed.requestUri).href,
  );
  assert.equal(checkState(answer, run.state).status, 'pass');
});

test('JARM: response_mode jwt comes back on the query as a signed JWT whose rows all pass', async () => {
  const run = codeRequest('jarm-client', { response_mode: 'jwt' });
  const answer = await signIn(buildUrl(run.params));
  const response = jarmResponseParameter(answer, 'jwt');
  assert.equal(typeof response, 'string', JSON.stringify(answer));
  const v = await validateJarmResponse(response as string, {
    issuer: op.issuer,
    clientId: 'jarm-client',
    keys: opKeys,
  });
  assert.equal(v.valid, true, JSON.stringify(v.checks.filter((c) => c.status !== 'pass')));
  for (const id of ['jarm.signature', 'jarm.iss', 'jarm.aud', 'jarm.exp'])
    assert.equal(v.checks.find((c) => c.id === id)?.status, 'pass', id);
  assert.equal(checkState(v.params, run.state).status, 'pass');
  assert.equal(checkIssParameter(v.params, op.issuer, true).status, 'pass');
  const { tokens } = await redeem('jarm-client', v.params.code!, run);
  assert.equal(typeof tokens.access_token, 'string');
});

test('JARM: fragment.jwt arrives in the fragment; checked against the wrong client it fails jarm.aud', async () => {
  const run = codeRequest('jarm-client', { response_mode: 'fragment.jwt' });
  const answer = await signIn(buildUrl(run.params));
  const v = await validateJarmResponse(answer.response!, { issuer: op.issuer, clientId: 'someone-else', keys: opKeys });
  assert.equal(v.checks.find((c) => c.id === 'jarm.aud')?.status, 'fail');
  assert.equal(v.valid, false);
});

test('JARM: an encrypted response is decrypted with the client key, then verified', async () => {
  const run = codeRequest('jarm-enc-client', { response_mode: 'query.jwt' });
  const answer = await signIn(buildUrl(run.params));
  assert.equal(answer.response!.split('.').length, 5, 'a JWE');
  const v = await validateJarmResponse(answer.response!, {
    issuer: op.issuer,
    clientId: 'jarm-enc-client',
    keys: opKeys,
    decryptionKeys: [{ jwk: clientEnc.privateJwk, origin: 'client-enc.json' }],
  });
  assert.equal(v.encrypted, true);
  assert.equal(v.valid, true, JSON.stringify(v.checks.filter((c) => c.status !== 'pass')));
  assert.equal(checkState(v.params, run.state).status, 'pass');
});

function buildUrl(params: Record<string, string>): string {
  const url = new URL(endpoint('authorization_endpoint'));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

async function dpopClientCredentials(key: DpopKey, extra: Record<string, string> = {}) {
  const session = createDpopSession(key);
  const result = await requestTokens(withDpop(http, session), {
    endpoint: endpoint('token_endpoint'),
    auth: basic('dpop-client'),
    params: { grant_type: 'client_credentials', resource: RESOURCE, scope: 'api:read', ...extra },
  });
  return { ...result, session };
}

test('DPoP: client_credentials answers the nonce challenge and gets a token bound to our key', async () => {
  const key = await generateDpopKey();
  const { tokens, session } = await dpopClientCredentials(key);
  assert.equal(session.retries, 1, 'the provider requires a nonce: one challenge, one retry');
  assert.equal(checkDpopTokenType(tokens.token_type).status, 'pass');
  const binding = checkAccessTokenDpopBinding(tokens.access_token!, key.thumbprint);
  assert.equal(binding.status, 'pass', binding.message);
  const other = await generateDpopKey();
  assert.equal(checkAccessTokenDpopBinding(tokens.access_token!, other.thumbprint).status, 'fail');
});

test('DPoP: without a proof the provider issues Bearer, and dpop.token_type says so', async () => {
  const { tokens } = await requestTokens(http, {
    endpoint: endpoint('token_endpoint'),
    auth: basic('dpop-client'),
    params: { grant_type: 'client_credentials', resource: RESOURCE, scope: 'api:read' },
  });
  assert.equal(checkDpopTokenType(tokens.token_type).status, 'fail');
});

test('DPoP: a code bound by dpop_jkt redeems only with that key; userinfo answers its nonce challenge', async () => {
  const key = await generateDpopKey();
  const run = codeRequest('dpop-client', { dpop_jkt: key.thumbprint });
  const answer = await signIn(buildUrl(run.params));
  // Another key cannot redeem the bound code (RFC 9449 §10).
  const thief = withDpop(http, createDpopSession(await generateDpopKey()));
  await assert.rejects(redeem('dpop-client', answer.code!, run, thief), (err: unknown) => {
    return err instanceof ProviderError && err.error === 'invalid_grant';
  });
  const run2 = codeRequest('dpop-client', { dpop_jkt: key.thumbprint });
  const answer2 = await signIn(buildUrl(run2.params));
  const session = createDpopSession(key);
  const { tokens } = await redeem('dpop-client', answer2.code!, run2, withDpop(http, session));
  assert.equal(checkDpopTokenType(tokens.token_type).status, 'pass');
  // A fresh session knows no nonce yet: the userinfo endpoint challenges (§9) and the retry succeeds.
  const rs = createDpopSession(key);
  const ui = await fetchUserinfo(withDpop(http, rs), endpoint('userinfo_endpoint'), tokens.access_token!, 'DPoP');
  assert.equal(ui.claims.sub, 'alice');
  assert.equal(rs.retries, 1);
});

test('RAR: the granted authorization_details are set beside what was asked', async () => {
  const asked = parseAuthorizationDetails(
    JSON.stringify([{ type: SAMPLE_RAR_TYPE, instructedAmount: { currency: 'EUR', amount: '123.50' } }]),
    '--authorization-details',
  );
  const { tokens } = await requestTokens(http, {
    endpoint: endpoint('token_endpoint'),
    auth: basic('rar-client'),
    params: {
      grant_type: 'client_credentials',
      resource: RESOURCE,
      authorization_details: authorizationDetailsParameter(asked),
    },
  });
  const rows = compareAuthorizationDetails(asked, grantedAuthorizationDetails(tokens.raw));
  assert.deepEqual(
    rows.map((r) => [r.type, r.status]),
    [[SAMPLE_RAR_TYPE, 'granted']],
  );
});

test('RAR: a type the provider does not know is its error (exit 4)', async () => {
  await assert.rejects(
    requestTokens(http, {
      endpoint: endpoint('token_endpoint'),
      auth: basic('rar-client'),
      params: {
        grant_type: 'client_credentials',
        resource: RESOURCE,
        authorization_details: JSON.stringify([{ type: 'tax_return' }]),
      },
    }),
    (err: unknown) => err instanceof ProviderError && err.error === 'invalid_authorization_details',
  );
});

test('JWE: an encrypted ID token and an encrypted signed userinfo are decrypted, then verified', async () => {
  const run = codeRequest('enc-client');
  const answer = await signIn(buildUrl(run.params));
  const { tokens } = await redeem('enc-client', answer.code!, run);
  assert.equal(tokens.id_token!.split('.').length, 5, 'the provider encrypted the ID token');
  const keys: DecryptionKey[] = [{ jwk: clientEnc.privateJwk, origin: 'client-enc.json' }];
  const idToken = await validateEncryptedJwt(tokens.id_token!, keys, opKeys, {
    issuer: op.issuer,
    audience: ['enc-client'],
    clientId: 'enc-client',
    nonce: run.nonce,
    type: 'id_token',
    accessToken: tokens.access_token,
  });
  assert.equal(idToken.valid, true, JSON.stringify(idToken.checks.filter((c) => c.status === 'fail')));
  for (const id of ['jwe.alg', 'jwe.decrypt', 'signature', 'iss', 'aud', 'nonce'])
    assert.equal(idToken.checks.find((c) => c.id === id)?.status, 'pass', id);
  assert.equal(idToken.payload.sub, 'alice');

  const ui = await fetchUserinfo(http, endpoint('userinfo_endpoint'), tokens.access_token!);
  assert.equal(ui.format, 'jwt');
  const userinfo = await validateEncryptedJwt(ui.jwt!, keys, opKeys, { issuer: op.issuer, audience: ['enc-client'] });
  assert.equal(userinfo.valid, true, JSON.stringify(userinfo.checks.filter((c) => c.status === 'fail')));
  assert.equal(userinfo.payload.sub, 'alice');
});

test('JWE: a decryption key that does not fit the provider’s alg is bad input, not a failed check', async () => {
  const run = codeRequest('enc-client');
  const answer = await signIn(buildUrl(run.params));
  const { tokens } = await redeem('enc-client', answer.code!, run);
  const ec = await exportJWK((await generateKeyPair('ECDH-ES', { extractable: true })).privateKey);
  await assert.rejects(
    validateEncryptedJwt(tokens.id_token!, [{ jwk: ec, origin: 'ec.jwk' }], opKeys, {}),
    (err: unknown) => err instanceof ProtocolInputError && /alg RSA-OAEP-256/.test(err.message),
  );
});
