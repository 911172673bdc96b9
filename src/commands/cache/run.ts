// cache list|show|clear over the files of src/io/token-cache.ts.
import type { CommandResult, Context } from '../shared/context.js';
import { UsageError } from '../../errors.js';
import { clearAll, listEntries, removeEntry } from '../../io/token-cache.js';
import type { CacheEntry } from '../../protocol/token-cache-policy.js';
import { renderTable } from '../../render/table.js';
import { redactSecret } from '../../render/text.js';
import { relativeTime } from '../../render/time.js';
import { escapeForTerminal } from '../../render/escape.js';

const redactEntry = (e: CacheEntry, show: boolean) => ({
  ...e,
  access_token: redactSecret(e.access_token, show),
  ...(e.refresh_token ? { refresh_token: redactSecret(e.refresh_token, show) } : {}),
  ...(e.id_token ? { id_token: redactSecret(e.id_token, show) } : {}),
  ...(e.dpop_jwk ? { dpop_jwk: show ? JSON.stringify(e.dpop_jwk) : `[private ${e.dpop_jwk.kty} key, redacted]` } : {}),
});

export async function cacheList(ctx: Context): Promise<CommandResult> {
  const entries = await listEntries(ctx.tokenCacheDir);
  const now = ctx.now();
  const data = {
    dir: ctx.tokenCacheDir,
    entries: entries.map((x) =>
      x.entry
        ? {
            key: x.key,
            issuer: x.entry.issuer,
            client_id: x.entry.clientId,
            grant: x.entry.grant,
            scope: x.entry.scope ?? null,
            expires_at: x.entry.expires_at ?? null,
            refresh_token: Boolean(x.entry.refresh_token),
          }
        : { key: x.key, corrupt: x.corrupt },
    ),
  };
  return {
    data,
    human: (c) =>
      entries.length === 0
        ? `no cached tokens in ${data.dir}`
        : renderTable(
            {
              head: ['key', 'issuer', 'client', 'grant', 'scope', 'expires', 'refresh'],
              rows: entries.map((x) =>
                x.entry
                  ? [
                      x.key.slice(0, 10),
                      escapeForTerminal(x.entry.issuer),
                      escapeForTerminal(x.entry.clientId),
                      escapeForTerminal(x.entry.grant),
                      escapeForTerminal(x.entry.scope ?? ''),
                      x.entry.expires_at ? relativeTime(x.entry.expires_at, now, { expiry: true }) : 'unknown',
                      x.entry.refresh_token ? 'yes' : 'no',
                    ]
                  : [
                      x.key.slice(0, 10),
                      c.style.red(`unreadable: ${escapeForTerminal(String(x.corrupt))}`),
                      '',
                      '',
                      '',
                      '',
                      '',
                    ],
              ),
            },
            c.style,
          ),
  };
}

async function find(ctx: Context, prefix: string) {
  const matches = (await listEntries(ctx.tokenCacheDir)).filter((x) => x.key.startsWith(prefix));
  if (matches.length === 0)
    throw new UsageError('no_such_entry', `no cache entry starts with "${prefix}" (see \`oidc-probe cache list\`)`);
  if (matches.length > 1)
    throw new UsageError('ambiguous_entry', `"${prefix}" matches ${matches.length} entries; give more of the key`);
  return matches[0]!;
}

export async function cacheShow(ctx: Context, prefix: string): Promise<CommandResult> {
  const found = await find(ctx, prefix);
  if (!found.entry)
    throw new UsageError('corrupt_entry', `the cache entry ${found.key} is unreadable: ${found.corrupt}`);
  const entry = found.entry;
  return {
    data: { key: found.key, entry },
    human: (c) =>
      renderTable(
        {
          rows: Object.entries(redactEntry(entry, c.showSecrets)).map(([k, v]) => [
            k,
            escapeForTerminal(Array.isArray(v) ? v.join(' ') : String(v)),
          ]),
        },
        c.style,
      ),
  };
}

export async function cacheClear(ctx: Context, prefix: string | undefined): Promise<CommandResult> {
  if (prefix === undefined) {
    const n = await clearAll(ctx.tokenCacheDir);
    return { data: { removed: n }, human: () => `removed ${n} cached token${n === 1 ? '' : 's'}` };
  }
  const found = await find(ctx, prefix);
  await removeEntry(found.key, ctx.tokenCacheDir);
  return { data: { removed: 1, key: found.key }, human: () => `removed ${found.key}` };
}
