import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import {
  defaultResponseMode,
  parseResponseType,
  resolveResponseMode,
  resolveResponseType,
  RESPONSE_TYPES,
} from '../../src/protocol/response-type.js';

const FLOWS: Record<string, string> = {
  code: 'code',
  id_token: 'implicit',
  'id_token token': 'implicit',
  'code id_token': 'hybrid',
  'code token': 'hybrid',
  'code id_token token': 'hybrid',
};

for (const value of RESPONSE_TYPES) {
  test(`response_type "${value}" is the ${FLOWS[value]} flow and returns exactly its parts`, () => {
    const rt = parseResponseType(value);
    assert.equal(rt.value, value);
    assert.equal(rt.flow, FLOWS[value]);
    assert.equal(rt.code, value.split(' ').includes('code'));
    assert.equal(rt.idToken, value.split(' ').includes('id_token'));
    assert.equal(rt.accessToken, value.split(' ').includes('token'));
  });
}

test('response_type words are order-insensitive and normalised to the registered order', () => {
  assert.equal(parseResponseType('token id_token').value, 'id_token token');
  assert.equal(parseResponseType(' token  id_token code ').value, 'code id_token token');
});

test('unknown, repeated and OAuth-only response types are usage errors naming the value', () => {
  assert.throws(
    () => parseResponseType('code banana'),
    (e: unknown) => e instanceof UsageError && /"banana"/.test(e.message),
  );
  assert.throws(
    () => parseResponseType('code code'),
    (e: unknown) => e instanceof UsageError && /repeats/.test(e.message),
  );
  assert.throws(
    () => parseResponseType('token'),
    (e: unknown) => e instanceof UsageError && /not an OpenID Connect response type/.test(e.message),
  );
  assert.throws(() => parseResponseType(''), UsageError);
});

test('--flow alone picks code, "id_token token" and "code id_token"', () => {
  assert.equal(resolveResponseType({}).value, 'code');
  assert.equal(resolveResponseType({ flow: 'code' }).value, 'code');
  assert.equal(resolveResponseType({ flow: 'implicit' }).value, 'id_token token');
  assert.equal(resolveResponseType({ flow: 'hybrid' }).value, 'code id_token');
});

test('--flow and a --response-type of another flow contradict each other', () => {
  assert.equal(resolveResponseType({ flow: 'hybrid', responseType: 'code token' }).value, 'code token');
  assert.throws(
    () => resolveResponseType({ flow: 'implicit', responseType: 'code id_token' }),
    (e: unknown) => e instanceof UsageError && e.exit === 2 && /hybrid flow, not --flow implicit/.test(e.message),
  );
  assert.throws(
    () => resolveResponseType({ flow: 'device' }),
    (e: unknown) => e instanceof UsageError && /"device"/.test(e.message),
  );
});

test('default response mode: query for code, fragment for every type that returns a token', () => {
  for (const value of RESPONSE_TYPES) {
    assert.equal(defaultResponseMode(parseResponseType(value)), value === 'code' ? 'query' : 'fragment', value);
  }
});

test('query is refused for every response type that returns a token; form_post and fragment are allowed', () => {
  for (const value of RESPONSE_TYPES) {
    const rt = parseResponseType(value);
    if (value === 'code') assert.equal(resolveResponseMode(rt, 'query'), 'query');
    else
      assert.throws(
        () => resolveResponseMode(rt, 'query'),
        (e: unknown) => e instanceof UsageError && /never sent in a query string/.test(e.message),
        value,
      );
    assert.equal(resolveResponseMode(rt, 'form_post'), 'form_post');
    assert.equal(resolveResponseMode(rt, 'fragment'), 'fragment');
  }
  assert.throws(
    () => resolveResponseMode(parseResponseType('code'), 'web_message'),
    (e: unknown) => e instanceof UsageError && /web_message/.test(e.message),
  );
});
