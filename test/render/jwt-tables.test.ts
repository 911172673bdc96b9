import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactSign, generateKeyPair, SignJWT } from 'jose';
import { decodeView } from '../../src/commands/decode/run.js';
import { decodeJwt } from '../../src/protocol/jwt.js';
import { formatNested, renderDecoded } from '../../src/render/jwt-tables.js';
import { loadStyles, makeStyle } from '../../src/render/style.js';
import { ANSI } from '../helpers/cli.js';
import { RFC7515_A1 } from '../helpers/vectors.js';

const plain = makeStyle(0);
before(loadStyles); // colours, as the CLI does before a command runs
const NOW = 1_800_000_000; // a fixed "now": no clock in these tests
const keys = generateKeyPair('ES256');

async function view(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header })
    .sign((await keys).privateKey);
  return decodeView(decodeJwt(jwt));
}

test('says the signature was not verified, before anything else', async () => {
  const text = renderDecoded(await view({ sub: 'alice' }), plain, { now: NOW });
  assert.match(text.split('\n')[0]!, /signature not verified/);
});

test('shows times as the number, ISO 8601 UTC and a relative phrase', async () => {
  const text = renderDecoded(
    await view({ iat: NOW - 3 * 3600, exp: NOW + 59 * 60, nbf: NOW - 3 * 3600, auth_time: NOW - 600 }),
    plain,
    { now: NOW },
  );
  assert.match(
    text,
    new RegExp(
      `${NOW + 3540}[^\\n]*\\n[^\\n]*${new Date((NOW + 3540) * 1000).toISOString().replace('.000', '')}` +
        '[^\\n]*\\n[^\\n]*in 59 min',
    ),
  );
  assert.match(text, /3 h ago/);
  assert.match(text, /10 min ago/);
  const expired = renderDecoded(await view({ exp: NOW - 3 * 3600 }), plain, { now: NOW });
  assert.match(expired, /expired 3 h ago/);
  const notYet = renderDecoded(await view({ nbf: NOW + 300 }), plain, { now: NOW });
  assert.match(notYet, /in 5 min \(not valid yet\)/);
});

test('flags a time claim that is not a NumericDate', async () => {
  const text = renderDecoded(await view({ exp: '2030-01-01' }), plain, { now: NOW });
  assert.match(text, /not a NumericDate/);
});

test('describes registered header parameters, claims and the alg', async () => {
  const text = renderDecoded(await view({ iss: 'https://op.test', azp: 'client-1', zzz_custom: 1 }), plain, {
    now: NOW,
  });
  assert.match(text, /kid\s*│\s*k1\s*│\s*key id/);
  assert.match(text, /ES256: ECDSA with P-256 and SHA-256/);
  assert.match(text, /iss\s*│\s*https:\/\/op\.test\s*│\s*issuer/);
  assert.match(text, /azp\s*│\s*client-1\s*│\s*authorized party/);
  assert.match(text, /zzz_custom\s*│\s*1\s*│\s*not registered/);
});

test('shows the token kind with its evidence', async () => {
  const text = renderDecoded(
    await view(
      { iss: 'https://as.test', sub: 'a', aud: 'api', exp: NOW, iat: NOW, jti: 'j', client_id: 'c' },
      { typ: 'at+jwt' },
    ),
    plain,
    { now: NOW },
  );
  assert.match(text, /looks like: RFC 9068 JWT access token \(declared\)/);
  assert.match(text, /\+ typ is "at\+jwt" \(RFC 9068 §2\.1\)/);
});

test('nested objects read as indented lines with their members described', async () => {
  const text = renderDecoded(
    await view({ cnf: { jkt: 'thumb-1' }, act: { sub: 'svc', act: { sub: 'first' } } }),
    plain,
    { now: NOW },
  );
  assert.match(text, /jkt: thumb-1/);
  assert.match(text, /jkt: SHA-256 JWK thumbprint of the DPoP key/);
  assert.match(text, /act:\s*│[^\n]*\n[^\n]*│\s+ {2}sub: first/);
});

test('amr values are explained', async () => {
  const text = renderDecoded(await view({ amr: ['pwd', 'hwk', 'custom'] }), plain, { now: NOW });
  assert.match(text, /pwd \(password\)/);
  assert.match(text, /hwk \(hardware-secured key\)/);
  assert.match(text, /│ custom /);
});

test('long values are shortened in the middle, keeping both ends', async () => {
  const long = `https://example.com/${'a'.repeat(100)}${'z'.repeat(50)}/end`;
  const text = renderDecoded(await view({ picture: long }), plain, { now: NOW });
  assert.doesNotMatch(text, new RegExp(long.replace(/[.]/g, '\\.')));
  assert.match(text, /https:\/\/example\.com\/a+…z+\/end/);
});

test('fits the table to the width it is given', async () => {
  const v = await view({
    iss: 'https://op.test',
    picture: `https://example.com/${'p'.repeat(90)}`,
    cnf: { jkt: 'x'.repeat(43) },
  });
  const text = renderDecoded(v, plain, { now: NOW, width: 80 });
  for (const line of text.split('\n')) assert.ok(line.length <= 80, `line too wide (${line.length}): ${line}`);
});

