import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPkce } from '../../src/protocol/pkce.js';

const base = { codeFlow: true, sent: true, redeemed: true, publicClient: true, methodsSupported: ['S256'] };

test('S256 sent and the code redeemed passes', () => assert.equal(checkPkce(base).status, 'pass'));
test('a public client without PKCE fails', () => assert.equal(checkPkce({ ...base, sent: false }).status, 'fail'));
test('a confidential client without PKCE is warned', () =>
  assert.equal(checkPkce({ ...base, sent: false, publicClient: false }).status, 'warn'));
test('a provider that does not advertise S256 is warned about', () =>
  assert.equal(checkPkce({ ...base, methodsSupported: ['plain'] }).status, 'warn'));
test('no code in the flow: skipped', () => assert.equal(checkPkce({ ...base, codeFlow: false }).status, 'skip'));
