// Asking a person for what is missing, on stderr so stdout stays the result. Whether a prompt may
// be shown at all is the command's decision (commands/shared/settings.ts canPrompt); the inquirer
// family is loaded only when a prompt is actually shown.
import type { Readable } from 'node:stream';
import { InterruptedError, UsageError } from '../errors.js';

export interface LoginPromptAnswers {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
}

export interface PromptStreams {
  stdin: Readable;
  stderr: unknown;
}

/** Ask for the issuer and client id not already known and, unless one is known, whether there is a secret. */
export async function promptForLogin(
  streams: PromptStreams,
  known: { issuer?: string | undefined; clientId?: string | undefined; hasSecret: boolean },
): Promise<LoginPromptAnswers> {
  const { input, confirm, password } = await import('@inquirer/prompts');
  const io = { input: streams.stdin, output: streams.stderr as NodeJS.WritableStream };
  try {
    const issuer =
      known.issuer ??
      (await input(
        {
          message: 'Issuer URL',
          validate: (v) => /^https?:\/\/\S+$/.test(v.trim()) || 'an http(s) URL, e.g. https://login.example.com',
        },
        io,
      ));
    const clientId =
      known.clientId ??
      (await input(
        { message: 'Client ID', validate: (v) => v.trim() !== '' || 'the client_id registered at the provider' },
        io,
      ));
    const answers: LoginPromptAnswers = { issuer: issuer.trim(), clientId: clientId.trim() };
    if (
      !known.hasSecret &&
      (await confirm({ message: 'Does this client have a secret (a confidential client)?', default: false }, io))
    ) {
      answers.clientSecret = await password({ message: 'Client secret', mask: true }, io);
    }
    return answers;
  } catch (err) {
    // Ctrl-C inside a prompt: the contract's 130.
    if ((err as Error).name === 'ExitPromptError') throw new InterruptedError();
    throw new UsageError('prompt_failed', `could not ask for the missing settings: ${(err as Error).message}`);
  }
}
