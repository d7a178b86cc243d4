// Sharding a training run: every pipeline (output type × feature group × trainer) is independent, so N
// processes can each train a deterministic 1/N of them against the same data and publish to the same store.
//
// Assignment is round-robin over the sorted list of model names the run would train: shard I of N takes the
// names at sorted positions I, I + N, I + 2N, … Every shard computes the same list from the same data and
// options, so the shards partition the run exactly (nothing trained twice, nothing left out) without talking to
// each other, and the trainers — which differ most in cost — cycle fastest in the sorted order, spreading the
// expensive ones over the shards.
import { InvalidArgumentError } from '@modelshelf/registry';

export interface Shard {
  /** 0-based, as Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

/** The largest N accepted: far more shards than any run has pipelines is a mistake. */
export const MAX_SHARDS = 1024;

/** Parses "I/N" (0 ≤ I < N). */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new InvalidArgumentError(
      `${flag} must be I/N with 0 <= I < N <= ${MAX_SHARDS}, got "${text}"`,
      'e.g. --shard 0/4 … --shard 3/4 for four processes; in an Indexed Job pass $JOB_COMPLETION_INDEX as I',
    );
  }
  return { index, count };
}

/** The names shard `shard` trains, out of every name of the run (any order in; sorted order decides). */
export function assignedTo(names: readonly string[], shard: Shard | undefined): Set<string> {
  if (!shard || shard.count === 1) return new Set(names);
  const sorted = [...new Set(names)].sort();
  return new Set(sorted.filter((_, i) => i % shard.count === shard.index));
}
