// kepler-model-db archives (kepler-zip): decode time of the largest archive kinds (GradientBoosting,
// KNeighbors, XGBoost) and prediction speed, each beside Debian's scikit-learn / xgboost doing the
// same (load the archive as Kepler's estimator does; predict every component) in the same run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { predict, readKeplerArchive } from '../packages/formats/src/kepler-archive/index.ts';
import { sampleRows, toRows } from '../packages/formats/test/kepler-archive/fixtures.ts';
import { type BenchModule, timeMs } from './harness.ts';

const PYTHON = '/usr/bin/python3';
const ROOT = fileURLToPath(
  new URL('../fixtures/kepler/kepler-model-db-archives/models/v0.7/', import.meta.url),
);
const ARCHIVES = [
  'ec2-0.7.11/rapl-sysfs/AbsPower/CounterIRQCombined/GradientBoostingRegressorTrainer_0.zip',
  'ec2-0.7.11/rapl-sysfs/AbsPower/CounterIRQCombined/KNeighborsRegressorTrainer_0.zip',
  'ec2-0.7.11/rapl-sysfs/AbsPower/CounterIRQCombined/XgboostFitTrainer_0.zip',
  'ec2-0.7.11/rapl-sysfs/AbsPower/CounterIRQCombined/SVRRegressorTrainer_0.zip',
];
const ROWS = 10_000;
const RUNS = 5;

interface PyTimes {
  results: { path: string; load_ms: number; batch_ms: number; single_ms: number }[];
}

const bench: BenchModule = {
  title: 'Kepler pickled archives (kepler-zip): decode and predict vs scikit-learn / xgboost',
  skip() {
    const probe = spawnSync(PYTHON, ['-c', 'import sklearn, joblib, xgboost'], { encoding: 'utf8' });
    return probe.status === 0
      ? undefined
      : `${PYTHON} lacks scikit-learn/joblib/xgboost (scripts/install-deps.sh)`;
  },
  async run(ctx) {
    const inputs = ARCHIVES.map((rel, i) => {
      const path = ROOT + rel;
      const bytes = new Uint8Array(readFileSync(path));
      const model = readKeplerArchive(path, bytes);
      const x = sampleRows(model, ROWS, 500 + i);
      return {
        rel,
        path,
        bytes,
        model,
        x,
        single: x.subarray(model.features.length, 2 * model.features.length),
      };
    });
    const request = {
      runs: RUNS,
      archives: inputs.map((a) => ({
        path: a.path,
        rows: toRows(a.x, a.model.features.length),
        single: Array.from(a.single),
      })),
    };
    const py = spawnSync(PYTHON, [fileURLToPath(new URL('./kepler_archive_sklearn.py', import.meta.url))], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      // one thread, like ours: OpenMP pools of xgboost and scikit-learn in one process otherwise spin
      // against each other on a loaded machine (single-row xgboost predict went from 2 ms to 140 ms)
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (py.status !== 0) throw new Error(`baseline failed: ${py.stderr}`);
    const base = (JSON.parse(py.stdout) as PyTimes).results;
    for (const [i, a] of inputs.entries()) {
      const b = base[i]!;
      const kind = `${a.model.trainer.replace(/Trainer$/, '')} (${a.model.components.length} comp., ${(a.bytes.length / 1024).toFixed(0)} KiB)`;
      const decode = await timeMs(() => readKeplerArchive(a.path, a.bytes), RUNS);
      ctx.row({
        name: `decode ${kind}`,
        value: decode,
        unit: 'ms',
        baseline: 'joblib/xgboost load',
        baselineValue: b.load_ms,
      });
      const batch = await timeMs(() => predict(a.model, a.x, ROWS), RUNS);
      ctx.row({
        name: `predict ${ROWS} rows, ${kind}`,
        value: (batch * 1000) / ROWS,
        unit: 'µs/row',
        baseline: 'sklearn/xgboost predict',
        baselineValue: (b.batch_ms * 1000) / ROWS,
      });
      const single = await timeMs(() => predict(a.model, a.single, 1), RUNS * 20);
      ctx.row({
        name: `predict 1 row, ${kind}`,
        value: single * 1000,
        unit: 'µs',
        baseline: 'sklearn/xgboost predict',
        baselineValue: b.single_ms * 1000,
      });
    }
    ctx.note(
      'baseline: Debian python3 (scikit-learn 1.2.1, xgboost 1.7.4), one OpenMP thread, models built as the agreement test does',
    );
  },
};
export default bench;
