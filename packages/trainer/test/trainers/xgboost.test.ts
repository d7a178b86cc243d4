import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XgboostComponent } from '@modelshelf/formats';
import { afterAll, describe, expect, it } from 'vitest';
import { runSklearn, sklearnUnavailable } from '../../../../test/helpers/sklearn-reference.ts';
import { xgboostPredict, xgboostUnavailable } from '../../../../test/helpers/xgboost-reader.ts';
import { applyScale } from '../../src/trainers/scaling.ts';
import { XgboostFitTrainer } from '../../src/trainers/xgboost.ts';
import { evaluateTrainer, holdoutSplit, loadKeplerTable, sklearnJobFor, syntheticTable } from './data.ts';
import { decodedPredictions, hex, meanAbsoluteError, randomMatrix, targetOf } from './helpers.ts';
import { decodeThroughRegistry } from './registry-decode.ts';

const features = ['cpu', 'mem'];
const smooth = (r: Float64Array) => 50 + 30 * Math.sin(r[0]! / 30) + 0.2 * r[0]! * (r[1]! / 100);

describe('XgboostFitTrainer', () => {
  const trainer = new XgboostFitTrainer();
  const train = randomMatrix(2000, 2, 8);
  const test = randomMatrix(400, 2, 9);
  const fits = {
    package: trainer.fit(train, targetOf(train, smooth), { seed: 1, features }),
    dram: trainer.fit(
      train,
      targetOf(train, (r) => r[1]! / 10),
      { seed: 1, features },
    ),
  };
  const exported = trainer.export(fits, { seed: 1, features });

  it('learns a smooth function: holdout MAE under 2 % of the target range', () => {
    const want = targetOf(test, smooth);
    const range = Math.max(...want) - Math.min(...want);
    expect(meanAbsoluteError(fits.package.predict(test), want)).toBeLessThan(0.02 * range);
  });

  it("keeps XGBoost's semantics: float32 thresholds and leaves, base_score the mean, depth ≤ 6, eta in the leaves", () => {
    // Whole-number mem: fewer distinct values than bins, so every gap between them is a candidate cut.
    const stepped = { ...train, data: train.data.map((v, i) => (i % 2 === 1 ? Math.round(v) : v)) };
    const y = targetOf(stepped, (r) => (r[1]! >= 60 ? 10 : 0));
    const fit = trainer.fit(stepped, y, { seed: 1, features });
    const c = fit.component as XgboostComponent;
    expect(c.trees).toHaveLength(100);
    expect(c.baseScore).toBe(Math.fround(y.reduce((a, b) => a + b, 0) / y.length));
    const root = c.trees[0]!;
    expect(root.feature[0]).toBe(1);
    for (const t of c.trees) {
      expect(t.feature.length).toBeLessThanOrEqual(127);
      for (let i = 0; i < t.feature.length; i++) {
        expect(Math.fround(t.threshold[i]!)).toBe(t.threshold[i]);
        expect(Math.fround(t.value[i]!)).toBe(t.value[i]);
      }
    }
    // The first tree's leaves are eta · (mean residual) · n/(n + λ): at most 0.1 · 10 in size.
    const leaves = [...root.value].filter((_, i) => root.feature[i] === -1);
    for (const v of leaves) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-6);
    // float32(x') < threshold goes left: every row with mem >= 60 lies right of the root threshold.
    const scale = fit.model.scale[1]!;
    for (let r = 0; r < stepped.rows; r++) {
      const xs = Math.fround(stepped.data[r * 2 + 1]! / scale);
      expect(xs < root.threshold[0]!).toBe(stepped.data[r * 2 + 1]! < 60);
    }
    expect(meanAbsoluteError(fit.predict(stepped), y)).toBeLessThan(0.01);
  });

  it('exports the same bytes for the same data and seed', () => {
    const again = {
      package: trainer.fit(train, targetOf(train, smooth), { seed: 1, features }),
      dram: trainer.fit(
        train,
        targetOf(train, (r) => r[1]! / 10),
        { seed: 1, features },
      ),
    };
    expect(hex(trainer.export(again, { seed: 1, features }))).toEqual(hex(exported));
    expect(exported.formats.map((f) => f.name)).toEqual(['modelshelf-json', 'xgboost-json']);
    expect(exported.modelClass).toBe('xgboost');
  });

  it.each(['modelshelf-json', 'xgboost-json'])(
    '%s decodes through the default format registry and predicts exactly as in-process',
    async (format) => {
      const decoded = await decodeThroughRegistry(exported, format);
      expect(decoded.format).toBe(format);
      const got = decodedPredictions(decoded, test, features);
      expect(got.package).toEqual(fits.package.predict(test));
      expect(got.dram).toEqual(fits.dram.predict(test));
    },
  );
});

