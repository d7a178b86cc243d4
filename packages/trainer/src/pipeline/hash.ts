// SHA-256 of exactly what a model was trained on (rows before the holdout split), recorded in its
// metadata: two versions with the same hash saw the same data. Encoding: a JSON header naming the
// columns, then timestamps, x (row-major) and each target in component order as little-endian float64.
import { createHash } from 'node:crypto';
import type { TrainingSet } from '../extract/select.ts';

export function trainingDataHash(set: TrainingSet): string {
  const components = Object.keys(set.y).sort();
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ features: set.features, components, rows: set.x.rows }));
  hash.update(le(set.timestamps));
  hash.update(le(set.x.data));
  for (const c of components) hash.update(le(set.y[c]!));
  return hash.digest('hex');
}

function le(values: Float64Array): Uint8Array {
  const out = new DataView(new ArrayBuffer(values.length * 8));
  for (let i = 0; i < values.length; i++) out.setFloat64(i * 8, values[i]!, true);
  return new Uint8Array(out.buffer);
}
