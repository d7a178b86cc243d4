// `modelshelf gc`: retention and clean-up. Pinned, aliased and latest versions are never removed.
import { type Command, Option } from 'commander';
import { outputFor, parseDuration, parsePositiveInt, runAction, withStore } from '../../kit/index.ts';

interface GcCliOptions {
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
    .action(
      runAction(async (opts: GcCliOptions, cmd: Command) => {
        const out = outputFor(cmd);
        const report = await withStore(cmd, (s) =>
          s.gc({ keep: opts.keep, graceMs: opts.grace, dryRun: opts.dryRun === true, prefix: opts.prefix }),
        );
        if (out.json) return out.printJson(report);
        for (const a of report.actions) {
          const target = a.model ? `${a.model}${a.version !== undefined ? `@${a.version}` : ''}: ` : '';
          out.line(`${report.dryRun ? 'would ' : ''}${a.kind} ${target}${a.detail}`);
        }
        const n = report.actions.length;
        const actions = `${n} action${n === 1 ? '' : 's'}`;
        out.note(
          `${report.dryRun ? `dry run: would take ${actions}, nothing removed` : `${actions} taken`}; ${report.kept} version${report.kept === 1 ? '' : 's'} kept`,
        );
      }),
    );
}
