import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandWord } from '../src/command-word.js';

test('the command word is the first word that is not an option', () => {
  assert.equal(commandWord(['decode', 'x']), 'decode');
  assert.equal(commandWord(['--json', '--no-color', 'verify', 'x', '--jwks', 'f']), 'verify');
});

test('the value of a global option that takes one is not the command word', () => {
  assert.equal(commandWord(['--har', 'decode', 'discover', 'https://op.test']), 'discover');
  assert.equal(commandWord(['--ca-file', 'ca.pem', 'token']), 'token');
  assert.equal(commandWord(['--har=run.har', 'login']), 'login');
});

test('no command word: none given, only options, after "--", or not a plain lowercase word', () => {
  assert.equal(commandWord([]), undefined);
  assert.equal(commandWord(['--help']), undefined);
  assert.equal(commandWord(['--', 'decode']), undefined);
  assert.equal(commandWord(['../etc/passwd']), undefined);
  assert.equal(commandWord(['Decode']), undefined);
});
