// Every command's action goes through runAction: it sets the exit code from the action's result
// or from the error's category, and prints errors the same way everywhere.
import type { Command } from 'commander';
import { colorEnabled } from './color.ts';
import { describeError, exitCodeForReport, formatErrorReport } from './errors.ts';
import { globalOptions } from './options.ts';

const isCommand = (value: unknown): value is Command =>
  typeof (value as Command | undefined)?.optsWithGlobals === 'function';

/** Prints `err` to stderr (text or JSON) and returns the exit code for it. */
export function reportError(
  err: unknown,
  json: boolean,
  stderr: NodeJS.WriteStream = process.stderr,
): number {
  const report = describeError(err);
  stderr.write(formatErrorReport(report, { json, color: colorEnabled(stderr) }));
  if (process.env.MODELSHELF_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return exitCodeForReport(report);
}

/**
 * Wraps a commander action. The action may return an exit code (e.g. `verify` returns 4 when it found
 * corrupt files); a thrown error is reported and mapped to its category's code. The process is left
 * to exit on its own (via process.exitCode) so that buffered stdout is flushed completely.
 */
export function runAction<A extends unknown[]>(
  // biome-ignore lint/suspicious/noConfusingVoidType: actions may end with `return out.printJson(…)` (void)
  fn: (...args: A) => Promise<number | undefined | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = [...args].reverse().find(isCommand);
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      process.exitCode = reportError(err, cmd ? globalOptions(cmd).json : process.argv.includes('--json'));
    }
  };
}

/**
 * An action whose code is imported only when the command runs: `load` resolves to the action
 * (typically `async () => (await import('./x-action.ts')).xAction`). Each command's descriptor
 * (name, options, help) stays cheap to build, so `--help` loads no action module and none of the
 * libraries they use (the registry, zod, the loader, the trainer). A failure to load is reported
 * like any error of the action.
 */
export function lazyAction<A extends unknown[]>(
  // biome-ignore lint/suspicious/noConfusingVoidType: as in runAction
  load: () => Promise<(...args: A) => Promise<number | undefined | void>>,
): (...args: A) => Promise<void> {
  return runAction(async (...args: A) => (await load())(...args));
}
