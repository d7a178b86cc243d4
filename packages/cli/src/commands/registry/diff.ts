// `modelshelf diff <ref> <ref>`: metadata and file changes between two versions. The action is in
// diff-action.ts, loaded only when the command runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two versions: metadata changes (mae 12.3 → 10.1, improved) and file changes')
    .argument('<from>', 'the older reference, e.g. my/model@3')
    .argument('<to>', 'the newer reference, e.g. my/model@stable or my/model')
    .action(lazyAction(async () => (await import('./diff-action.ts')).diffAction));
}
