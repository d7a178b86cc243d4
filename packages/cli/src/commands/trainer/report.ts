// `modelshelf report`: stored versions → one self-contained HTML report (predicted against measured
// watts from each version's holdout.json, residuals, errors, errors across versions, the model the
// estimator would serve per feature group). The work is in @modelshelf/trainer/report.
import type { Command } from 'commander';
import { outputFor, runAction, withStore } from '../../kit/index.ts';

interface ReportCommandOptions {
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
    .action(
      runAction(async (refs: string[], opts: ReportCommandOptions, cmd: Command) => {
        const out = outputFor(cmd);
        const { storeReport, writeReport } = await import('@modelshelf/trainer/report');
        const input = await withStore(cmd, (store) => storeReport(store, refs));
        const file = await writeReport(opts.out, input);
        const charts = input.models.filter((m) => m.holdout).length;
        if (out.json) {
          out.printJson({ file, models: input.models.map((m) => ({ model: m.name, version: m.version })) });
        } else {
          out.line(
            `wrote ${file} (${input.models.length} version${input.models.length === 1 ? '' : 's'}, ${charts} with holdout plots)`,
          );
          for (const m of input.models) if (m.holdoutMissing) out.line(`note: ${m.holdoutMissing}`);
        }
      }),
    );
}
