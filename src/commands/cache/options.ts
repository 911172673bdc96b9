// `oidc-probe cache list|show|clear`: what the token cache holds, and removing it.
import type { Command } from 'commander';
import { makeContext } from '../shared/context.js';
import { runCommand } from '../shared/run-command.js';

export function registerCache(program: Command): void {
  const cache = program
    .command('cache')
    .description('inspect or clear the token cache ($XDG_CACHE_HOME/oidc-probe/tokens)');
  cache
    .command('list')
    .description('one line per cached token')
    .action(async (_o: unknown, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => (await import('./run.js')).cacheList());
    });
  cache
    .command('show')
    .description('one cached entry (tokens shortened unless --show-secrets)')
    .argument('<key>', 'the key, or a unique prefix of it, from `cache list`')
    .action(async (key: string, _o: unknown, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => (await import('./run.js')).cacheShow(key));
    });
  cache
    .command('clear')
    .description('delete one entry, or all of them')
    .argument('[key]', 'the key or a unique prefix; all entries when omitted')
    .action(async (key: string | undefined, _o: unknown, cmd: Command) => {
      const ctx = makeContext(cmd.optsWithGlobals());
      await runCommand(ctx, async () => (await import('./run.js')).cacheClear(key));
    });
}
