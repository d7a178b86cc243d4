// The action of `modelshelf import kepler` (descriptor: import-kepler.ts), loaded only when it runs.

import type { Command } from 'commander';
import { outputFor, withStore } from '../../kit/index.ts';
import type { ImportKeplerOptions } from './import-kepler.ts';

export async function importKeplerAction(
  path: string,
  opts: ImportKeplerOptions,
  cmd: Command,
): Promise<void> {
  const out = outputFor(cmd);
  const { importKeplerModels } = await import('@modelshelf/loader');
  const report = await withStore(cmd, (store) =>
    importKeplerModels(store, path, {
      prefix: opts.prefix,
      byPipeline: opts.byPipeline,
      dryRun: opts.dryRun,
    }),
  );
  if (out.json) return out.printJson(report);
  for (const s of report.skipped) out.note(`skipped ${s.path}: ${s.reason}`);
  if (report.results.length === 0) return out.note(`no Kepler models found under ${JSON.stringify(path)}`);
  out.table(
    [{ header: 'MODEL' }, { header: 'STATUS' }, { header: 'VERSION', align: 'right' }, { header: 'FILES' }],
    report.results.map((r) => [r.model, r.status, String(r.version ?? '-'), r.files.join(', ')]),
  );
}
