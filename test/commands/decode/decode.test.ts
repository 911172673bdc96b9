// `oidc-probe decode` run as a user runs it: the built binary, real stdin/stdout/stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactEncrypt, CompactSign, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ANSI, BIN, runCli, type CliRun } from '../../helpers/cli.js';
import { loadsOf } from '../../helpers/loads.js';
import { RFC7515_A1 } from '../../helpers/vectors.js';
import stringWidth from 'string-width';

const keys = generateKeyPair('ES256');
const now = () => Math.floor(Date.now() / 1000);
const b64 = (s: string) => Buffer.from(s).toString('base64url');

async function idToken(): Promise<string> {
  return new SignJWT({ sub: 'alice', aud: 'client-1', nonce: 'n-1', cnf: { jkt: 'thumbprint-1' } })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' })
    .setIssuer('https://op.test')
    .setIssuedAt(now() - 3 * 3600)
    .setExpirationTime(now() + 3600)
    .sign((await keys).privateKey);
}

interface DecodeJson {
  format: string;
  header: Record<string, unknown>;
  payload?: Record<string, unknown> | null;
  payload_text?: string;
  kind: { id: string; confidence: string; evidence: string[] };
  signature_verified: boolean;
  times?: Record<string, string>;
  note?: string;
}

function assertDecodedIdToken(r: CliRun): void {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /signature not verified/);
  assert.match(r.stdout, /looks like: OpenID Connect ID token/);
  assert.match(r.stdout, /sub\s*│\s*alice\s*│\s*subject/);
  assert.match(r.stdout, /expiration time/);
  assert.match(r.stdout, /in (1 h|59 min|60 min)\b/);
  assert.match(r.stdout, /3 h ago/);
  assert.doesNotMatch(r.stdout, ANSI);
}

test('decodes a token given as an argument: tables on stdout, nothing on stderr, no ANSI in a pipe', async () => {
  assertDecodedIdToken(await runCli(['decode', await idToken()]));
});

test('reads the token from stdin when it is omitted or "-"', async () => {
  const jwt = await idToken();
  assertDecodedIdToken(await runCli(['decode'], { input: `${jwt}\n` }));
  assertDecodedIdToken(await runCli(['decode', '-'], { input: jwt }));
});

test('strips a Bearer prefix and surrounding whitespace, in the argument and on stdin', async () => {
  const jwt = await idToken();
  assertDecodedIdToken(await runCli(['decode', `Bearer ${jwt}`]));
  assertDecodedIdToken(await runCli(['decode'], { input: `  Bearer ${jwt}\r\n\n` }));
});

test('--json prints one document with header, raw claims, kind and signature_verified false', async () => {
  const jwt = await idToken();
  const r = await runCli(['decode', '--json', jwt]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout) as DecodeJson;
  assert.equal(doc.format, 'JWS');
  assert.deepEqual(doc.header, { alg: 'ES256', kid: 'k1', typ: 'JWT' });
  assert.equal(doc.payload?.sub, 'alice');
  assert.equal(typeof doc.payload?.exp, 'number');
  assert.equal(doc.times?.exp, new Date((doc.payload!.exp as number) * 1000).toISOString().replace('.000', ''));
  assert.equal(doc.kind.id, 'id_token');
  assert.ok(doc.kind.evidence.length > 0);
  assert.equal(doc.signature_verified, false);
});

test('the RFC 7515 Appendix A.1 example decodes to its published header and claims', async () => {
  const r = await runCli(['decode', '--json', RFC7515_A1.jws]);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout) as DecodeJson;
  assert.deepEqual(doc.header, RFC7515_A1.header);
  assert.deepEqual(doc.payload, RFC7515_A1.claims);
  assert.deepEqual(doc.times, { exp: '2011-03-22T18:43:00Z' });
});

