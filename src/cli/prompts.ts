// Asking a person for what is missing (cli-contract.md "Configuration"): only when stdin and stderr
// are terminals and CI is unset; prompts go to stderr so stdout stays the result. The inquirer
// family is loaded only when a prompt is actually shown.
import { UsageError } from '../errors.js';
import { canPrompt, missingSetting, type Settings } from './settings.js';

export interface LoginPromptAnswers {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
}

/** Fill issuer, client id and (if the person says there is one) the client secret; the secret is never echoed. */
export async function promptForLogin(settings: Settings, hasSecret: boolean): Promise<LoginPromptAnswers> {
  const issuer = settings.issuer?.value;
  const clientId = settings['client-id']?.value;
  if (issuer !== undefined && clientId !== undefined) return { issuer, clientId };
  if (!canPrompt()) throw missingSetting(issuer === undefined ? 'issuer' : 'client-id');
  const { input, confirm, password } = await import('@inquirer/prompts');
  const io = { input: process.stdin, output: process.stderr };
  try {
    const answers: LoginPromptAnswers = {
      issuer:
        issuer ??
        (await input(
          {
            message: 'Issuer URL',
            validate: (v) => /^https?:\/\/\S+$/.test(v.trim()) || 'an http(s) URL, e.g. https://login.example.com',
          },
          io,
        )),
      clientId:
        clientId ??
        (await input(
          { message: 'Client ID', validate: (v) => v.trim() !== '' || 'the client_id registered at the provider' },
          io,
        )),
    };
    if (
      !hasSecret &&
      (await confirm({ message: 'Does this client have a secret (a confidential client)?', default: false }, io))
    ) {
      answers.clientSecret = await password({ message: 'Client secret', mask: true }, io);
    }
    return { ...answers, issuer: answers.issuer.trim(), clientId: answers.clientId.trim() };
  } catch (err) {
    // Ctrl-C inside a prompt: the contract's 130, via the usual interrupt path.
    if ((err as Error).name === 'ExitPromptError') process.kill(process.pid, 'SIGINT');
    throw new UsageError('prompt_failed', `could not ask for the missing settings: ${(err as Error).message}`);
  }
}
