// A secret typed as an option value is visible to every local user in `ps` and stays in the shell
// history; the environment and files keep it out of both (cli-contract.md "Secrets"). So typing one
// gets a warning, and a value from the environment or a profile does not.

interface SecretOption {
  /** Commander's key for the option. */
  key: string;
  flag: string;
  /** Where the secret can come from instead. */
  instead: string;
}

const SECRET_OPTIONS: readonly SecretOption[] = [
  { key: 'clientSecret', flag: '--client-secret', instead: 'OIDC_PROBE_CLIENT_SECRET or --client-secret-file' },
  { key: 'secret', flag: '--secret', instead: '--secret-file' },
];

/** One warning for each secret option typed on the command line (`typed`: the keys of the options typed there). */
export function commandLineSecretWarnings(typed: ReadonlySet<string>): string[] {
  return SECRET_OPTIONS.filter((o) => typed.has(o.key)).map(
    (o) =>
      `${o.flag} on the command line is visible to other users in ps and stays in your shell ` +
      `history; use ${o.instead} instead`,
  );
}