test('a JWE shows its protected header and says the payload needs the recipient key', async () => {
  const { publicKey } = await generateKeyPair('ECDH-ES+A256KW');
  const jwe = await new CompactEncrypt(new TextEncoder().encode(await idToken()))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' })
    .encrypt(publicKey);
  const human = await runCli(['decode', jwe]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /JWE protected header/);
  assert.match(human.stdout, /epk/);
  assert.match(human.stdout, /recipient's private key/);
  assert.doesNotMatch(human.stdout, /alice/);
  const json = JSON.parse((await runCli(['decode', '--json', jwe])).stdout) as DecodeJson;
  assert.equal(json.format, 'JWE');
  assert.equal(json.header.kid, 'enc-1');
  assert.equal('payload' in json, false);
  assert.equal(json.signature_verified, false);
});

test('a JWS with a cty and a non-JSON payload shows the text and exits 0', async () => {
  const jws = await new CompactSign(new TextEncoder().encode('plain words'))
    .setProtectedHeader({ alg: 'ES256', cty: 'text/plain' })
    .sign((await keys).privateKey);
  const r = await runCli(['decode', jws]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^plain words$/m);
  const doc = JSON.parse((await runCli(['decode', '--json', jws])).stdout) as DecodeJson;
  assert.equal(doc.payload, null);
  assert.equal(doc.payload_text, 'plain words');
});

test('a nested JWT (cty JWT) appears decoded under "nested" in --json', async () => {
  const inner = await idToken();
  const outer = await new CompactSign(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: 'ES256', cty: 'JWT' })
    .sign((await keys).privateKey);
  const r = await runCli(['decode', '--json', outer]);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout) as DecodeJson & { nested?: DecodeJson };
  assert.equal(doc.payload_text, inner);
  assert.equal(doc.nested?.payload?.sub, 'alice');
  assert.equal(doc.nested?.kind.id, 'id_token');
});

// Each bad input: exit 2, one sentence on stderr naming what is wrong, nothing on stdout, no stack trace.
const header = b64('{"alg":"HS256"}');
const BAD_INPUTS: { what: string; args: string[]; input?: string; message: RegExp }[] = [
  { what: 'empty stdin', args: ['decode'], input: '', message: /input is empty/ },
  { what: 'whitespace only', args: ['decode', '-'], input: ' \n \n', message: /input is empty/ },
  { what: 'an empty argument', args: ['decode', ''], message: /input is empty/ },
  { what: 'two segments', args: ['decode', `${header}.${b64('{}')}`], message: /found 2/ },
  { what: 'four segments', args: ['decode', `${header}.${b64('{}')}.c2ln.c2ln`], message: /found 4/ },
  {
    what: 'bad base64url',
    args: ['decode', `${header}.eyJz*WIiOiJhIn0.c2ln`],
    message: /payload \(segment 2\) is not valid base64url: character "\*" at position 5 of the segment/,
  },
  {
    what: 'a payload that is an array',
    args: ['decode', `${header}.${b64('[1,2]')}.c2ln`],
    message: /payload \(segment 2\) is JSON but an array, not an object/,
  },
  {
    what: 'a payload that is a JSON string',
    args: ['decode', `${header}.${b64('"hi"')}.c2ln`],
    message: /payload \(segment 2\) is JSON but a string/,
  },
  {
    what: 'a payload that is not JSON, without cty',
    args: ['decode', `${header}.${b64('hello')}.c2ln`],
    message: /payload \(segment 2\) is not JSON/,
  },
  {
    what: 'a header that is not JSON',
    args: ['decode', `${b64('{alg:HS256}')}.${b64('{}')}.c2ln`],
    message: /header \(segment 1\) is not JSON/,
  },
  {
    what: 'stdin over 1 MiB',
    args: ['decode'],
    input: `${header}.${'A'.repeat(1024 * 1024 + 10)}.c2ln`,
    message: /over 1048576 bytes \(1 MiB\)/,
  },
];

for (const bad of BAD_INPUTS) {
  test(`${bad.what} is exit 2 with one sentence on stderr and nothing on stdout`, async () => {
    const r = await runCli(bad.args, bad.input === undefined ? {} : { input: bad.input });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, bad.message);
    assert.match(r.stderr, /^error: [^\n]+\n$/);
  });

  test(`${bad.what} with --json is exactly one JSON error document`, async () => {
    const r = await runCli(
      [bad.args[0]!, '--json', ...bad.args.slice(1)],
      bad.input === undefined ? {} : { input: bad.input },
    );
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; exit: number } };
    assert.equal(doc.error.exit, 2);
    assert.match(doc.error.code, /^(not_a_jwt|input_too_large)$/);
    assert.match(doc.error.message, bad.message);
  });
}