test('at a narrow width, descriptions wrap at spaces and nested values keep their indentation', async () => {
  const v = await view({ act: { sub: 'svc', act: { sub: 'first-actor' } }, email_verified: true });
  const text = renderDecoded(v, plain, { now: NOW, width: 60 });
  for (const line of text.split('\n')) assert.ok(line.length <= 60, `line too wide (${line.length}): ${line}`);
  assert.match(text, /│ {3}sub: first-actor/);
  const descriptionWords = text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│')[3]!.trim())
    .join(' ');
  assert.match(descriptionWords, /whether the provider verified the e-mail address/);
});

test('colours survive wrapping, one painted piece per line', async () => {
  const v = await view({ 'https://example.com/a/very/long/claim/name/that/wraps': 1 });
  const text = renderDecoded(v, makeStyle(1), { now: NOW, width: 60 });
  const painted = text.split('\n').filter((l) => l.includes('\u001b[2m'));
  assert.ok(painted.length >= 2);
  for (const line of painted) assert.match(line, /\u001b\[2m[^\u001b]*\u001b\[22m/);
});

test('a JWE shows its protected header and says the payload needs the recipient key', () => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwe = `${b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'enc-1' })}.a2V5.aXY.Y2lwaGVy.dGFn`;
  const v = decodeView(decodeJwt(jwe));
  assert.equal(v.payload, undefined);
  const text = renderDecoded(v, plain, { now: NOW });
  assert.match(text, /JWE protected header/);
  assert.match(text, /A256GCM: AES-256-GCM/);
  assert.match(text, /recipient's private key/);
  assert.doesNotMatch(text, /^claims$/m);
});

test('a payload that is not JSON is shown as text with why', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const v = decodeView(decodeJwt(`${b64('{"alg":"HS256","cty":"text/plain"}')}.${b64('hello')}.c2ln`));
  assert.equal(v.payload, null);
  assert.equal(v.payload_text, 'hello');
  const text = renderDecoded(v, plain, { now: NOW });
  assert.match(text, /media type "text\/plain"/);
  assert.match(text, /^hello$/m);
});

test('a nested JWT (cty JWT) is decoded below the outer one', async () => {
  const inner = await new SignJWT({ sub: 'inner-alice', exp: NOW + 60 })
    .setProtectedHeader({ alg: 'ES256', kid: 'inner-key' })
    .sign((await keys).privateKey);
  const outer = await new CompactSign(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: 'ES256', kid: 'outer-key', cty: 'JWT' })
    .sign((await keys).privateKey);
  const v = decodeView(decodeJwt(outer));
  assert.equal(v.nested?.payload?.sub, 'inner-alice');
  const text = renderDecoded(v, plain, { now: NOW });
  assert.match(text, /outer-key[\s\S]*nested token[\s\S]*inner-key[\s\S]*inner-alice[\s\S]*in 1 min/);
  assert.equal(text.match(/signature not verified/g)?.length, 1);
});

test('cty JWT over a payload that is no JWT leaves the text as it is', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const v = decodeView(decodeJwt(`${b64('{"alg":"HS256","cty":"JWT"}')}.${b64('not.a.jwt!')}.c2ln`));
  assert.equal(v.nested, undefined);
  assert.equal(v.payload_text, 'not.a.jwt!');
});

test('the RFC 7515 A.1 example renders its header, claims and 2011 expiry', () => {
  const v = decodeView(decodeJwt(RFC7515_A1.jws));
  assert.deepEqual(v.header, RFC7515_A1.header);
  assert.deepEqual(v.payload, RFC7515_A1.claims);
  assert.deepEqual(v.times, { exp: '2011-03-22T18:43:00Z' });
  const text = renderDecoded(v, plain, { now: NOW });
  assert.match(text, /2011-03-22T18:43:00Z/);
  assert.match(text, /expired \d+ years ago/);
  assert.match(text, /http:\/\/example\.com\/is_root\s*│\s*true\s*│\s*public claim name/);
});

test('paints only when the style has colours', async () => {
  const v = await view({ sub: 'alice', exp: NOW });
  assert.doesNotMatch(renderDecoded(v, plain, { now: NOW }), ANSI);
  assert.match(renderDecoded(v, makeStyle(1), { now: NOW }), ANSI);
});

test('formatNested keeps short scalar arrays on one line and lists long ones', () => {
  assert.deepEqual(formatNested(['a', 'b']), ['a, b']);
  assert.deepEqual(formatNested([]), ['[]']);
  assert.deepEqual(formatNested({ a: { b: 1 } }), ['a:', '  b: 1']);
  assert.deepEqual(formatNested([{ type: 'payment', amount: 5 }]), ['- type: payment', '  amount: 5']);
  assert.equal(formatNested(['x'.repeat(60), 'y'.repeat(60)]).length, 2);
});
