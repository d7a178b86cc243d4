// Shared pieces of the trainer tests: generated data with a known function, and decoding an export with the
// loader's codecs exactly as an estimator would.

import type { DecodedModel, FormatCodec, KeplerPowerModel } from '@modelshelf/formats';
import {
  createKeplerWeightsCodec,
  memoryArtifactFiles,
  modelshelfJsonCodec,
  tfliteCodec,
} from '@modelshelf/formats';
import { kerasH5Codec } from '@modelshelf/formats/keras-h5';
import { tfjsLayersCodec } from '@modelshelf/formats/tfjs-layers';
import { expect } from 'vitest';
import { Rng } from '../../src/trainers/rng.ts';
import type { ExportedModel, Matrix } from '../../src/trainers/types.ts';

/** rows × features.length uniform values in [0, max) from `seed`. */
export function randomMatrix(rows: number, cols: number, seed: number, max = 100): Matrix {
  const rng = new Rng(seed);
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.uniform(0, max)) };
}

export function targetOf(x: Matrix, f: (row: Float64Array) => number): Float64Array {
  return Float64Array.from({ length: x.rows }, (_, r) => f(x.data.subarray(r * x.cols, r * x.cols + x.cols)));
}

export function meanAbsoluteError(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** The columns of `x` reordered to `order` (feature names), for models whose input order differs. */
export function reorderColumns(x: Matrix, from: readonly string[], order: readonly string[]): Float64Array {
  const idx = order.map((f) => from.indexOf(f));
  const out = new Float64Array(x.rows * order.length);
  for (let r = 0; r < x.rows; r++) {
    for (let j = 0; j < idx.length; j++) out[r * order.length + j] = x.data[r * x.cols + idx[j]!]!;
  }
  return out;
}

/** Decodes one declared format of an export with the loader's codec for it. */
export async function decodeFormat(
  exported: ExportedModel,
  format: string,
  trainer?: string,
): Promise<DecodedModel> {
  const declared = exported.formats.find((f) => f.name === format);
  if (!declared)
    throw new Error(`export declares no ${format} (has ${exported.formats.map((f) => f.name).join(', ')})`);
  const files = memoryArtifactFiles(
    Object.fromEntries(
      exported.files.filter((f) => declared.files.includes(f.path)).map((f) => [f.path, f.data]),
    ),
  );
  const codecs: Record<string, FormatCodec> = {
    'modelshelf-json': modelshelfJsonCodec,
    'tfjs-layers': tfjsLayersCodec,
    tflite: tfliteCodec,
    'keras-h5': kerasH5Codec,
    'kepler-weights': createKeplerWeightsCodec({ trainer }),
  };
  const codec = codecs[format]!;
  expect(await codec.detect(files)).toBe(true);
  return codec.decode(files);
}

/** Raw per-component predictions of a decoded model for the rows of `x` (given in `features` order). */
export function decodedPredictions(
  model: DecodedModel,
  x: Matrix,
  features: readonly string[],
): Record<string, Float64Array> {
  const input = reorderColumns(x, features, model.features);
  const out =
    model.format === 'kepler-weights'
      ? (model as KeplerPowerModel).predictInto(
          input,
          x.rows,
          new Float64Array(x.rows * model.outputs.length),
          {
            fill: false,
          },
        )
      : model.predict(input, x.rows);
  const n = model.outputs.length;
  return Object.fromEntries(
    model.outputs.map((name, c) => [name, Float64Array.from({ length: x.rows }, (_, r) => out[r * n + c]!)]),
  );
}

export function hex(exported: ExportedModel): string[] {
  return exported.files.map((f) => `${f.path}:${Buffer.from(f.data).toString('hex')}`);
}
