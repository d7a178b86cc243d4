// keplerWeightsCodec over ArtifactFiles: detection, trainer resolution, errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createKeplerWeightsCodec,
  keplerWeightsCodec,
  resolveKeplerTrainer,
} from '../../src/kepler/codec.ts';
import { KeplerWeightsError } from '../../src/kepler/errors.ts';
import { trainerFromModelName } from '../../src/kepler/trainer.ts';
import { EC2_BPF, memoryFiles } from './helpers.ts';

const sgd = readFileSync(join(EC2_BPF, 'SGDRegressorTrainer_0.json'));
const log = readFileSync(join(EC2_BPF, 'LogarithmicRegressionTrainer_0.json'));
const logMeta = readFileSync(join(EC2_BPF, 'LogarithmicRegressionTrainer_0/metadata.json'));
const index = readFileSync(join(EC2_BPF, 'SGDRegressorTrainer_0/SGDRegressorTrainer_0.json'));

describe('keplerWeightsCodec', () => {
  it('is named kepler-weights', () => expect(keplerWeightsCodec.name).toBe('kepler-weights'));

  it('detects one weight file, with or without metadata.json', async () => {
    expect(await keplerWeightsCodec.detect(memoryFiles({ 'SGDRegressorTrainer_0.json': sgd }))).toBe(true);
    expect(
      await keplerWeightsCodec.detect(memoryFiles({ 'weights.json': log, 'metadata.json': logMeta })),
    ).toBe(true);
  });

  it('does not detect other JSON, archives, two weight files or none', async () => {
    const no: Record<string, Uint8Array | string>[] = [
      { 'SGDRegressorTrainer_0.json': index }, // component index of a pickled archive
      { 'model.json': '{"modelTopology": {}, "weightsManifest": []}' },
      { 'a.json': sgd, 'b.json': sgd },
      { 'metadata.json': logMeta },
      { 'model.zip': new Uint8Array([0x50, 0x4b, 3, 4]) },
      { 'weights.json': 'not json' },
    ];
    for (const files of no) expect(await keplerWeightsCodec.detect(memoryFiles(files))).toBe(false);
  });

  it('takes the trainer from the file name', async () => {
    const m = await keplerWeightsCodec.decode(memoryFiles({ 'LogarithmicRegressionTrainer_0.json': log }));
    expect(m.trainer).toBe('LogarithmicRegressionTrainer');
    expect(m.predictors.dram).toBe('logarithmic');
  });

  it('takes the trainer from metadata.json when the file is weights.json', async () => {
    const m = await keplerWeightsCodec.decode(memoryFiles({ 'weights.json': log, 'metadata.json': logMeta }));
    expect(m.trainer).toBe('LogarithmicRegressionTrainer');
  });

  it('takes an explicit trainer over everything else', async () => {
    const codec = createKeplerWeightsCodec({ trainer: 'LogarithmicRegressionTrainer', modelCores: 96 });
    const m = await codec.decode(memoryFiles({ 'weights.json': log }));
    expect(m.trainer).toBe('LogarithmicRegressionTrainer');
    expect(m.modelCores).toBe(96);
    await expect(keplerWeightsCodec.decode(memoryFiles({ 'weights.json': log }))).rejects.toThrow(
      /linear predictor but the file holds a curve fit/,
    );
  });

  it('fails decode with a FormatError naming the files when there is not exactly one weight file', async () => {
    const p = keplerWeightsCodec.decode(memoryFiles({ 'a.json': sgd, 'b.json': sgd }));
    await expect(p).rejects.toBeInstanceOf(KeplerWeightsError);
    await expect(keplerWeightsCodec.decode(memoryFiles({ 'a.json': sgd, 'b.json': sgd }))).rejects.toThrow(
      /found 2/,
    );
  });

  it('produces a DecodedModel usable through the shared contract', async () => {
    const m = await keplerWeightsCodec.decode(memoryFiles({ 'SGDRegressorTrainer_0.json': sgd }));
    const out = m.predict(Float64Array.of(0, 0, 95877.00000000001, 0), 2);
    expect(out).toHaveLength(8);
    expect(out[4]! - out[0]!).toBeCloseTo(305.148172889668, 9); // one full scale adds the package weight
  });
});

describe('trainer names', () => {
  it.each([
    ['SGDRegressorTrainer_0.json', 'SGDRegressorTrainer'],
    ['a/b/LogisticRegressionTrainer_109.json', 'LogisticRegressionTrainer'],
    ['GradientBoostingRegressorTrainer_1', 'GradientBoostingRegressorTrainer'],
    ['weights.json', undefined],
  ])('%s → %s', (name, trainer) => expect(trainerFromModelName(name)).toBe(trainer));

  it('resolves explicit > metadata trainer > metadata model_name > file model_name > path', () => {
    expect(resolveKeplerTrainer({ trainer: 'A', metadata: { trainer: 'B' }, path: 'C_0.json' }, 'D_1')).toBe(
      'A',
    );
    expect(
      resolveKeplerTrainer({ metadata: { trainer: 'B', model_name: 'E_0' }, path: 'C_0.json' }, 'D_1'),
    ).toBe('B');
    expect(resolveKeplerTrainer({ metadata: { model_name: 'E_0' }, path: 'C_0.json' }, 'D_1')).toBe('E');
    expect(resolveKeplerTrainer({ path: 'C_0.json' }, 'D_1')).toBe('D');
    expect(resolveKeplerTrainer({ path: 'C_0.json' }, undefined)).toBe('C');
  });
});
