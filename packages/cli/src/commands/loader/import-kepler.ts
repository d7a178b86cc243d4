// `modelshelf import kepler <path>`: ingests a kepler-model-db checkout (or one pipeline, model folder
// or model file) into the store; see ../kepler/import.ts for the naming and what each version holds.

// The action is in import-kepler-action.ts, loaded only when the command runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';

export interface ImportKeplerOptions {
  prefix?: string;
  byPipeline?: boolean;
  dryRun?: boolean;
}

/** Adds `import kepler` (creating the `import` group if another package has not). */
export function registerImportKepler(program: Command): void {
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('bring models from other systems into the store');
  group
    .command('kepler')
    .description('import Kepler models (kepler-model-db tree, pipeline, model folder, weight JSON or zip)')
    .argument('<path>', 'a kepler-model-db checkout or any directory or model file inside one')
    .option('--prefix <prefix>', 'put every model under this name prefix, e.g. ec2-0.7.11')
    .option(
      '--by-pipeline',
      'name models <pipeline>/<energy_source>/…, so several pipelines can share a store',
    )
    .option('--dry-run', 'report what would be published, publish nothing')
    .addHelpText(
      'after',
      `
Each model <pipeline>/<energy_source>/<output_type>/<feature_group>/<model_name> becomes one version of
  [<prefix>/][<pipeline>/]<energy_source>/<output_type>/<feature_group>/<model_name>
holding <model_name>.json (format kepler-weights), <model_name>.zip (format kepler-zip: Python pickles,
stored unchanged and served by reading them as data) and metadata.json, with Kepler's metadata (mae, mape,
features, node_type, node_type_spec, trainer, source paths and sha256) in the manifest. A model whose
latest version already has the same files is reported "unchanged" and not published again.

Examples:
  $ modelshelf import kepler ./kepler-model-db/models/v0.7/ec2-0.7.11 --prefix ec2-0.7.11
  $ modelshelf import kepler ./kepler-model-db --by-pipeline --dry-run
  $ modelshelf import kepler ./SGDRegressorTrainer_0.json`,
    )
    .action(lazyAction(async () => (await import('./import-kepler-action.ts')).importKeplerAction));
}
