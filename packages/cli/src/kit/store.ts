// Opening the store named by the global options: only command actions load this (it imports the
// registry, its drivers and schemas), so `--help` never does.
// The store module, not the registry's index: the index also loads the trust modules (keys,
// signatures), which no command needs merely to open a store.
import { InvalidArgumentError } from '@modelshelf/registry/errors';
import { openStore, type Store } from '@modelshelf/registry/store';
import type { Command } from 'commander';
import { globalOptions, STORE_ENV } from './options.ts';

export async function openStoreFromOptions(cmd: Command, options: { create?: boolean } = {}): Promise<Store> {
  const { store } = globalOptions(cmd);
  if (!store) {
    throw new InvalidArgumentError(
      'no store given',
      `pass --store <uri> or set ${STORE_ENV} (a directory, file:///path or s3://bucket/prefix)`,
    );
  }
  return openStore(store, { create: options.create });
}

/** Opens the store named by the options, runs `fn`, and always releases the store's handles. */
export async function withStore<T>(
  cmd: Command,
  fn: (store: Store) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const store = await openStoreFromOptions(cmd, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
