// discover and two provider quirks reproduced against rogue-op: a workload-identity issuer (no
// endpoints by design) and a well-known URL that redirects (--follow-redirect shows the hop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';
import { startRogueOp } from '../../providers/rogue-op.js';

interface Doc {
  valid?: boolean;
  url?: string;
  redirects?: { url: string; status: number; location: string }[];
  checks?: { id: string; status: string; hint?: string }[];
  error?: { code: string; hint?: string; message: string };
}

test('a workload-identity issuer is valid: no authorization endpoint by design, no login-only warnings', async () => {
  const op = await startRogueOp({ defects: ['workload_identity'] });
  try {
    const r = await runCli(['--json', 'discover', op.issuer]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    const authz = doc.checks?.find((c) => c.id === 'discovery.authorization_endpoint');
    assert.equal(authz?.status, 'skip');
    assert.match(authz?.hint ?? '', /GitHub Actions, Kubernetes service accounts/);
    for (const id of [
      'discovery.code_challenge_methods_supported',
      'discovery.authorization_response_iss_parameter_supported',
    ])
      assert.equal(
        doc.checks?.find((c) => c.id === id),
        undefined,
        id,
      );
    const human = await runCli(['discover', op.issuer]);
    assert.match(human.stdout, /hint: Workload-identity issuers/);
  } finally {
    await op.close();
  }
});

test('a redirecting well-known URL is exit 3 with a hint for --follow-redirect', async () => {
  const op = await startRogueOp({ defects: ['discovery_redirect'] });
  try {
    const r = await runCli(['--json', 'discover', op.issuer]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.match(
      doc.error?.message ?? '',
      /answered HTTP 301 \(a redirect to .*\/meta\/openid-configuration, not followed\)/,
    );
    assert.match(doc.error?.hint ?? '', /discover --follow-redirect/);
  } finally {
    await op.close();
  }
});

test('discover --follow-redirect follows, shows the hop on stderr and in JSON, and warns', async () => {
  const op = await startRogueOp({ defects: ['discovery_redirect'] });
  try {
    const r = await runCli(['--json', 'discover', '--follow-redirect', op.issuer]);
    assert.equal(r.code, 0, r.stderr);
    const wellKnown = `${op.issuer}/.well-known/openid-configuration`;
    const moved = `${op.issuer}/meta/openid-configuration`;
    assert.match(r.stderr, new RegExp(`followed HTTP 301 from ${wellKnown} to ${moved}`));
    const doc = JSON.parse(r.stdout) as Doc;
    assert.equal(doc.url, moved);
    assert.deepEqual(doc.redirects, [{ url: wellKnown, status: 301, location: moved }]);
    const redirect = doc.checks?.find((c) => c.id === 'discovery.redirect');
    assert.equal(redirect?.status, 'warn');
    assert.match(redirect?.hint ?? '', /redirect the well-known URL/);
    const human = await runCli(['discover', '--follow-redirect', op.issuer]);
    assert.match(human.stdout, /↳ HTTP 301/);
  } finally {
    await op.close();
  }
});
