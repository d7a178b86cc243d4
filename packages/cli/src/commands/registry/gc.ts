// `modelshelf gc`: retention and clean-up. Pinned, aliased and latest versions are never removed.
// The action is in gc-action.ts, loaded only when the command runs.
import { type Command, Option } from 'commander';
import { parseDuration, parsePositiveInt } from '../../kit/parse.ts';
import { lazyAction } from '../../kit/run.ts';

export interface GcCliOptions {
  keep: number;
  grace: number;
  dryRun?: boolean;
  prefix?: string;
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('delete old unprotected versions and reclaim what crashed publishers left behind')
    .addOption(
      new Option('--keep <n>', 'committed versions to keep per model, newest first')
        .argParser(parsePositiveInt)
        .default(10),
    )
    .addOption(
      new Option('--grace <duration>', 'leave uncommitted uploads younger than this (30s, 10m, 1h, 7d)')
        .argParser(parseDuration)
        .default(3_600_000, '1h'),
    )
    .option('--dry-run', 'print what would be removed without removing anything')
    .option('--prefix <prefix>', 'only models whose name starts with this')
    .addHelpText(
      'after',
      `
Pinned, aliased and latest versions are always kept, whatever --keep says.

Examples:
  $ modelshelf gc --dry-run
  $ modelshelf gc --keep 5 --grace 7d --prefix rapl-sysfs/`,
    )
    .action(lazyAction(async () => (await import('./gc-action.ts')).gcAction));
}
