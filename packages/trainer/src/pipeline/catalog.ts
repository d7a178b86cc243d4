// Trainers by name, for the CLI's --trainers. The catalog is injectable so that the command can be
// exercised with any set of trainers; the default one is the package's own trainers.
import { InvalidArgumentError } from '@modelshelf/registry';
import type { Trainer } from '../trainers/types.ts';

export type TrainerCatalog = Readonly<Record<string, () => Trainer>>;

/** Picks trainers by name; no names → every trainer of the catalog, in catalog order. */
export function pickTrainers(catalog: TrainerCatalog, names?: readonly string[]): Trainer[] {
  const known = Object.keys(catalog);
  if (known.length === 0) throw new InvalidArgumentError('no trainer is available in this build');
  return (names ?? known).map((name) => {
    const make = catalog[name];
    if (!make) {
      throw new InvalidArgumentError(
        `unknown trainer ${JSON.stringify(name)}`,
        `use one of ${known.join(', ')}`,
      );
    }
    return make();
  });
}
