import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLineSecretWarnings } from '../../../src/commands/shared/command-line-secrets.js';

test('a secret option typed on the command line gets one warning naming the safer sources', () => {
  const [clientSecret, ...more] = commandLineSecretWarnings(new Set(['issuer', 'clientSecret']));
  assert.deepEqual(more, []);
  assert.match(clientSecret!, /^--client-secret on the command line is visible to other users in ps/);
  assert.match(clientSecret!, /OIDC_PROBE_CLIENT_SECRET or --client-secret-file/);
  assert.match(commandLineSecretWarnings(new Set(['secret']))[0]!, /^--secret .*use --secret-file instead$/);
});

test('no warning without a secret option typed', () => {
  assert.deepEqual(commandLineSecretWarnings(new Set()), []);
  assert.deepEqual(commandLineSecretWarnings(new Set(['clientSecretFile', 'secretFile', 'issuer'])), []);
});
