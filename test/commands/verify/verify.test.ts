import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runCli, ANSI } from '../../helpers/cli.js';
import { makeKey, mintIdToken, type TestKey } from '../../helpers/tokens.js';

// Published vectors: RFC 7515 Appendix A.1 (HS256) and RFC 7520 §4.1 (RS256), §4.3 (ES512), §4.4 (HS256).
const RFC7515_A1 = {
  jws:
    'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogI' +
    'mh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  key: { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' },
};
const RFC7520_PAYLOAD =
  'SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb2' +
  '50byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcg' +
  'd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4';
const RFC7520 = {
  rs256: {
    jws:
      `eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.` +
      `${RFC7520_PAYLOAD}.MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2` +
      `U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD` +
      `68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUA` +
      `hb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquD` +
      `g`,
    jwks: {
      keys: [
        {
          kty: 'RSA',
          kid: 'bilbo.baggins@hobbiton.example',
          use: 'sig',
          e: 'AQAB',
          n:
            'n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJ' +
            'mSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tp' +
            'e-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vn' +
            'iUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw',
        },
      ],
    },
  },
  es512: {
    jws:
      `eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.` +
      `${RFC7520_PAYLOAD}.AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KR` +
      `TzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8O` +
      `cGDqoRuBomu9xQ2`,
    jwks: {
      keys: [
        {
          kty: 'EC',
          kid: 'bilbo.baggins@hobbiton.example',
          use: 'sig',
          crv: 'P-521',
          x: 'AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt',
          y: 'AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1',
        },
      ],
    },
  },
  hs256: {
    jws:
      `eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9.` +
      `${RFC7520_PAYLOAD}.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0`,
    key: {
      kty: 'oct',
      kid: '018c0ae5-4d9b-471b-bfd6-eef314bc7037',
      use: 'sig',
      alg: 'HS256',
      k: 'hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg',
    },
  },
};

let dir: string;
let rsa: TestKey;
let rotated: TestKey;
let server: Server;
let base: string;
let jwksHits = 0;

async function file(name: string, content: string | object): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oidc-probe-verify-'));
  rsa = await makeKey('RS256', 'k1');
  rotated = await makeKey('RS256', 'k2');
  // A real JWKS server on loopback: the first answer lacks the rotated key, later ones have it.
  server = createServer((req, res) => {
    if (req.url === '/jwks') {
      jwksHits++;
      const keys = jwksHits === 1 ? [rsa.publicJwk] : [rsa.publicJwk, rotated.publicJwk];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    } else if (req.url === '/.well-known/openid-configuration') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer: base, jwks_uri: `${base}/static-jwks` }));
    } else if (req.url === '/static-jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [rsa.publicJwk] }));
    } else if (req.url === '/not-json') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>');
    } else if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('{}'), 4000).unref();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

test('verifies the RFC 7515 A.1 example (HS256, JWK file); its 2011 exp fails the exp check only', async () => {
  const r = await runCli(['verify', RFC7515_A1.jws, '--key', await file('a1.jwk', RFC7515_A1.key), '--json']);
  const doc = JSON.parse(r.stdout);
  assert.equal(r.code, 1);
  assert.equal(doc.checks.find((c: { id: string }) => c.id === 'signature').status, 'pass');
  assert.deepEqual(
    doc.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id),
    ['exp'],
  );
  assert.equal(doc.payload.iss, 'joe');
});

for (const [name, v] of Object.entries(RFC7520)) {
  test(`verifies the RFC 7520 §4 ${name} example (non-JSON payload: signature only)`, async () => {
    const keyArgs =
      'jwks' in v ? ['--jwks', await file(`${name}.jwks`, v.jwks)] : ['--key', await file(`${name}.jwk`, v.key)];
    const r = await runCli(['verify', v.jws, ...keyArgs, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.valid, true);
    assert.equal(doc.checks.find((c: { id: string }) => c.id === 'signature').status, 'pass');
    assert.match(doc.payload, /dangerous business, Frodo/);
  });
}

test('a tampered RFC 7520 signature fails with exit 1 and still prints the decoded token', async () => {
  // Change a character in the middle of the signature (the last one carries padding bits).
  const at = RFC7520.rs256.jws.length - 40;
  const bad =
    RFC7520.rs256.jws.slice(0, at) + (RFC7520.rs256.jws[at] === 'A' ? 'B' : 'A') + RFC7520.rs256.jws.slice(at + 1);
  const r = await runCli(['verify', bad, '--jwks', await file('rs.jwks', RFC7520.rs256.jwks)]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /signature\s+│?\s*FAIL/);
  assert.match(r.stdout, /dangerous business/);
});

test('verifies an ID token against a JWKS URL served on 127.0.0.1 with every ID token rule', async () => {
  const token = await mintIdToken(rsa, { issuer: 'https://op.test' });
  const r = await runCli([
    'verify',
    token,
    '--jwks',
    `${base}/static-jwks`,
    '--issuer',
    'https://op.test',
    '--audience',
    'client-1',
    '--nonce',
    'nonce-1',
    '--type',
    'id_token',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.valid, true);
  assert.deepEqual(Object.keys(doc).sort(), ['checks', 'header', 'payload', 'valid']);
});

test('an unknown kid makes verify fetch the remote JWKS once more (key rotation) and pass', async () => {
  jwksHits = 0;
  const token = await mintIdToken(rotated);
  const r = await runCli(['verify', token, '--jwks', `${base}/jwks`, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(jwksHits, 2);
  const kid = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'kid');
  assert.match(kid.message, /rotation/);
});

test('--issuer alone finds the keys through discovery', async () => {
  const token = await mintIdToken(rsa, { issuer: base });
  const r = await runCli(['verify', token, '--issuer', base, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'iss').status, 'pass');
});

test('a failed claim check exits 1, prints the claims table, and stdout has no ANSI when piped', async () => {
  const token = await mintIdToken(rsa, { claims: { aud: 'someone-else' } });
  const r = await runCli([
    'verify',
    token,
    '--jwks',
    await file('k.jwks', { keys: [rsa.publicJwk] }),
    '--audience',
    'client-1',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /aud\s.*FAIL/);
  assert.match(r.stdout, /alice/);
  assert.doesNotMatch(r.stdout, ANSI);
  assert.equal(r.stderr, '');
});

test('reads the token from stdin and strips a Bearer prefix', async () => {
  const token = await mintIdToken(rsa);
  const r = await runCli(['verify', '--jwks', await file('k2.jwks', { keys: [rsa.publicJwk] }), '--json'], {
    input: `Bearer ${token}\n`,
  });
  assert.equal(r.code, 0, r.stderr);
});

test('a PEM public key file works as a key source', async () => {
  const { createPublicKey } = await import('node:crypto');
  const pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  }) as string;
  const r = await runCli(['verify', await mintIdToken(rsa), '--key', await file('k.pem', pem), '--json']);
  assert.equal(r.code, 0, r.stderr);
});

test('alg none is refused with exit 1', async () => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const r = await runCli([
    'verify',
    `${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.`,
    '--jwks',
    await file('n.jwks', { keys: [rsa.publicJwk] }),
    '--json',
  ]);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'alg').status, 'fail');
});

