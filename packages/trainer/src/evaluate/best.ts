// Kepler's best-model choice: lowest mae among the candidates of one feature group and output type.

export interface Scored {
  featureGroup: string;
  outputType: string;
  trainer: string;
  mae: number;
}

/** Best per "<outputType>/<featureGroup>"; ties go to the first trainer in the given order. */
export function bestPerGroup<T extends Scored>(models: readonly T[]): Map<string, T> {
  const best = new Map<string, T>();
  for (const m of models) {
    const key = `${m.outputType}/${m.featureGroup}`;
    const current = best.get(key);
    if (!current || m.mae < current.mae) best.set(key, m);
  }
  return best;
}
