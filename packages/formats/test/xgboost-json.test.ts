import { describe, expect, it } from 'vitest';
import { memoryArtifactFiles } from '../src/artifact-bytes.ts';
import { defaultFormatRegistry } from '../src/format-registry.ts';
import type { ModelshelfModel } from '../src/modelshelf-json.ts';
import { FormatError } from '../src/types.ts';
import { encodeXgboostJsonFiles, float32String, xgboostJsonCodec } from '../src/xgboost-json.ts';

type XgbModel = Extract<ModelshelfModel, { kind: 'xgboost' }>;

// x'[0] < 0.5 → leaf 1 (−1.5), else leaf 2 (2.25); base 10.
const model: XgbModel = {
  kind: 'xgboost',
  features: ['a', 'b'],
  scale: Float64Array.from([10, 4]),
  trainer: 'XgboostFitTrainer',
  components: {
    package: {
      baseScore: 10,
      trees: [
        {
          feature: Int32Array.from([0, -1, -1]),
          threshold: Float64Array.from([0.5, 0, 0]),
          left: Int32Array.from([1, -1, -1]),
          right: Int32Array.from([2, -1, -1]),
          defaultLeft: Uint8Array.from([1, 0, 0]),
          value: Float64Array.from([0, -1.5, 2.25]),
        },
      ],
    },
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the tests corrupt arbitrary places of the parsed JSON
function files(edit?: (booster: Record<string, any>, index: Record<string, any>) => void) {
  const out = encodeXgboostJsonFiles(model);
  const booster = JSON.parse(new TextDecoder().decode(out['xgboost/package.json']));
  const index = JSON.parse(new TextDecoder().decode(out['xgboost/components.json']));
  edit?.(booster, index);
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  return memoryArtifactFiles({ 'xgboost/package.json': enc(booster), 'xgboost/components.json': enc(index) });
}

describe('xgboost-json codec', () => {
  it('writes float fields as floats and base_score as the shortest float32 decimal', () => {
    const text = new TextDecoder().decode(encodeXgboostJsonFiles(model)['xgboost/package.json']);
    expect(text).toContain('"split_conditions":[0.5,-1.5,2.25]');
    expect(text).toContain('"sum_hessian":[0.0,0.0,0.0]');
    expect(text).toContain('"base_score":"10"');
    expect(float32String(Math.fround(119.2163))).toBe('119.2163');
  });

  it('is detected and decoded by the default registry, predicting with XGBoost’s rules', async () => {
    const decoded = await defaultFormatRegistry().decodeBest(files());
    expect(decoded.format).toBe('xgboost-json');
    expect(decoded.features).toEqual(['a', 'b']);
    // a = 4 → x' 0.4 < 0.5 → left; a = 5 → 0.5 is not < 0.5 → right; a missing → default left.
    const out = decoded.predict(Float64Array.from([4, 0, 5, 0, Number.NaN, 0]), 3);
    expect(Array.from(out)).toEqual([8.5, 12.25, 8.5]);
  });

  const bad: [string, ReturnType<typeof files>, RegExp][] = [
    [
      'a classifier objective',
      files((b) => (b.learner.objective.name = 'binary:logistic')),
      /objective "binary:logistic" is not an identity-link regression/,
    ],
    ['a linear booster', files((b) => (b.learner.gradient_booster.name = 'gblinear')), /booster "gblinear"/],
    [
      'categorical splits',
      files((b) => (b.learner.gradient_booster.model.trees[0].split_type[0] = 1)),
      /categorical/,
    ],
    [
      'mismatched tree arrays',
      files((b) => b.learner.gradient_booster.model.trees[0].split_indices.pop()),
      /split_indices has 2 entries, left_children has 3/,
    ],
    [
      'a model file outside the folder',
      files((_, i) => (i.components.package.model_file = '../x.json')),
      /model_file must be a file name beside the index, found "..\/x.json"/,
    ],
    [
      'a model file that is not there',
      files((_, i) => (i.components.package.model_file = 'dram.json')),
      /model_file "dram.json" is not among the files/,
    ],
    [
      'a child pointing backwards',
      files((b) => (b.learner.gradient_booster.model.trees[0].left_children[0] = 0)),
      /children must have larger indices/,
    ],
    [
      'a split feature out of range',
      files((b) => (b.learner.gradient_booster.model.trees[0].split_indices[0] = 7)),
      /feature\[0\]: must be an integer in -1\.\.1 \(found 7\)/,
    ],
  ];

  it.each(bad)('rejects %s with a FormatError naming the file', async (_, f, message) => {
    const error = await xgboostJsonCodec.decode(f).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).path).toMatch(/^xgboost\//);
    expect((error as Error).message).toMatch(message);
  });
});