test('an input error never shows a stack trace, even a long bad paste', async () => {
  const r = await runCli(['decode', `${'x'.repeat(5000)}.y.z+`]);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('FORCE_COLOR paints stdout even in a pipe; NO_COLOR and --no-color win over it', async () => {
  const jwt = await idToken();
  assert.match((await runCli(['decode', jwt], { env: { FORCE_COLOR: '1' } })).stdout, ANSI);
  assert.doesNotMatch((await runCli(['decode', jwt], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout, ANSI);
  assert.doesNotMatch((await runCli(['--no-color', 'decode', jwt], { env: { FORCE_COLOR: '1' } })).stdout, ANSI);
  assert.doesNotMatch((await runCli(['decode', '--json', jwt], { env: { FORCE_COLOR: '1' } })).stdout, ANSI);
});

// A real terminal through util-linux `script`, which gives the child a pseudo-TTY.
const hasScript = spawnSync('script', ['--version']).status === 0;

function runInTerminal(args: string[], env: Record<string, string | undefined>): Promise<string> {
  return new Promise((resolve, reject) => {
    const merged: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: undefined,
      FORCE_COLOR: undefined,
      TERM: 'xterm',
      ...env,
    };
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: merged as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('script did not finish'));
    }, 30_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

test('a terminal gets colours, and NO_COLOR turns them off there', {
  skip: !hasScript && 'util-linux script is not installed',
}, async () => {
  const jwt = await idToken();
  const coloured = await runInTerminal(['decode', jwt], {});
  assert.match(coloured, /signature not verified/);
  assert.match(coloured, ANSI);
  const plain = await runInTerminal(['decode', jwt], { NO_COLOR: '1' });
  assert.match(plain, /signature not verified/);
  assert.doesNotMatch(plain, ANSI);
});

test('no token and a terminal on stdin is a usage error with a hint, not a hang', {
  skip: !hasScript && 'util-linux script is not installed',
}, async () => {
  const out = await runInTerminal(['decode'], { NO_COLOR: '1' });
  assert.match(out, /no token given: pass it as an argument or pipe it on stdin/);
  assert.match(out, /hint: /);
});

async function signedWithJwksFile(): Promise<{ jwt: string; jwksPath: string }> {
  const { publicKey } = await keys;
  const jwksPath = join(mkdtempSync(join(tmpdir(), 'oidc-probe-jwks-')), 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
  return { jwt: await idToken(), jwksPath };
}

test('decode loads no package from node_modules, and neither TLS nor Web Crypto (start-up stays light)', async () => {
  const decode = loadsOf(['decode', await idToken()]);
  assert.equal(decode.status, 0);
  // The probe works: it saw the CLI bundle load.
  assert.ok(
    decode.files.some((f) => f.endsWith('/dist/bundle/start.cjs')),
    decode.files.join('\n'),
  );
  assert.deepEqual(
    decode.files.filter((f) => f.includes('/node_modules/')),
    [],
  );
  assert.equal(decode.builtins.has('tls'), false);
  assert.equal(decode.builtins.has('internal/crypto/webcrypto'), false);
  // …which verify, for comparison, needs (jose checks signatures with Web Crypto).
  const { jwt, jwksPath } = await signedWithJwksFile();
  const verify = loadsOf(['verify', jwt, '--jwks', jwksPath]);
  assert.equal(verify.status, 0);
  assert.equal(verify.builtins.has('internal/crypto/webcrypto'), true);
  assert.deepEqual(
    verify.files.filter((f) => f.includes('/node_modules/')),
    [],
  );
});

test('decode and --help with stdout a pipe load neither child_process, nor sockets, nor streams, nor os', async () => {
  // Commander requires node:child_process when it loads; the bundle hands it over on first use
  // (scripts/child-process-on-first-use.cjs), and output to a pipe is written without process.stdout.
  // The cache directories come from $HOME, without node:os (io/cache-location.ts).
  for (const args of [['decode', await idToken()], ['--help']]) {
    const run = loadsOf(args);
    assert.equal(run.status, 0);
    for (const builtin of ['child_process', 'net', 'stream', 'os'])
      assert.equal(run.builtins.has(builtin), false, `${args[0]} loaded ${builtin}`);
  }
});

test('decode with stdout /dev/null (an exit-code check) sets up no stream for it', async () => {
  const run = loadsOf(['decode', await idToken()], {}, { toDevNull: true });
  assert.equal(run.status, 0);
  for (const builtin of ['tty', 'net', 'stream']) assert.equal(run.builtins.has(builtin), false, `loaded ${builtin}`);
});

test('a table with wide and combining characters keeps its borders aligned', async () => {
  const jwt = await new SignJWT({ sub: 'alice', name: '山田 太郎', nickname: 'Zoë 👩‍💻', locale: 'ko-KR 한국어' })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer('https://op.test')
    .sign((await keys).privateKey);
  const r = await runCli(['decode', jwt]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /山田 太郎/);
  const claimsTable = r.stdout
    .split('\nclaims\n')[1]!
    .split('\n\n')[0]!
    .split('\n')
    .filter((l) => /^[┌│├└]/.test(l));
  assert.ok(claimsTable.length > 5, r.stdout);
  const widths = new Set(claimsTable.map((l) => stringWidth(l)));
  assert.equal(widths.size, 1, claimsTable.join('\n'));
});
