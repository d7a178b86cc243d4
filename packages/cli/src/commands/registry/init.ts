// `modelshelf init`: create the store marker. Idempotent: an existing store is left as it is.
// On a filesystem the store's parent directory must exist unless --parents is given, so that a
// typo in the path does not silently make a new, empty store somewhere else.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';

export interface InitOptions {
  parents: boolean;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a store at --store (does nothing if one is already there)')
    .option('--parents', 'also create missing parent directories of a filesystem store', false)
    .action(lazyAction(async () => (await import('./init-action.ts')).initAction));
}
