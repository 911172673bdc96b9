import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '../../src/io/config-file.js';
import { UsageError } from '../../src/errors.js';

async function configHome(doc: unknown): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-cfg-'));
  await mkdir(join(home, 'oidc-probe'));
  await writeFile(join(home, 'oidc-probe', 'config.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return home;
}

test('reads the named profile from $XDG_CONFIG_HOME/oidc-probe/config.json', async () => {
  const home = await configHome({ profiles: { ci: { issuer: 'https://op.example', client_id: 'abc' } } });
  const p = await loadProfile({ profile: 'ci' }, { XDG_CONFIG_HOME: home });
  assert.deepEqual(p, { issuer: 'https://op.example', client_id: 'abc' });
});

test('an unknown profile is a usage error that lists the known ones', async () => {
  const home = await configHome({ profiles: { ci: {}, dev: {} } });
  await assert.rejects(
    loadProfile({ profile: 'prod' }, { XDG_CONFIG_HOME: home }),
    (e: unknown) => e instanceof UsageError && /ci, dev/.test(e.message),
  );
});

test('a config file that is not JSON is a usage error naming the file', async () => {
  const home = await configHome('{not json');
  await assert.rejects(
    loadProfile({ profile: 'ci' }, { XDG_CONFIG_HOME: home }),
    (e: unknown) => e instanceof UsageError && e.message.includes('config.json'),
  );
});

test('without --profile, --config or OIDC_PROBE_PROFILE no file is read', async () => {
  assert.equal(await loadProfile({}, { XDG_CONFIG_HOME: '/nonexistent' }), undefined);
});

test('a config file over 1 MiB, or endless (/dev/zero), is refused without being read whole', async () => {
  const home = await configHome(`{"profiles": {"ci": {"note": "${'x'.repeat(1024 * 1024)}"}}}`);
  for (const opts of [{ profile: 'ci' }, { configFile: '/dev/zero' }]) {
    await assert.rejects(
      loadProfile(opts, { XDG_CONFIG_HOME: home }),
      (e: unknown) => e instanceof UsageError && e.code === 'file_too_large' && /is over 1 MiB/.test(e.message),
    );
  }
});
