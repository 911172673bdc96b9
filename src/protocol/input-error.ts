// Bad input found by a pure rule: a DPoP key that is not an asymmetric private key, authorization
// details that are not an array of objects, a decryption key that does not fit a JWE. Not a failed
// check (nothing was received yet, or nothing can be checked): the edge that read the input maps it
// to a usage error (exit 2), keeping its one-sentence message.
import type { UsageErrorCode } from '../errors.js';

export class ProtocolInputError extends Error {
  override name = 'ProtocolInputError';
  constructor(
    /** Stable code for `{"error": {"code": …}}`. */
    readonly code: UsageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
