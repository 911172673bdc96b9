// `oidc-probe cache list|show|clear`: what the token cache holds, and removing it.
import type { Command } from 'commander';
import type { RunAction } from '../shared/options.js';

export function registerCache(program: Command, runAction: RunAction): void {
  const cache = program
    .command('cache')
    .description('inspect or clear the token cache ($XDG_CACHE_HOME/oidc-probe/tokens)');
  cache
    .command('list')
    .description('one line per cached token')
    .action((_o: unknown, cmd: Command) => runAction(cmd, async (ctx) => (await import('./run.js')).cacheList(ctx)));
  cache
    .command('show')
    .description('one cached entry (tokens shortened unless --show-secrets)')
    .argument('<key>', 'the key, or a unique prefix of it, from `cache list`')
    .action((key: string, _o: unknown, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).cacheShow(ctx, key)),
    );
  cache
    .command('clear')
    .description('delete one entry, or all of them')
    .argument('[key]', 'the key or a unique prefix; all entries when omitted')
    .action((key: string | undefined, _o: unknown, cmd: Command) =>
      runAction(cmd, async (ctx) => (await import('./run.js')).cacheClear(ctx, key)),
    );
}
