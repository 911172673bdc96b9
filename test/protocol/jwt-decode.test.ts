import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, CompactSign, FlattenedSign, generateKeyPair, SignJWT } from 'jose';
import { cleanTokenInput, decodeJwt, JwtFormatError, type DecodedJws } from '../../src/protocol/jwt.js';
import { RFC7515_A1 } from '../helpers/vectors.js';

const keys = generateKeyPair('ES256');
const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const mint = async (claims: Record<string, unknown> = { sub: 'alice' }) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign((await keys).privateKey);

function throwsFormat(input: string, message: RegExp): void {
  assert.throws(
    () => decodeJwt(input),
    (err: unknown) => err instanceof JwtFormatError && message.test(err.message),
  );
}

test('decodes the RFC 7515 Appendix A.1 example JWS', () => {
  const d = decodeJwt(RFC7515_A1.jws) as DecodedJws;
  assert.equal(d.format, 'JWS');
  assert.deepEqual(d.header, RFC7515_A1.header);
  assert.deepEqual(d.payload, RFC7515_A1.claims);
  assert.equal(d.signature, RFC7515_A1.jws.split('.')[2]);
});

test('strips a Bearer prefix, an Authorization: header name and the line breaks of a wrapped paste', async () => {
  const jwt = await mint();
  const wrapped = `${jwt.slice(0, 40)}\n  ${jwt.slice(40, 90)}\r\n${jwt.slice(90)}`;
  for (const input of [
    `Bearer ${jwt}`,
    `  bearer   ${jwt}\n`,
    `Authorization: Bearer ${jwt}`,
    `DPoP ${jwt}`,
    wrapped,
  ]) {
    assert.equal(cleanTokenInput(input), jwt);
    assert.deepEqual((decodeJwt(input) as DecodedJws).payload, { sub: 'alice' });
  }
});

test('reads the protected header of a JWE and nothing more', async () => {
  const { publicKey } = await generateKeyPair('RSA-OAEP-256');
  const jwe = await new CompactEncrypt(new TextEncoder().encode('{"sub":"alice"}'))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' })
    .encrypt(publicKey);
  const d = decodeJwt(jwe);
  assert.equal(d.format, 'JWE');
  assert.deepEqual(d.header, { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' });
  assert.equal('payload' in d, false);
});

test('empty input and whitespace only are errors', () => {
  throwsFormat('', /input is empty/);
  throwsFormat(' \n\t ', /input is empty/);
  throwsFormat('Bearer ', /input is empty|found 1/);
});

test('two or four segments are errors that count them', async () => {
  const [h, p, s] = (await mint()).split('.');
  throwsFormat(`${h}.${p}`, /found 2 .*signature segment missing/);
  throwsFormat(`${h}.${p}.${s}.${s}`, /found 4/);
  throwsFormat('opaque-token-value', /found 1 .*opaque/);
});

test('a bad base64url character is reported with its segment and position', async () => {
  const [h, p, s] = (await mint()).split('.');
  const badPayload = `${p!.slice(0, 5)}+${p!.slice(6)}`;
  throwsFormat(
    `${h}.${badPayload}.${s}`,
    new RegExp(
      `the payload \\(segment 2\\) is not valid base64url: character "\\+" at position 6 of the ` +
        `segment, ${h!.length + 1 + 6} of the token \\(that is base64, not base64url\\)`,
    ),
  );
  throwsFormat(`${h}.${p}.${s}==`, /signature \(segment 3\).*"=".*no padding/);
  throwsFormat(`${h}.${p} x.${s}`, /payload \(segment 2\).*" "/);
});

test('a segment of impossible length is reported', async () => {
  const [h, p, s] = (await mint()).split('.');
  const cut = p!.length % 4 === 0 ? p!.slice(0, -3) : p!.slice(0, p!.length - (p!.length % 4) + 1);
  assert.equal(cut.length % 4, 1);
  throwsFormat(`${h}.${cut}.${s}`, /payload \(segment 2\).*length mod 4 is 1/);
});

test('a header that is not JSON, or not an object, is an error naming the header', () => {
  throwsFormat(`${b64('not json')}.${b64({ sub: 'a' })}.sig`, /the header \(segment 1\) is not JSON/);
  throwsFormat(`${b64(['alg'])}.${b64({ sub: 'a' })}.sig`, /the header \(segment 1\) is JSON but an array/);
});

test('a payload that is JSON but not an object is an error naming the payload', () => {
  throwsFormat(
    `${b64({ alg: 'HS256' })}.${b64([1, 2])}.sig`,
    /the payload \(segment 2\) is JSON but an array, not an object/,
  );
  throwsFormat(`${b64({ alg: 'HS256' })}.${b64('"hello"')}.sig`, /the payload \(segment 2\) is JSON but a string/);
  throwsFormat(`${b64({ alg: 'HS256' })}.${b64('hello')}.sig`, /the payload \(segment 2\) is not JSON/);
});

test('a non-JSON payload is shown as text when the header names its media type in cty', async () => {
  const jws = await new CompactSign(new TextEncoder().encode('hello, world'))
    .setProtectedHeader({ alg: 'ES256', cty: 'text/plain' })
    .sign((await keys).privateKey);
  const d = decodeJwt(jws) as DecodedJws;
  assert.equal(d.payloadText, 'hello, world');
  assert.match(d.payloadNote ?? '', /media type "text\/plain"/);
});

test('cty JWT marks the payload as a nested JWT', async () => {
  const inner = await mint();
  const outer = await new CompactSign(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: 'ES256', cty: 'JWT' })
    .sign((await keys).privateKey);
  const d = decodeJwt(outer) as DecodedJws;
  assert.equal(d.payloadText, inner);
  assert.match(d.payloadNote ?? '', /nested JWT/);
});

test('with b64:false (RFC 7797) the payload segment is taken as it is, attached or detached', async () => {
  const header = { alg: 'ES256', b64: false, crit: ['b64'] };
  // jose signs b64:false only in the flattened form (payload left out there); compact is protected.payload.signature.
  const flat = await new FlattenedSign(new TextEncoder().encode('$02 to Alice'))
    .setProtectedHeader(header)
    .sign((await keys).privateKey);
  const attached = `${flat.protected}.$02 to Alice.${flat.signature}`;
  const d = decodeJwt(attached) as DecodedJws;
  assert.equal(d.payloadText, '$02 to Alice');
  assert.match(d.payloadNote ?? '', /not base64url-encoded/);
  const [h, , s] = attached.split('.');
  const detached = decodeJwt(`${h}..${s}`) as DecodedJws;
  assert.equal(detached.payloadText, '');
  assert.match(detached.payloadNote ?? '', /detached/);
});

test('with b64:false a payload that is a JSON object is read as the claims set', async () => {
  const flat = await new FlattenedSign(new TextEncoder().encode('{"sub":"alice"}'))
    .setProtectedHeader({ alg: 'ES256', b64: false, crit: ['b64'] })
    .sign((await keys).privateKey);
  const d = decodeJwt(`${flat.protected}.{"sub":"alice"}.${flat.signature}`) as DecodedJws;
  assert.deepEqual(d.payload, { sub: 'alice' });
  assert.equal(d.payloadText, undefined);
});
