// `modelshelf report`: stored versions → one self-contained HTML report (predicted against measured
// watts from each version's holdout.json, residuals, errors, errors across versions, the model the
// estimator would serve per feature group). The work is in @modelshelf/trainer/report.
// The action is in report-action.ts, loaded only when the command runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';

export interface ReportCommandOptions {
  out: string;
}

export function registerReportCommand(program: Command): Command {
  return program
    .command('report')
    .description(
      'write an HTML report of stored versions: holdout plots, errors, versions, the estimator’s choice',
    )
    .argument('<refs...>', 'models or versions to show, e.g. MODEL, MODEL@3, MODEL@stable')
    .requiredOption('--out <dir>', 'directory to write index.html into (created if missing)')
    .addHelpText(
      'after',
      `
The report is one file (index.html) with its charts' script inlined: it opens offline.

Examples:
  $ modelshelf report rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0 --out ./report
  $ modelshelf report rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0@3 rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0@4 --out ./report`,
    )
    .action(lazyAction(async () => (await import('./report-action.ts')).reportAction));
}
