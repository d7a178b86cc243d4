// `modelshelf init`: create the store marker. Idempotent: an existing store is left as it is.
// On a filesystem the store's parent directory must exist unless --parents is given, so that a
// typo in the path does not silently make a new, empty store somewhere else.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError, NotAStoreError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { openStoreFromOptions, outputFor, runAction } from '../../kit/index.ts';

interface InitOptions {
  parents: boolean;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a store at --store (does nothing if one is already there)')
    .option('--parents', 'also create missing parent directories of a filesystem store', false)
    .action(
      runAction(async (opts: InitOptions, cmd: Command) => {
        const out = outputFor(cmd);
        let created = false;
        let store = await openStoreFromOptions(cmd).catch((err) => {
          if (!(err instanceof NotAStoreError)) throw err;
          if (err.state === 'not-a-directory' || err.state === 'unsupported') throw err;
          if (err.state === 'missing' && !opts.parents && !existsSync(dirname(err.location))) {
            throw new InvalidArgumentError(
              `cannot create a store at ${err.location}: its parent directory ${dirname(err.location)} does not exist`,
              'check the path for a typo, or pass --parents to create the missing directories',
            );
          }
          return undefined;
        });
        if (!store) {
          store = await openStoreFromOptions(cmd, { create: true });
          created = true;
        }
        await store.close();
        if (out.json) out.printJson({ store: store.location, created });
        else if (!out.quiet)
          out.line(
            created ? `created store at ${store.location}` : `store at ${store.location} already exists`,
          );
      }),
    );
}
