import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorizationDetailsParameter,
  compareAuthorizationDetails,
  grantedAuthorizationDetails,
  parseAuthorizationDetails,
} from '../../src/protocol/authorization-details.js';
import { ProtocolInputError } from '../../src/protocol/input-error.js';

const PAYMENT = {
  type: 'payment_initiation',
  actions: ['initiate'],
  instructedAmount: { currency: 'EUR', amount: '123.50' },
};

test('a JSON array of typed objects is accepted as it is', () => {
  const text = JSON.stringify([PAYMENT, { type: 'account_information', actions: ['read'] }]);
  const details = parseAuthorizationDetails(text, '--authorization-details');
  assert.equal(details.length, 2);
  assert.deepEqual(details[0], PAYMENT);
  assert.deepEqual(JSON.parse(authorizationDetailsParameter(details)), JSON.parse(text));
});

const bad: Array<[string, string, RegExp]> = [
  ['text that is not JSON', '[{"type": ', /is not JSON/],
  ['an object instead of an array', JSON.stringify(PAYMENT), /is an object, not a JSON array of objects/],
  ['a string', '"payment"', /is a string, not a JSON array/],
  ['null', 'null', /is null/],
  ['an empty array', '[]', /empty array/],
  ['an entry that is not an object', '[{"type":"a"}, 3]', /entry 2 that is not an object/],
  ['an entry without type', '[{"actions":["read"]}]', /entry 1 without "type"/],
  ['a type that is not a string', '[{"type": 7}]', /entry 1 whose "type" is not a non-empty string/],
  ['an empty type', '[{"type": ""}]', /not a non-empty string/],
  ['hostile nesting', `[{"type":"a","x":${'['.repeat(100)}${']'.repeat(100)}}]`, /nested more than 32 levels/],
];
for (const [what, text, message] of bad) {
  test(`refuses ${what} with one sentence`, () => {
    assert.throws(
      () => parseAuthorizationDetails(text, 'details.json'),
      (err: unknown) => {
        assert.ok(err instanceof ProtocolInputError);
        assert.equal(err.code, 'bad_authorization_details');
        assert.match(err.message, message);
        assert.match(err.message, /^details\.json /);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  });
}

test('very deep input is refused without exhausting the stack', () => {
  const deep = `[{"type":"a","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}]`;
  assert.throws(() => parseAuthorizationDetails(deep, 'x'), ProtocolInputError);
});

test('granted beside requested: the same, changed, not granted, and added', () => {
  const requested = parseAuthorizationDetails(
    JSON.stringify([PAYMENT, { type: 'account_information', actions: ['read'] }, { type: 'tax', year: 2026 }]),
    'x',
  );
  const granted = grantedAuthorizationDetails({
    authorization_details: [
      { instructedAmount: { amount: '123.50', currency: 'EUR' }, actions: ['initiate'], type: 'payment_initiation' },
      { type: 'account_information', actions: [] },
      { type: 'openid_credential', format: 'jwt_vc' },
      'not an object',
    ],
  });
  const rows = compareAuthorizationDetails(requested, granted);
  assert.deepEqual(
    rows.map((r) => [r.type, r.status]),
    [
      ['payment_initiation', 'granted'],
      ['account_information', 'changed'],
      ['tax', 'not granted'],
      ['openid_credential', 'added'],
    ],
  );
  assert.deepEqual(rows[1]!.granted, { type: 'account_information', actions: [] });
});

test('a token response without authorization_details grants none of them', () => {
  assert.equal(grantedAuthorizationDetails({ access_token: 'x' }), undefined);
  const rows = compareAuthorizationDetails([{ type: 'a' }], undefined);
  assert.deepEqual(
    rows.map((r) => r.status),
    ['not granted'],
  );
});
