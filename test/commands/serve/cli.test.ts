// `oidc-probe serve` through the CLI in this process (test/helpers/in-process.ts): bad input is
// exit 2 with one sentence, --list-defects, Ctrl-C, and `discover` agreeing with serve's metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { DEFECTS } from '../../../src/protocol/provider-defects.js';
import { runCli } from '../../helpers/cli.js';
import { startInProcess } from '../../helpers/in-process.js';

test('bad input is exit 2 with one sentence: a port in use, a malformed --client, an unknown defect', async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const inUse = await runCli(['serve', '--port', String(port)]);
    assert.equal(inUse.code, 2, inUse.stderr);
    assert.match(inUse.stderr, new RegExp(`^error: port ${port} is already in use on loopback\\n`));
  } finally {
    taken.close();
  }
  const client = await runCli(['serve', '--client', 'app:secret@not a uri']);
  assert.equal(client.code, 2);
  assert.match(client.stderr, /^error: --client "app:secret@not a uri" is not ID\[:SECRET\]\[@redirect-uri\]/);
  const defect = await runCli(['serve', '--defect', 'iss', '--defect', 'sig_rs512', '--json']);
  assert.equal(defect.code, 2);
  assert.match(defect.stderr, /unknown defect "sig_rs512"; valid defects: iss, aud, /);
  assert.equal((JSON.parse(defect.stdout) as { error: { code: string } }).error.code, 'unknown_defect');
  const alg = await runCli(['serve', '--signing-alg', 'HS256']);
  assert.equal(alg.code, 2);
  const delay = await runCli(['serve', '--slow-delay', '2147484']);
  assert.equal(delay.code, 2);
  assert.match(delay.stderr, /must be at most 2147483 seconds/);
  for (const r of [client, defect, alg, delay]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('--list-defects names every defect with its rule; --json gives the same as data', async () => {
  const human = await runCli(['serve', '--list-defects']);
  assert.equal(human.code, 0, human.stderr);
  for (const d of DEFECTS) assert.match(human.stdout, new RegExp(`^ {2}${d} +\\S`, 'm'), d);
  assert.match(human.stdout, /at_hash +ID token at_hash does not match the access token; Core 3\.2\.2\.9/);
  assert.match(
    human.stdout,
    /dpop_ignored +the token endpoint ignores a DPoP proof: .*; RFC 9449 §5; .*reject \(check dpop\.token_type/,
  );
  assert.match(
    human.stdout,
    /par_error +the PAR endpoint .*; a careful client: stop with an error \(oidc-probe exits 4\)/,
  );
  assert.match(
    human.stdout,
    new RegExp(
      'token_error_200 +.*HTTP 200 .* \\(as GitHub OAuth apps\\); RFC 6749 §5\\.2 \\(errors with HTTP 400\\); ' +
        '.*stop with an error \\(oidc-probe exits 4\\)',
    ),
  );
  const json = await runCli(['serve', '--list-defects', '--json']);
  const doc = JSON.parse(json.stdout) as { defects: { name: string; rule: string }[] };
  assert.deepEqual(doc.defects.map((d) => d.name).sort(), [...DEFECTS].sort());
  assert.ok(doc.defects.every((d) => d.rule.length > 0));
  const quirk = (doc.defects as { name: string; imitates?: string }[]).find((d) => d.name === 'issuer_template');
  assert.match(quirk?.imitates ?? '', /Microsoft Entra ID/);
});

test('Ctrl-C closes the provider before the run ends with 130; `discover` found its metadata valid', async () => {
  const session = startInProcess(['serve', '--issuer-path', '/realms/test/', '--json-log']);
  const ready = await new Promise<{ issuer: string }>((resolve) => {
    const look = () => {
      const line = session.stderr().split('\n')[0];
      if (line?.endsWith('}')) resolve(JSON.parse(line) as { issuer: string });
    };
    session.onStderr(look);
    look();
  });
  assert.match(ready.issuer, /^http:\/\/127\.0\.0\.1:\d+\/realms\/test\/$/);
  const discovered = await runCli(['discover', ready.issuer, '--json']);
  assert.equal(discovered.code, 0, discovered.stdout + discovered.stderr);
  const doc = JSON.parse(discovered.stdout) as { valid: boolean; metadata: { issuer: string; token_endpoint: string } };
  assert.equal(doc.valid, true);
  assert.equal(doc.metadata.issuer, ready.issuer);
  assert.equal(doc.metadata.token_endpoint, `${ready.issuer}token`);
  session.kill('SIGINT');
  const run = await session.done;
  assert.equal(run.code, 130);
  assert.match(run.stderr, /\{"event":"stopped"\}\nerror: interrupted\n$/);
  await assert.rejects(fetch(`${ready.issuer}.well-known/openid-configuration`), 'the provider is closed');
});