const noXgboost = xgboostUnavailable();
const noSklearn = sklearnUnavailable();
for (const [what, missing] of [
  ['XGBoost reader', noXgboost],
  ['scikit-learn parity', noSklearn],
] as const) {
  if (!missing) continue;
  if (process.env.CI === 'true') throw new Error(`${what} needs Debian's python3 packages in CI: ${missing}`);
  console.warn(`SKIPPING ${what} tests: ${missing}`);
}

describe.skipIf(noXgboost !== undefined)('xgboost-json read by XGBoost itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelshelf-xgb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('xgb.Booster(model_file=...) predicts what modelshelf predicts, within float32 (1e-5 relative)', async () => {
    const table = syntheticTable(3000, 5);
    const trainer = new XgboostFitTrainer();
    const options = { seed: 3, features: table.features };
    const fits = Object.fromEntries(
      Object.entries(table.y).map(([c, y]) => [c, trainer.fit(table.x, y, options)]),
    );
    const exported = trainer.export(fits, options);
    const models: Record<string, string> = {};
    for (const f of exported.files) {
      if (!f.path.startsWith('xgboost/')) continue;
      const path = join(dir, f.path.slice('xgboost/'.length));
      writeFileSync(path, f.data);
      const comp = f.path.slice('xgboost/'.length, -'.json'.length);
      if (comp !== 'components') models[comp] = path;
    }
    expect(Object.keys(models).sort()).toEqual(['dram', 'package']);
    const probe = syntheticTable(500, 6);
    const scaled = applyScale(probe.x, fits.package!.model.scale);
    const { predictions } = await xgboostPredict(models, scaled, probe.x.cols);
    for (const [comp, fit] of Object.entries(fits)) {
      const ours = fit.predict(probe.x);
      const theirs = predictions[comp]!;
      for (let i = 0; i < ours.length; i++) {
        expect(Math.abs(ours[i]! - theirs[i]!), `${comp} row ${i}`).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(theirs[i]!)),
        );
      }
    }
  }, 120_000);
});

describe.skipIf(noSklearn !== undefined)(
  'XgboostFitTrainer against XGBoost and HistGradientBoostingRegressor',
  () => {
    it.each([
      ['3,000 synthetic rows', () => syntheticTable(3000, 7)],
      ["Kepler's 2,202-row nx12 table", () => loadKeplerTable()],
    ])(
      'holdout MAE within 10 per cent of both on %s',
      async (_, make) => {
        const table = make();
        const split = holdoutSplit(table.x.rows, 42);
        const refs = [
          'HistGradientBoostingRegressor:xgboost-shape',
          ...(noXgboost ? [] : ['XgboostFitTrainer']),
        ];
        const [ours, ref] = await Promise.all([
          evaluateTrainer(new XgboostFitTrainer(), table, split, 42),
          runSklearn(sklearnJobFor(table, split, refs, 42, 1)),
        ]);
        for (const name of refs) {
          for (const [component, score] of Object.entries(ours)) {
            const theirs = ref.results[name]![component]!.mae;
            expect(score.mae, `${name} ${component}`).toBeLessThanOrEqual(theirs * 1.1);
          }
        }
      },
      300_000,
    );
  },
);
