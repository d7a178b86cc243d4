// TEST DOUBLE for orchestration tests only: predicts the training mean of y (plus a tiny
// per-feature slope on the first column, so predictions depend on x). The real trainers live in
// src/trainers/ and have their own tests.
import type { ExportedModel, FittedComponent, Matrix, Trainer } from '../../src/trainers/types.ts';

interface MeanModel extends FittedComponent {
  mean: number;
  slope: number;
}

export function meanTrainer(name = 'MeanTestDoubleTrainer'): Trainer {
  return {
    name,
    hyperParameters: { kind: 'test-double' },
    fit(x: Matrix, y: Float64Array): MeanModel {
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      let maxX = 0;
      for (let r = 0; r < x.rows; r++) maxX = Math.max(maxX, Math.abs(x.data[r * x.cols]!));
      const slope = maxX > 0 ? 1e-3 / maxX : 0;
      return {
        mean,
        slope,
        predict: (m: Matrix) =>
          Float64Array.from({ length: m.rows }, (_, r) => mean + slope * m.data[r * m.cols]!),
      };
    },
    export(components: Record<string, FittedComponent>, options): ExportedModel {
      const doc: Record<string, unknown> = { features: options.features };
      for (const [c, m] of Object.entries(components))
        doc[c] = { mean: (m as MeanModel).mean, slope: (m as MeanModel).slope };
      return {
        files: [{ path: 'weights.json', data: new TextEncoder().encode(`${JSON.stringify(doc)}\n`) }],
        formats: [{ name: 'test-double', files: ['weights.json'] }],
        modelClass: 'test-double',
      };
    },
  };
}

/** A trainer that always fails, to prove one failing trainer does not stop the others. */
export function failingTrainer(): Trainer {
  return {
    name: 'FailingTestDoubleTrainer',
    hyperParameters: {},
    fit() {
      throw new Error('singular matrix (test double)');
    },
    export() {
      throw new Error('unreachable');
    },
  };
}
