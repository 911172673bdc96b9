// Shell completion scripts (bash, zsh, fish) generated from a description of the command tree.
// Pure: src/commands/completion/options.ts builds the tree from the commander program, so commands that land
// later complete without anyone editing this file.

export type Shell = 'bash' | 'zsh' | 'fish';

export interface CompletionOption {
  /** e.g. ['-V', '--version'] */
  flags: string[];
  description: string;
  takesValue: boolean;
  /** Fixed values (commander's .choices()). */
  choices?: string[];
  /** The value is a path: complete file names. */
  file?: boolean;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  commands: CompletionCommand[];
  /** Fixed values of the first positional argument, if it has any. */
  argChoices?: string[];
}

export function completionScript(shell: Shell, program: CompletionCommand): string {
  switch (shell) {
    case 'bash':
      return bashScript(program);
    case 'zsh':
      return zshScript(program);
    case 'fish':
      return fishScript(program);
  }
}

/** Every command with its path from the root ('' for the root), parents first. */
function walk(cmd: CompletionCommand, path: string[] = []): { path: string[]; cmd: CompletionCommand }[] {
  return [{ path, cmd }, ...cmd.commands.flatMap((sub) => walk(sub, [...path, sub.name]))];
}

const functionName = (program: CompletionCommand) => '_' + program.name.replace(/[^A-Za-z0-9]/g, '_');
const firstLine = (text: string) => text.split('\n')[0]!.replace(/\s+/g, ' ').trim();

// ---- bash ---------------------------------------------------------------------------------

function bashScript(program: CompletionCommand): string {
  const fn = functionName(program);
  const nodes = walk(program);
  const globalFlags = program.options.flatMap((o) => o.flags);
  const descend = nodes.slice(1).map(({ path }) => {
    const parent = path.slice(0, -1).join(' ');
    return `      ${bashQuote(`${parent}:${path.at(-1)}`)}) path=${bashQuote(path.join(' '))} ;;`;
  });
  const blocks = nodes.map(({ path, cmd }) => {
    const own = path.length === 0 ? [] : cmd.options;
    const flags = [...own.flatMap((o) => o.flags), ...globalFlags];
    const valueCases = [...own, ...program.options]
      .filter((o) => o.takesValue)
      .map((o) => {
        const pattern = o.flags.map(bashQuote).join('|');
        if (o.choices)
          return (
            `        ${pattern}) COMPREPLY=($(compgen -W ${bashQuote(o.choices.join(' '))} -- ` +
            `"$cur")); return 0 ;;`
          );
        if (o.file) return `        ${pattern}) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;`;
        return `        ${pattern}) return 0 ;;`;
      });
    const words = cmd.commands.length ? cmd.commands.map((c) => c.name) : (cmd.argChoices ?? []);
    return [
      `    ${bashQuote(path.join(' '))})`,
      ...(valueCases.length ? ['      case "$prev" in', ...valueCases, '      esac'] : []),
      `      flags=${bashQuote(flags.join(' '))}`,
      `      words=${bashQuote(words.join(' '))}`,
      '      ;;',
    ].join('\n');
  });
  return `# ${program.name} completion for bash.
# Load it now:        source <(${program.name} completion bash)
# Or for every shell: ${program.name} completion bash > ~/.local/share/bash-completion/completions/${program.name}
${fn}() {
  local cur prev path="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  if [ "$COMP_CWORD" -gt 0 ]; then prev="\${COMP_WORDS[COMP_CWORD-1]}"; fi
  # Which (sub)command are we in? Each word that names a child of the current command descends.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "$path:\${COMP_WORDS[i]}" in
${descend.join('\n')}
    esac
  done
  local flags="" words=""
  case "$path" in
${blocks.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [ -n "$words" ]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=()
  fi
  return 0
}
complete -o default -F ${fn} ${program.name}
`;
}

function bashQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// ---- zsh ----------------------------------------------------------------------------------

