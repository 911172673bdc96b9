// Which command a command line runs, read before commander parses it: the program builder then
// defines that one command only.

// Global options that take a value: the word after one of them is not the command.
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--har', '--report', '--ca-file']);

/** The first word that is not an option (`decode` in `oidc-probe --json decode x`), if any. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (arg === '--') return undefined;
    else if (!arg.startsWith('-')) return /^[a-z]{1,20}$/.test(arg) ? arg : undefined;
  }
  return undefined;
}
