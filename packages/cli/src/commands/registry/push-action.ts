// The action of `modelshelf push` (descriptor: push.ts), loaded only when the command runs.
import type { Command } from 'commander';
import {
  detectLocalFormats,
  outputFor,
  parseMetaPairs,
  readMetadataFile,
  startProgress,
  withStore,
} from '../../kit/index.ts';
import type { PushOptions } from './push.ts';
import { collectLocalFiles } from './push-files.ts';

export async function pushAction(
  model: string,
  paths: string[],
  opts: PushOptions,
  cmd: Command,
): Promise<void> {
  const out = outputFor(cmd);
  const metadata = {
    ...(opts.metadata !== undefined ? readMetadataFile(opts.metadata) : {}),
    ...parseMetaPairs(opts.meta),
  };
  const files = await collectLocalFiles(paths);
  // Without --format, formats a registered detector recognises (e.g. Kepler weights) are declared.
  const formats =
    opts.format !== undefined
      ? [{ name: opts.format, files: files.map((f) => f.path) }]
      : await detectLocalFormats(files);
  if (opts.format === undefined)
    for (const f of formats) out.note(`detected format ${f.name}: ${f.files.join(', ')}`);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const done = new Map<string, number>();
  const progress = await startProgress(out, `push ${model}`, total);
  const result = await withStore(cmd, (store) =>
    store
      .publish({
        model,
        files: files.map((f) => ({ path: f.path, sourcePath: f.sourcePath })),
        metadata,
        formats,
        onProgress: (p) => {
          done.set(p.path, p.bytes);
          progress.update([...done.values()].reduce((a, b) => a + b, 0));
        },
      })
      .finally(() => progress.stop()),
  );
  if (out.json) out.printJson({ model: result.model, version: result.version, digest: result.digest });
  else if (out.quiet) out.line(`${result.model}@${result.version}`);
  else
    out.line(
      `published ${result.model}@${result.version} (${files.length} file${files.length === 1 ? '' : 's'}, ${result.digest})`,
    );
}
