import { describe, expect, it } from 'vitest';
import { memoryArtifactFiles } from '../src/artifact-bytes.ts';
import {
  encodeModelshelfJson,
  KdTree,
  MODELSHELF_JSON_FILE,
  MODELSHELF_JSON_LIMITS,
  type ModelshelfModel,
  modelshelfJsonCodec,
  parseModelshelfJson,
} from '../src/modelshelf-json.ts';
import { FormatError } from '../src/types.ts';

const tree = {
  feature: Int32Array.from([0, -1, 1, -1, -1]),
  threshold: Float64Array.from([0.5, 0, 0.25, 0, 0]),
  left: Int32Array.from([1, -1, 3, -1, -1]),
  right: Int32Array.from([2, -1, 4, -1, -1]),
  value: Float64Array.from([0, 1, 0, 2, 3]),
};

const models: ModelshelfModel[] = [
  {
    kind: 'linear',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 0]),
    components: { dram: { intercept: 1, coef: Float64Array.from([2, 5]) } },
  },
  {
    kind: 'polynomial',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 4]),
    terms: [[0], [1], [0, 0], [0, 1], [1, 1]],
    components: { package: { intercept: 1, coef: Float64Array.from([1, 2, 3, 4, 5]) } },
  },
  {
    kind: 'gradient-boosting',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 4]),
    components: { package: { init: 10, learningRate: 0.1, trees: [tree] } },
  },
  {
    kind: 'knn',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 4]),
    k: 2,
    points: Float64Array.from([0, 0, 1, 1, 0.5, 0.5]),
    components: { package: { targets: Float64Array.from([1, 3, 8]) } },
  },
  {
    kind: 'dense',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 4]),
    components: {
      package: {
        layers: [
          {
            units: 2,
            activation: 'relu',
            kernel: Float64Array.from([1, -1, 2, 0.5]),
            bias: Float64Array.from([0, 1]),
          },
          { units: 1, activation: 'linear', kernel: Float64Array.from([3, 4]), bias: Float64Array.from([7]) },
        ],
      },
    },
  },
  {
    kind: 'svr',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 4]),
    components: {
      package: {
        kernel: 'rbf',
        gamma: 2,
        coef0: 0,
        degree: 3,
        intercept: 5,
        dualCoef: Float64Array.from([1.5, -0.5]),
        supportVectors: Float64Array.from([0.5, 0.5, 0, 0.5]),
      },
    },
  },
  {
    kind: 'xgboost',
    features: ['a', 'b'],
    scale: Float64Array.from([10, 4]),
    components: {
      package: { baseScore: 10, trees: [{ ...tree, defaultLeft: Uint8Array.from([1, 0, 0, 0, 0]) }] },
    },
  },
];

// Hand-computed expectations for the row (a = 5, b = 2): x' = (0.5, 0.5) except linear where b has scale 0.
const expected: Record<string, number> = {
  linear: 1 + 2 * 0.5,
  polynomial: 1 + 0.5 + 2 * 0.5 + 3 * 0.25 + 4 * 0.25 + 5 * 0.25,
  // 0.5 <= 0.5 goes left → leaf 1 (value 1): 10 + 0.1 · 1.
  'gradient-boosting': 10 + 0.1 * 1,
  // Nearest two to (0.5, 0.5): itself (8) and, tied at equal distance, row 0 before row 1 → (8 + 1) / 2.
  knn: 4.5,
  // hidden = relu([0.5·1 + 0.5·2, 0.5·-1 + 0.5·0.5 + 1]) = [1.5, 0.75]; out = 7 + 3·1.5 + 4·0.75.
  dense: 7 + 4.5 + 3,
  // K(sv0, x') = exp(0) = 1, K(sv1, x') = exp(−2 · 0.25): 5 + 1.5 − 0.5 · e^−0.5.
  svr: 5 + 1.5 - 0.5 * Math.exp(-0.5),
  // XGBoost's rule: 0.5 < 0.5 is false → right (node 2); 0.5 < 0.25 false → leaf 4 (3); no eta factor.
  xgboost: 10 + 3,
};

const bytesOf = (m: ModelshelfModel) =>
  memoryArtifactFiles({ [MODELSHELF_JSON_FILE]: encodeModelshelfJson(m) });

// biome-ignore lint/suspicious/noExplicitAny: the tests corrupt arbitrary places of the parsed JSON
function mutate(model: ModelshelfModel, edit: (json: Record<string, any>) => void): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(encodeModelshelfJson(model)));
  edit(json);
  return new TextEncoder().encode(JSON.stringify(json));
}

