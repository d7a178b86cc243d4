// The action of `modelshelf init` (descriptor: init.ts), loaded only when the command runs.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError, NotAStoreError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { openStoreFromOptions, outputFor } from '../../kit/index.ts';
import type { InitOptions } from './init.ts';

export async function initAction(opts: InitOptions, cmd: Command): Promise<void> {
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
    out.line(created ? `created store at ${store.location}` : `store at ${store.location} already exists`);
}
