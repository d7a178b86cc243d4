// `modelshelf ls` (models) and `modelshelf versions <model>` (one model's versions). The actions are
// in ls-action.ts and versions-action.ts, loaded only when the command runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';

export function registerList(program: Command): void {
  program
    .command('ls')
    .description('list models with their latest version, pin and aliases')
    .argument('[prefix]', 'only models whose name starts with this')
    .action(lazyAction(async () => (await import('./ls-action.ts')).lsAction));

  program
    .command('versions')
    .description('list the committed versions of a model, oldest first')
    .argument('<model>', 'model name')
    .action(lazyAction(async () => (await import('./versions-action.ts')).versionsAction));
}