describe('modelshelf-json codec', () => {
  it.each(models.map((m) => [m.kind, m] as const))(
    '%s: detects, decodes and predicts the hand-computed value',
    async (kind, model) => {
      const files = bytesOf(model);
      expect(await modelshelfJsonCodec.detect(files)).toBe(true);
      const decoded = await modelshelfJsonCodec.decode(files);
      expect(decoded.format).toBe('modelshelf-json');
      expect(decoded.features).toEqual(['a', 'b']);
      expect(decoded.predict(Float64Array.from([5, 2]), 1)[0]).toBeCloseTo(expected[kind]!, 12);
    },
  );

  it('round-trips every float64 bit and serialises deterministically with components in Kepler order', () => {
    const model: ModelshelfModel = {
      kind: 'linear',
      features: ['x'],
      scale: Float64Array.from([0.1 + 0.2]),
      components: {
        dram: { intercept: Math.PI, coef: Float64Array.from([1 / 3]) },
        package: { intercept: 1e-300, coef: Float64Array.from([-2.5e17]) },
      },
    };
    const bytes = encodeModelshelfJson(model);
    expect(encodeModelshelfJson(model)).toEqual(bytes);
    const back = parseModelshelfJson(bytes);
    expect(encodeModelshelfJson(back)).toEqual(bytes);
    expect(Object.keys(back.components)).toEqual(['package', 'dram']);
    expect(back.kind === 'linear' && back.components.dram!.coef[0]).toBe(1 / 3);
  });

  it('does not claim other formats’ files', async () => {
    expect(await modelshelfJsonCodec.detect(memoryArtifactFiles({ 'model.json': new Uint8Array(2) }))).toBe(
      false,
    );
    const other = memoryArtifactFiles({
      [MODELSHELF_JSON_FILE]: new TextEncoder().encode('{"package": {}}'),
    });
    expect(await modelshelfJsonCodec.detect(other)).toBe(false);
  });

  const gb = models[2]!;
  const knn = models[3]!;
  const svr = models[5]!;
  const xgb = models[6]!;
  const bad: [string, Uint8Array, RegExp][] = [
    [
      'a newer schema',
      mutate(gb, (j) => (j.schemaVersion = 2)),
      /\$\.schemaVersion: must be 1 \(found 2\); .*newer modelshelf/,
    ],
    [
      'an unknown kind',
      mutate(gb, (j) => (j.kind = 'lightgbm')),
      /\$\.kind: must be one of .* \(found "lightgbm"\); .*newer modelshelf/,
    ],
    [
      'an unknown SVR kernel',
      mutate(svr, (j) => (j.components.package.kernel = 'precomputed')),
      /kernel: must be one of rbf, linear, poly, sigmoid \(found "precomputed"\)/,
    ],
    [
      'support vectors not matching the dual coefficients',
      mutate(svr, (j) => j.components.package.supportVectors.pop()),
      /supportVectors: must have 4 values, has 3/,
    ],
    [
      'a negative gamma',
      mutate(svr, (j) => (j.components.package.gamma = -1)),
      /gamma: must be >= 0 \(found -1\)/,
    ],
    [
      'a default direction that is not 0 or 1',
      mutate(xgb, (j) => (j.components.package.trees[0].defaultLeft[0] = 2)),
      /defaultLeft\[0\]: must be an integer in 0\.\.1 \(found 2\)/,
    ],
    [
      'an XGBoost tree with a cycle',
      mutate(xgb, (j) => (j.components.package.trees[0].left[2] = 0)),
      /node 2: children must have larger indices/,
    ],
    ['a negative scale', mutate(gb, (j) => (j.scale[1] = -1)), /\$\.scale\[1\]: must be >= 0/],
    [
      'a scale of the wrong length',
      mutate(gb, (j) => j.scale.push(1)),
      /\$\.scale: must have 2 values, has 3/,
    ],
    [
      'a child index out of range',
      mutate(gb, (j) => (j.components.package.trees[0].right[2] = 9)),
      /right\[2\]: must be an integer in -1\.\.4 \(found 9\)/,
    ],
    [
      'a cycle',
      mutate(gb, (j) => (j.components.package.trees[0].left[2] = 0)),
      /node 2: children must have larger indices/,
    ],
    [
      'a shared child',
      mutate(gb, (j) => (j.components.package.trees[0].right[0] = 3)),
      /node 3: has more than one parent/,
    ],
    [
      'a feature index out of range',
      mutate(gb, (j) => (j.components.package.trees[0].feature[0] = 2)),
      /feature\[0\]: must be an integer in -1\.\.1/,
    ],
    [
      'k larger than the reference set',
      mutate(knn, (j) => (j.k = 4)),
      /\$\.k: must be an integer in 1\.\.3 \(found 4\)/,
    ],
    [
      'targets of the wrong length',
      mutate(knn, (j) => j.components.package.targets.pop()),
      /targets: must have 3 values, has 2/,
    ],
    [
      'a non-number',
      mutate(gb, (j) => (j.components.package.init = 'ten')),
      /init: must be a finite number \(found "ten"\)/,
    ],
    [
      'duplicate features',
      mutate(gb, (j) => (j.features = ['a', 'a'])),
      /\$\.features: must be unique \(found "a"\)/,
    ],
    ['broken JSON', new TextEncoder().encode('{"format": "modelshelf-json",'), /file: is not UTF-8 JSON/],
  ];

  it.each(bad)('rejects %s with a FormatError naming the place', (_, bytes, message) => {
    let error: unknown;
    try {
      parseModelshelfJson(bytes, 'v/3/modelshelf-model.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).path).toBe('v/3/modelshelf-model.json');
    expect((error as Error).message).toMatch(message);
  });

  it('xgboost: a missing value follows defaultLeft, and a value equal to the threshold goes right', async () => {
    const decoded = await modelshelfJsonCodec.decode(bytesOf(xgb));
    // a missing at the root → defaultLeft → leaf 1; a = 2.5 (x' = 0.25) < 0.5 → leaf 1 as well.
    expect(Array.from(decoded.predict(Float64Array.from([Number.NaN, 2, 2.5, 2]), 2))).toEqual([11, 11]);
  });

  it('rejects files over the size limit before parsing them', () => {
    const huge = new Uint8Array(MODELSHELF_JSON_LIMITS.maxBytes + 1);
    expect(() => parseModelshelfJson(huge)).toThrow(/more than the 104857600-byte limit; a KNN model grows/);
  });

  it('rejects trees deeper than the limit', () => {
    const n = 2 * (MODELSHELF_JSON_LIMITS.maxTreeDepth + 1) + 1;
    // A right-leaning chain: node 2i splits into leaf 2i+1 and node 2i+2.
    const deep = mutate(gb, (j) => {
      const t = {
        feature: [] as number[],
        threshold: [] as number[],
        left: [] as number[],
        right: [] as number[],
        value: [] as number[],
      };
      for (let i = 0; i < n; i++) {
        const split = i % 2 === 0 && i + 2 < n;
        t.feature.push(split ? 0 : -1);
        t.threshold.push(0);
        t.left.push(split ? i + 1 : -1);
        t.right.push(split ? i + 2 : -1);
        t.value.push(0);
      }
      j.components.package.trees = [t];
    });
    expect(() => parseModelshelfJson(deep)).toThrow(/deeper than the limit 64/);
  });
});

describe('KdTree', () => {
  it('returns exactly the brute-force k nearest by (distance, index) on random points', () => {
    let s = 7;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) / 16777216;
    };
    const n = 2000;
    const d = 3;
    const points = Float64Array.from({ length: n * d }, () => Math.round(rand() * 20) / 20);
    const tree = new KdTree(points, d);
    const idx = new Int32Array(5);
    const dist = new Float64Array(5);
    for (let q = 0; q < 100; q++) {
      const query = Float64Array.from({ length: d }, () => rand() * 1.2 - 0.1);
      tree.nearest(query, 0, 5, idx, dist);
      const brute = Array.from({ length: n }, (_, i) => {
        let t = 0;
        for (let c = 0; c < d; c++) t += (query[c]! - points[i * d + c]!) ** 2;
        return { t, i };
      })
        .sort((a, b) => a.t - b.t || a.i - b.i)
        .slice(0, 5);
      expect(Array.from(idx)).toEqual(brute.map((b) => b.i));
      expect(Array.from(dist)).toEqual(brute.map((b) => b.t));
    }
  });

  it('rejects k outside 1..size', () => {
    const tree = new KdTree(Float64Array.from([0, 1, 2]), 1);
    expect(() => tree.nearest(Float64Array.from([0]), 0, 4, new Int32Array(4), new Float64Array(4))).toThrow(
      /k must be in 1\.\.3/,
    );
  });
});
