// Bad input a pure rule found in something the user handed us becomes a usage error (exit 2) here,
// at the edge that read it, with the rule's one sentence.
import { UsageError } from '../errors.js';
import { ProtocolInputError } from '../protocol/input-error.js';

export async function asUsage<T>(work: () => T | Promise<T>, hint?: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ProtocolInputError)
      throw new UsageError(err.code, err.message, hint !== undefined ? { hint } : {});
    throw err;
  }
}
