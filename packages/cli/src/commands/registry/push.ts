// `modelshelf push <model> <path...>`: publish files or directories as the model's next version.
import type { Command } from 'commander';
import { collect } from '../../kit/parse.ts';
import { lazyAction } from '../../kit/run.ts';

export interface PushOptions {
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
    .action(lazyAction(async () => (await import('./push-action.ts')).pushAction));
}
