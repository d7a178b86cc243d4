// The action of `modelshelf gc` (descriptor: gc.ts), loaded only when the command runs.
import type { Command } from 'commander';
import { outputFor, withStore } from '../../kit/index.ts';
import type { GcCliOptions } from './gc.ts';

export async function gcAction(opts: GcCliOptions, cmd: Command): Promise<void> {
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
}