const badInputs: Array<[string, () => Promise<string[]>, number, RegExp]> = [
  ['empty input', async () => ['verify', '', '--secret', 'x'], 2, /empty/],
  [
    'a 3-part string with bad base64url',
    async () => ['verify', 'eyJhbGciOiJIUzI1NiJ9.ab+c.sig', '--secret', 'x'],
    2,
    /segment 2.*"\+" at position 3/,
  ],
  [
    'an unreadable key file',
    async () => ['verify', await mintIdToken(rsa), '--key', join(dir, 'missing.pem')],
    2,
    /cannot read --key .*no such file/,
  ],
  [
    'a JWKS URL that refuses connections',
    async () => ['verify', await mintIdToken(rsa), '--jwks', 'http://127.0.0.1:9/jwks'],
    3,
    /connection refused/,
  ],
  [
    'a JWKS URL that times out',
    async () => ['verify', await mintIdToken(rsa), '--jwks', `${base}/slow`, '--timeout', '1'],
    3,
    /no answer within 1 s/,
  ],
  [
    'a JWKS that is not JSON',
    async () => ['verify', await mintIdToken(rsa), '--jwks', `${base}/not-json`],
    3,
    /did not answer with JSON/,
  ],
  [
    'an unsupported --alg',
    async () => ['verify', await mintIdToken(rsa), '--secret', 'x', '--alg', 'XS999'],
    2,
    /--alg XS999 is not supported/,
  ],
  [
    'two key sources at once',
    async () => ['verify', await mintIdToken(rsa), '--secret', 'x', '--jwks', 'f'],
    2,
    /give one key source/,
  ],
  ['no key source', async () => ['verify', await mintIdToken(rsa)], 2, /no key to verify with/],
  [
    'a JWE',
    async () => ['verify', 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.aaaa.bbbb.cccc.dddd', '--secret', 'x'],
    2,
    /JWE/,
  ],
];
for (const [name, args, code, message] of badInputs) {
  test(`bad input: ${name} → exit ${code}, one sentence on stderr, no stack trace`, async () => {
    const r = await runCli(await args());
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stdout, '');
  });
}

test('a bad input with --json prints one JSON error document with the exit code', async () => {
  const r = await runCli(['verify', 'not-a-jwt', '--secret', 'x', '--json']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.error.exit, 2);
  assert.equal(doc.error.code, 'not_a_jwt');
});

test('an unreadable (permission denied) secret file is a usage error', {
  skip: process.getuid?.() === 0 ? 'root reads every file' : false,
}, async () => {
  const p = await file('secret', 'x');
  await chmod(p, 0o000);
  const r = await runCli(['verify', await mintIdToken(rsa), '--secret-file', p]);
  assert.equal(r.code, 2);
});

test('verify: an untrusted audience warns, fails with --strict-audience, passes with --trusted-audience', async () => {
  const token = await mintIdToken(rsa, { claims: { aud: ['client-1', 'api'], azp: 'client-1' } });
  const jwks = await file('aud.jwks', { keys: [rsa.publicJwk] });
  const args = ['verify', token, '--jwks', jwks, '--audience', 'client-1', '--json'];
  const aud = (stdout: string) => JSON.parse(stdout).checks.find((c: { id: string }) => c.id === 'aud').status;
  const lenient = await runCli(args);
  assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
  assert.equal(aud(lenient.stdout), 'warn');
  const strict = await runCli([...args, '--strict-audience']);
  assert.equal(strict.code, 1, strict.stdout + strict.stderr);
  assert.equal(aud(strict.stdout), 'fail');
  const trusted = await runCli([...args, '--strict-audience', '--trusted-audience', 'api']);
  assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
  assert.equal(aud(trusted.stdout), 'pass');
});
