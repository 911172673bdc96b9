// The one error model. Every failure that is not a failed check is one of these; only src/cli
// turns them into exit codes and messages (cli-contract.md, "Exit codes").

export const EXIT = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  network: 3,
  provider: 4,
  userStep: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class OidcProbeError extends Error {
  abstract readonly exit: ExitCode;
  /** Stable machine-readable code for `{"error": {"code": …}}`. */
  readonly code: string;
  /** Optional second line telling the user what to do. */
  readonly hint: string | undefined;
  /** Partial results to include in JSON output (e.g. decoded claims). */
  partial: Record<string, unknown> | undefined;

  constructor(code: string, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.hint = opts.hint;
  }
}

/** Unknown/missing/contradictory options, unreadable files, input that is not a JWT or not JSON. */
export class UsageError extends OidcProbeError {
  readonly exit = EXIT.usage;
  override name = 'UsageError';
}

/** Connection refused, DNS, TLS, timeout, non-2xx without an OAuth error body, invalid JSON from a server. */
export class NetworkError extends OidcProbeError {
  readonly exit = EXIT.network;
  override name = 'NetworkError';
}

/** The provider answered with an OAuth/OIDC error (RFC 6749 §4.1.2.1, §5.2). */
export class ProviderError extends OidcProbeError {
  readonly exit = EXIT.provider;
  override name = 'ProviderError';
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;

  constructor(
    oauth: { error: string; error_description?: string | undefined; error_uri?: string | undefined },
    where: string,
    opts: { hint?: string } = {},
  ) {
    const desc = oauth.error_description ? `: ${oauth.error_description}` : '';
    super('provider_error', `${where} answered with error "${oauth.error}"${desc}`, opts);
    this.error = oauth.error;
    this.errorDescription = oauth.error_description;
    this.errorUri = oauth.error_uri;
  }
}

/** The user step did not finish: no callback before --timeout, device code expired. */
export class UserStepError extends OidcProbeError {
  readonly exit = EXIT.userStep;
  override name = 'UserStepError';
}

/** Ctrl-C. Listeners are closed before this is thrown. */
export class InterruptedError extends OidcProbeError {
  readonly exit = EXIT.interrupted;
  override name = 'InterruptedError';
  constructor() {
    super('interrupted', 'interrupted');
  }
}

/** Exit code for anything thrown; unknown errors are bugs and map to 1 with their stack under --debug. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof OidcProbeError) return err.exit;
  return 1;
}
