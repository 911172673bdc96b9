// The grants `token` runs: the name on the command line and the grant_type sent (RFC 6749 §4,
// RFC 8628 §3.4, RFC 8693 §2.1, RFC 7523 §2.1). One list, for the option, the request and the help.

export const GRANT_TYPES = {
  client_credentials: 'client_credentials',
  refresh_token: 'refresh_token',
  password: 'password',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
} as const;

export type GrantName = keyof typeof GRANT_TYPES;

export const GRANT_NAMES = Object.keys(GRANT_TYPES) as GrantName[];

export function isGrantName(value: string): value is GrantName {
  return Object.hasOwn(GRANT_TYPES, value);
}
