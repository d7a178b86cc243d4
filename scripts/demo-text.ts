// How the demo words what it saw: counts with their plural, and ref moves as a person reads them.
import type { RefEntry } from '@modelshelf/registry';

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "#1 pin set to v1 by ana", "#2 pin moved v1 → v2 by ana", "#3 pin removed (was v2) by ana". */
export function describeMove(e: Pick<RefEntry, 'seq' | 'ref' | 'from' | 'to' | 'by'>): string {
  const what =
    e.to === null
      ? `removed${e.from === null ? '' : ` (was v${e.from})`}`
      : e.from === null
        ? `set to v${e.to}`
        : `moved v${e.from} → v${e.to}`;
  return `#${e.seq} ${e.ref} ${what} by ${e.by.user}`;
}

export const DEMO_USAGE = `usage: pnpm demo [--keep]

Trains Kepler models from real metrics into a temporary store, starts an estimator on a Unix
socket, publishes a better model and watches it hot-swap, pins and unpins, then stops.

  --keep   keep the temporary store (its path is printed at the end) to look at it afterwards,
           e.g. with \`modelshelf --store <path> ls\` or \`modelshelf --store <path> report <model> --out ./report\``;
