// `modelshelf push <model> <path...>`: publish files or directories as the model's next version.
import type { Command } from 'commander';
import {
  collect,
  detectLocalFormats,
  outputFor,
  parseMetaPairs,
  readMetadataFile,
  runAction,
  startProgress,
  withStore,
} from '../../kit/index.ts';
import { collectLocalFiles } from './push-files.ts';

interface PushOptions {
  metadata?: string;
  meta: string[];
  format?: string;
}

export function registerPush(program: Command): void {
  program
    .command('push')
    .description('publish files or directories as the next version of a model')
    .argument('<model>', 'model name, e.g. rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0')
    .argument('<path...>', 'files and directories to publish (directories recursively)')
    .option('--metadata <file>', 'JSON file whose object becomes the version metadata')
    .option('--meta <key=value>', 'one metadata entry; JSON values keep their type (repeatable)', collect, [])
    .option(
      '--format <name>',
      'declare every pushed file as this format (e.g. kepler-weights, tfjs); without it, known formats are detected',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ modelshelf push rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0 ./out --meta mae=12.3 --meta mape=4.1
  $ modelshelf push node/acpi/LinearRegression_0 weights.json --format kepler-weights --metadata metadata.json`,
    )
    .action(
      runAction(async (model: string, paths: string[], opts: PushOptions, cmd: Command) => {
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
      }),
    );
}
