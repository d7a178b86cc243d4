// The action of `modelshelf report` (descriptor: report.ts), loaded only when the command runs.
import type { Command } from 'commander';
import { outputFor, withStore } from '../../kit/index.ts';
import type { ReportCommandOptions } from './report.ts';

export async function reportAction(refs: string[], opts: ReportCommandOptions, cmd: Command): Promise<void> {
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
}
