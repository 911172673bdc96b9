// `oidc-probe completion bash|zsh|fish`: a completion script generated from this very program,
// so every registered command and option completes, including ones added later.
import { Argument, type Command, type Option } from 'commander';
import type { RunAction } from '../shared/options.js';
import type { CompletionCommand, CompletionOption, Shell } from './render.js';

const SHELL_NAMES = ['bash', 'zsh', 'fish'];

export function registerCompletion(program: Command, runAction: RunAction): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(oidc-probe completion bash)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELL_NAMES))
    .action((shell: Shell, _opts: unknown, cmd: Command) =>
      runAction(cmd, async () => {
        const { completionScript } = await import('./render.js');
        const script = completionScript(shell, describeCommand(rootOf(cmd)));
        return { data: { shell, script }, human: () => script };
      }),
    );
}

function rootOf(cmd: Command): Command {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root;
}

/** The commander tree as plain data for the generator (hidden options and commands left out). */
export function describeCommand(cmd: Command): CompletionCommand {
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const first = cmd.registeredArguments[0];
  return {
    name: cmd.name(),
    description: cmd.description(),
    options: [...cmd.options, ...(cmd.parent ? [] : helpOption(cmd))].filter((o) => !o.hidden).map(describeOption),
    commands: [...visible.map(describeCommand), ...helpCommand(cmd, visible)],
    ...(first?.argChoices ? { argChoices: [...first.argChoices] } : {}),
  };
}

function describeOption(option: Option): CompletionOption {
  const takesValue = option.required || option.optional;
  const placeholder = /<([^>]+)>|\[([^\]]+)\]/.exec(option.flags);
  return {
    flags: [option.short, option.long].filter((f): f is string => Boolean(f)),
    description: option.description,
    takesValue,
    ...(option.argChoices ? { choices: [...option.argChoices] } : {}),
    ...(takesValue && placeholder && /file|dir|path/i.test(placeholder[1] ?? placeholder[2] ?? '')
      ? { file: true }
      : {}),
  };
}

/** commander's implicit `help [command]`, completing the command names. */
function helpCommand(cmd: Command, visible: Command[]): CompletionCommand[] {
  const help = (cmd as unknown as { _getHelpCommand?: () => Command | null })._getHelpCommand?.();
  if (!help || visible.length === 0) return [];
  return [
    {
      name: help.name(),
      description: help.description(),
      options: [],
      commands: [],
      argChoices: visible.map((c) => c.name()),
    },
  ];
}

/** commander adds -h/--help lazily; it is not in cmd.options. Only the root's: it works everywhere. */
function helpOption(cmd: Command): Option[] {
  const help = (cmd as unknown as { _getHelpOption?: () => Option | null })._getHelpOption?.();
  return help ? [help] : [];
}
