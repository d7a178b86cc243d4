// `modelshelf init`: create the store marker. Idempotent: an existing store is left as it is.

import { NotAStoreError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { openStoreFromOptions, outputFor, runAction } from '../../kit/index.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a store at --store (does nothing if one is already there)')
    .action(
      runAction(async (_opts: object, cmd: Command) => {
        const out = outputFor(cmd);
        let created = false;
        let store = await openStoreFromOptions(cmd).catch((err) => {
          if (err instanceof NotAStoreError) return undefined;
          throw err;
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