function zshScript(program: CompletionCommand): string {
  const fn = functionName(program);
  const globals = program.options.flatMap(zshOptionSpecs);
  const functions = walk(program).map(({ path, cmd }) => {
    const name = [fn, ...path].join('_').replace(/[^A-Za-z0-9_]/g, '_');
    const specs = [...(path.length ? cmd.options.flatMap(zshOptionSpecs) : []), ...globals];
    const lines: string[] = [`${name}() {`];
    if (cmd.commands.length) {
      lines.push('  local curcontext="$curcontext" state line', '  local -a commands', '  commands=(');
      for (const sub of cmd.commands)
        lines.push(`    ${zshQuote(`${sub.name.replace(/:/g, '\\:')}:${firstLine(sub.description)}`)}`);
      lines.push('  )');
      lines.push(`  _arguments -C \\`);
      for (const spec of specs) lines.push(`    ${spec} \\`);
      lines.push(`    '1: :->command' \\`, `    '*:: :->args' && return`);
      lines.push(
        '  case $state in',
        `    command) _describe -t commands 'command' commands ;;`,
        '    args)',
        '      case $line[1] in',
      );
      for (const sub of cmd.commands)
        lines.push(`        ${zshQuote(sub.name)}) ${[name, sub.name].join('_').replace(/[^A-Za-z0-9_]/g, '_')} ;;`);
      lines.push('      esac ;;', '  esac');
    } else {
      const arg = cmd.argChoices ? `'1:value:(${cmd.argChoices.join(' ')})'` : `'*::argument:_files'`;
      lines.push('  _arguments \\');
      for (const spec of specs) lines.push(`    ${spec} \\`);
      lines.push(`    ${arg}`);
    }
    lines.push('}');
    return lines.join('\n');
  });
  return `#compdef ${program.name}
# ${program.name} completion for zsh.
# Load it now:        source <(${program.name} completion zsh)
# Or put it on $fpath: ${program.name} completion zsh > "\${fpath[1]}/_${program.name}"
${functions.join('\n\n')}

if [ "$funcstack[1]" = "${fn}" ]; then
  ${fn} "$@"
else
  compdef ${fn} ${program.name}
fi
`;
}

function zshOptionSpecs(option: CompletionOption): string[] {
  const description = firstLine(option.description)
    .replace(/\\/g, '\\\\')
    .replace(/([[\]:])/g, '\\$1');
  const value = !option.takesValue
    ? ''
    : option.choices
      ? `:value:(${option.choices.join(' ')})`
      : option.file
        ? ':file:_files'
        : ':value: ';
  return option.flags.map((flag) => zshQuote(`${flag}[${description}]${value}`));
}

function zshQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// ---- fish ---------------------------------------------------------------------------------

function fishScript(program: CompletionCommand): string {
  const name = program.name;
  const lines = [
    `# ${name} completion for fish.`,
    `# Load it now:        ${name} completion fish | source`,
    `# Or for every shell: ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `complete -c ${name} -f`,
  ];
  for (const option of program.options) lines.push(fishOption(name, '', option));
  for (const { path, cmd } of walk(program).slice(1)) {
    const parent = path.slice(0, -1);
    // The subcommand is offered where its parent is the deepest command seen so far.
    const siblings = (parent.length ? findCommand(program, parent) : program).commands.map((c) => c.name);
    const at = parent.length
      ? `__fish_seen_subcommand_from ${parent.at(-1)}; and not __fish_seen_subcommand_from ${siblings.join(' ')}`
      : `not __fish_seen_subcommand_from ${siblings.join(' ')}`;
    lines.push(
      `complete -c ${name} -n ${fishQuote(at)} -a ${fishQuote(cmd.name)} -d ${fishQuote(firstLine(cmd.description))}`,
    );
    const inCommand = `__fish_seen_subcommand_from ${cmd.name}`;
    for (const option of cmd.options) lines.push(fishOption(name, inCommand, option));
    if (cmd.argChoices && cmd.commands.length === 0)
      lines.push(`complete -c ${name} -n ${fishQuote(inCommand)} -a ${fishQuote(cmd.argChoices.join(' '))}`);
  }
  return lines.join('\n') + '\n';
}

function findCommand(program: CompletionCommand, path: string[]): CompletionCommand {
  let cmd = program;
  for (const part of path) cmd = cmd.commands.find((c) => c.name === part)!;
  return cmd;
}

function fishOption(name: string, condition: string, option: CompletionOption): string {
  const parts = [`complete -c ${name}`];
  if (condition) parts.push(`-n ${fishQuote(condition)}`);
  for (const flag of option.flags) {
    if (flag.startsWith('--')) parts.push(`-l ${flag.slice(2)}`);
    else parts.push(`-s ${flag.slice(1)}`);
  }
  if (option.takesValue) {
    if (option.choices) parts.push(`-x -a ${fishQuote(option.choices.join(' '))}`);
    else if (option.file) parts.push('-r -F');
    else parts.push('-x');
  }
  parts.push(`-d ${fishQuote(firstLine(option.description))}`);
  return parts.join(' ');
}

function fishQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
