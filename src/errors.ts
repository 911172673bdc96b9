// The one error model (cli-contract.md "Exit codes"). Every failure that is not a failed check is
// one of these classes with a stable code from ERROR_CODES, the closed set of codes and the exit
// code each one means; only src/main.ts (through run-command.ts) turns them into exits and messages.

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

/** Every error code oidc-probe reports in `{"error": {"code": …}}`, with its exit code. */
export const ERROR_CODES = {
  // 2: usage: options, files, input the user gave
  usage: EXIT.usage,
  missing_option: EXIT.usage,
  contradictory_options: EXIT.usage,
  unknown_auth_method: EXIT.usage,
  unknown_grant: EXIT.usage,
  unknown_profile: EXIT.usage,
  bad_config: EXIT.usage,
  unreadable_config: EXIT.usage,
  unreadable_file: EXIT.usage,
  unreadable_ca: EXIT.usage,
  file_too_large: EXIT.usage,
  input_too_large: EXIT.usage,
  no_input: EXIT.usage,
  not_a_jwt: EXIT.usage,
  id_token_given: EXIT.usage,
  bad_alg: EXIT.usage,
  bad_key: EXIT.usage,
  bad_jwks_file: EXIT.usage,
  bad_private_key: EXIT.usage,
  bad_decryption_key: EXIT.usage,
  bad_dpop_key: EXIT.usage,
  bad_jwk: EXIT.usage,
  bad_signing_alg: EXIT.usage,
  bad_authorization_details: EXIT.usage,
  decryption_key_mismatch: EXIT.usage,
  encryption_not_supported: EXIT.usage,
  no_encryption_key: EXIT.usage,
  bad_client_certificate: EXIT.usage,
  bad_flow: EXIT.usage,
  bad_response_type: EXIT.usage,
  bad_response_mode: EXIT.usage,
  bad_redirect_uri: EXIT.usage,
  bad_param: EXIT.usage,
  bad_issuer: EXIT.usage,
  missing_key_source: EXIT.usage,
  missing_client_secret: EXIT.usage,
  missing_client_certificate: EXIT.usage,
  missing_credentials: EXIT.usage,
  missing_assertion: EXIT.usage,
  missing_refresh_token: EXIT.usage,
  missing_subject_token: EXIT.usage,
  endpoint_not_advertised: EXIT.usage,
  no_such_entry: EXIT.usage,
  ambiguous_entry: EXIT.usage,
  corrupt_entry: EXIT.usage,
  har_not_writable: EXIT.usage,
  report_not_writable: EXIT.usage,
  report_format: EXIT.usage,
  port_in_use: EXIT.usage,
  lock_failed: EXIT.usage,
  untrusted_path: EXIT.usage,
  cache_not_writable: EXIT.usage,
  bad_proxy: EXIT.usage,
  listen_failed: EXIT.usage,
  bad_client: EXIT.usage,
  bad_issuer_path: EXIT.usage,
  bad_user: EXIT.usage,
  unknown_defect: EXIT.usage,
  bad_listen: EXIT.usage,
  non_loopback_listen: EXIT.usage,
  paste_failed: EXIT.usage,
  prompt_failed: EXIT.usage,
  // 3: network: the server could not be reached or did not answer as HTTP/JSON should
  network: EXIT.network,
  connection_refused: EXIT.network,
  connection_reset: EXIT.network,
  dns: EXIT.network,
  tls: EXIT.network,
  timeout: EXIT.network,
  http_status: EXIT.network,
  invalid_json: EXIT.network,
  too_large: EXIT.network,
  proxy: EXIT.network,
  bad_url: EXIT.network,
  bad_jwks: EXIT.network,
  bad_userinfo: EXIT.network,
  bad_device_response: EXIT.network,
  bad_device_poll: EXIT.network,
  // 4: the provider answered with an OAuth/OIDC error
  provider_error: EXIT.provider,
  // 5: the user step did not finish
  callback_timeout: EXIT.userStep,
  device_code_expired: EXIT.userStep,
  // 130
  interrupted: EXIT.interrupted,
} as const satisfies Record<string, ExitCode>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes of usage errors (exit 2), which pure rules may name for input they refuse. */
export type UsageErrorCode = CodeFor<2>;
/** The codes whose exit code is E: each error class accepts only its own. */
export type CodeFor<E extends ExitCode> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K] extends E ? K : never;
}[ErrorCode];

export abstract class OidcProbeError extends Error {
  /** Stable machine-readable code for `{"error": {"code": …}}`. */
  readonly code: ErrorCode;
  /** Optional second line telling the user what to do. */
  readonly hint: string | undefined;
  /** Partial results to include in JSON output (e.g. decoded claims). */
  partial: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.hint = opts.hint;
  }

  get exit(): ExitCode {
    return ERROR_CODES[this.code];
  }
}

/** Unknown/missing/contradictory options, unreadable files, input that is not a JWT or not JSON. */
export class UsageError extends OidcProbeError {
  override name = 'UsageError';
  constructor(code: CodeFor<2>, message: string, opts: { hint?: string | undefined; cause?: unknown } = {}) {
    super(code, message, opts);
  }
}

/** Connection refused, DNS, TLS, timeout, non-2xx without an OAuth error body, invalid JSON from a server. */
export class NetworkError extends OidcProbeError {
  override name = 'NetworkError';
  constructor(code: CodeFor<3>, message: string, opts: { hint?: string | undefined; cause?: unknown } = {}) {
    super(code, message, opts);
  }
}

/** The provider answered with an OAuth/OIDC error (RFC 6749 §4.1.2.1, §5.2). */
export class ProviderError extends OidcProbeError {
  override name = 'ProviderError';
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;

  constructor(
    oauth: { error: string; error_description?: string | undefined; error_uri?: string | undefined },
    where: string,
    opts: { hint?: string | undefined } = {},
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
  override name = 'UserStepError';
  constructor(code: CodeFor<5>, message: string, opts: { hint?: string | undefined; cause?: unknown } = {}) {
    super(code, message, opts);
  }
}

/** Ctrl-C. Listeners are closed before this is thrown. */
export class InterruptedError extends OidcProbeError {
  override name = 'InterruptedError';
  constructor() {
    super('interrupted', 'interrupted');
  }
}

/** Exit code for anything thrown; an error outside the set is a bug (exit 1, stack under --debug). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof OidcProbeError) return err.exit;
  return EXIT.checkFailed;
}
