// Looking at argv before commander parses it, to decide what needs loading.
import type { Command } from 'commander';

/** The first argument that is not an option or an option's value: the command name, if any. */
export function firstOperand(argv: readonly string[], program: Command): string | undefined {
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter(Boolean)),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && takesValue.has(arg)) i++;
      continue;
    }
    return arg;
  }
  return undefined;
}
