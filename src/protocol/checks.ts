// Validation as data: every rule yields a row; `valid` is derived, never stored apart.

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** Stable ids from cli-contract.md ("Checks"). Discovery ids are `discovery.<field>` / `jwks.<what>`. */
export type TokenCheckId =
  | 'format'
  | 'alg'
  | 'kid'
  | 'signature'
  | 'typ'
  | 'iss'
  | 'aud'
  | 'azp'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'sub'
  | 'nonce'
  | 'auth_time'
  | 'acr'
  | 'at_hash'
  | 'c_hash'
  | 's_hash';
export type FlowCheckId = 'state' | 'iss_param' | 'pkce' | 'userinfo_sub' | 'token_type';
export type CheckId = TokenCheckId | FlowCheckId | `discovery.${string}` | `jwks.${string}` | (string & {});

export interface Check {
  id: CheckId;
  status: CheckStatus;
  message: string;
  expected?: unknown;
  actual?: unknown;
  /** Where the row came from when a result merges several validations (e.g. "id_token", "userinfo"). */
  source?: string;
  /** One sentence: a known provider quirk that explains the row, or what to try (provider-quirks.ts). */
  hint?: string;
}

type Extra = { expected?: unknown; actual?: unknown };

export const pass = (id: CheckId, message: string, extra: Extra = {}): Check => ({
  id,
  status: 'pass',
  message,
  ...extra,
});
export const fail = (id: CheckId, message: string, extra: Extra = {}): Check => ({
  id,
  status: 'fail',
  message,
  ...extra,
});
export const warn = (id: CheckId, message: string, extra: Extra = {}): Check => ({
  id,
  status: 'warn',
  message,
  ...extra,
});
export const skip = (id: CheckId, message: string, extra: Extra = {}): Check => ({
  id,
  status: 'skip',
  message,
  ...extra,
});

/** valid is false exactly when some check failed (cli-contract.md). */
export function isValid(checks: readonly Check[]): boolean {
  return !checks.some((c) => c.status === 'fail');
}

export function countByStatus(checks: readonly Check[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}
