// `store` may be an opened Store or a URI; the loader only ever needs the read side.
import { openStore, type Store } from '@modelshelf/registry';

export type StoreInput = Store | string;

/** Returns the Store and whether the caller owns it (and must close it). */
export async function resolveStore(input: StoreInput): Promise<{ store: Store; owned: boolean }> {
  if (typeof input === 'string') return { store: await openStore(input), owned: true };
  return { store: input, owned: false };
}
