// Independent evaluation: Debian's scikit-learn 1.2.1 / xgboost 1.7.4 / numpy compute every fixture
// archive's predictions on the same rows (kepler_archive_reference.py says how, per class), and ours
// must agree to 1e-9 relative.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, requirePython } from '../../../../test/readers/run-reader.ts';
import { type ArchiveModel, predictComponent, readKeplerArchive } from '../../src/kepler-archive/index.ts';
import { ARCHIVES, onSplitRows, readArchive, sampleRows, shortName, toRows } from './fixtures.ts';

interface Reference {
  results: { path: string; components: Record<string, number[]>; methods: Record<string, string> }[];
  versions: Record<string, string>;
}

const ROWS = 64;
const SCRIPT = fileURLToPath(new URL('./kepler_archive_reference.py', import.meta.url));

export function relativeError(ours: number, ref: number): number {
  if (ours === ref) return 0;
  return Math.abs(ours - ref) / Math.max(Math.abs(ref), Number.MIN_VALUE);
}

describe('kepler archives against scikit-learn / xgboost themselves', () => {
  const available = requirePython(['sklearn', 'joblib', 'xgboost'], ['python3-sklearn', 'python3-xgboost']);
  const models = new Map<string, { model: ArchiveModel; x: Float64Array }>();
  let reference: Reference;

  beforeAll(() => {
    if (!available) return;
    ARCHIVES.forEach((p, i) => {
      const model = readKeplerArchive(p, readArchive(p));
      const x = sampleRows(model, ROWS, 1000 + i);
      onSplitRows(model, x, ROWS, 24); // the last 24 rows sit on tree splits
      models.set(p, { model, x });
    });
    const request = {
      archives: ARCHIVES.map((p) => ({
        path: p,
        rows: toRows(models.get(p)!.x, models.get(p)!.model.features.length),
      })),
    };
    const run = spawnSync(DEBIAN_PYTHON, [SCRIPT], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`reference exited ${run.status}: ${run.stderr}`);
    reference = JSON.parse(run.stdout) as Reference;
  }, 120_000);

  it.skipIf(!available)('every archive and component agrees to 1e-9 relative (raw, before the clamp)', () => {
    const worst = new Map<string, { err: number; where: string; method: string }>();
    for (const res of reference.results) {
      const { model, x } = models.get(res.path)!;
      expect(Object.keys(res.components).sort()).toEqual(model.components.map((c) => c.name).sort());
      for (const c of model.components) {
        const ours = predictComponent(c, x, ROWS, { clampNegative: false });
        const ref = res.components[c.name]!;
        expect(ref).toHaveLength(ROWS);
        const cls = `${model.trainer} (${c.estimator.kind})`;
        for (let r = 0; r < ROWS; r++) {
          const err = relativeError(ours[r]!, ref[r]!);
          const w = worst.get(cls);
          if (!w || err > w.err) {
            worst.set(cls, {
              err,
              where: `${shortName(res.path)} ${c.name} row ${r}: ${ours[r]} vs ${ref[r]}`,
              method: res.methods[c.name]!,
            });
          }
        }
      }
    }
    const table = [...worst].map(
      ([cls, w]) => `${cls.padEnd(52)} ${w.method.padEnd(14)} max rel ${w.err.toExponential(2)}`,
    );
    console.log(
      `agreement with ${JSON.stringify(reference.versions)} over ${ROWS} rows per archive:\n${table.join('\n')}`,
    );
    for (const [cls, w] of worst) expect(w.err, `${cls}: ${w.where}`).toBeLessThanOrEqual(1e-9);
  });
});
