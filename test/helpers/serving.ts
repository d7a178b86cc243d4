// Shared pieces of the serving matrix: training once on Kepler's 2023-09 fixture, input rows taken
// from the same data, the trained models' own in-process predictions, and the comparison rule
// (relative tolerance per format; Kepler's clamping and package/core fill-in allowed).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildProgram } from '../../packages/cli/src/index.ts';
import {
  allTrainers,
  extractTable,
  loadPromFile,
  type TrainedModel,
  type TrainResult,
  train,
} from '../../packages/trainer/src/index.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURE = join(
  ROOT,
  'fixtures/kepler/kepler-model-server/tests/data/prom_output/prom_response_2023-09.json',
);
export const BIN = join(ROOT, 'packages/cli/bin/modelshelf.js');

/** Formats stored as float32 (TFLite, tfjs weights, Keras h5): compared at 1e-5, JSON formats at 1e-9. */
export const FLOAT32_FORMATS = new Set(['tflite', 'tfjs-layers', 'keras-h5']);
export const toleranceOf = (format: string) => (FLOAT32_FORMATS.has(format) ? 1e-5 : 1e-9);

export interface Trained {
  result: TrainResult;
  /** Up to `rowsPerModel` rows of the training table with every feature of the model defined. */
  rowsFor(model: TrainedModel): number[][];
}

/** Every trainer of the catalogue on the 2023-09 fixture (rapl), once. */
export async function trainFixture(rowsPerModel = 12): Promise<Trained> {
  const result = await train({
    source: { kind: 'file', path: FIXTURE },
    energySource: 'rapl',
    trainers: allTrainers(),
  });
  const { table } = extractTable(await loadPromFile(FIXTURE), 'rapl');
  const rows = table.timestamps.length;
  const nf = table.featureNames.length;
  return {
    result,
    rowsFor(model) {
      const cols = model.features.map((f) => table.featureNames.indexOf(f));
      const out: number[][] = [];
      const step = Math.max(1, Math.floor(rows / rowsPerModel));
      for (let r = 0; r < rows && out.length < rowsPerModel; r += step) {
        const row = cols.map((c) => (c < 0 ? Number.NaN : table.features[r * nf + c]!));
        if (row.every(Number.isFinite)) out.push(row);
      }
      if (out.length === 0) throw new Error(`no complete row for ${model.name}`);
      return out;
    },
  };
}

/** The trained model's own predictions (the fitted components, before any export): component → watts per row. */
export function inProcess(model: TrainedModel, rows: number[][]): Record<string, number[]> {
  const x = { data: Float64Array.from(rows.flat()), rows: rows.length, cols: model.features.length };
  return Object.fromEntries(
    Object.entries(model.fitted).map(([component, fit]) => [component, Array.from(fit.predict(x))]),
  );
}

/**
 * Checks served watts against the in-process ones, per component and row. Kepler's estimator
 * returns a negative prediction as 0, and `predict` fills package/core as Kepler's Go code does;
 * both are allowed exactly where they apply, every other value must match within `tolerance`.
 */
export function mismatches(
  served: Record<string, readonly number[]>,
  expected: Record<string, readonly number[]>,
  tolerance: number,
): string[] {
  const problems: string[] = [];
  for (const [component, values] of Object.entries(expected)) {
    const got = served[component];
    if (!got) {
      problems.push(`${component}: missing (served ${Object.keys(served).join(', ')})`);
      continue;
    }
    values.forEach((want, r) => {
      const have = got[r]!;
      if (close(have, want, tolerance)) return;
      if (want < 0 && have === 0) return; // clamped, as Kepler's sidecar does
      const core = expected.core?.[r];
      const uncore = expected.uncore?.[r] ?? 0;
      const pkg = expected.package?.[r];
      if (component === 'core' && want === 0 && pkg !== undefined && close(have, pkg - uncore, tolerance))
        return;
      if (
        component === 'package' &&
        core !== undefined &&
        want < core + uncore &&
        close(have, core + uncore, tolerance)
      )
        return;
      problems.push(`${component}[${r}]: served ${have}, trained ${want}`);
    });
  }
  return problems;
}

const close = (a: number, b: number, tol: number) =>
  Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-3);

/** Runs one `modelshelf` command in this process (the program the binary runs), returning stdout. */
export async function cliInProcess(args: string[]): Promise<string> {
  const program = buildProgram();
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  const exitCode = process.exitCode;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  const failed = process.exitCode !== exitCode && process.exitCode !== 0;
  process.exitCode = exitCode;
  if (failed) throw new Error(`modelshelf ${args.join(' ')} failed: ${out}`);
  return out;
}

/** Runs the real `modelshelf` binary to completion. */
export function cliProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** predict's rows for the model's features. */
export const predictRows = (model: TrainedModel, rows: number[][]) =>
  rows.map((row) => ({ features: Object.fromEntries(model.features.map((f, j) => [f, row[j]!])) }));

/** predict --json output → component → watts per row. */
export function predictColumns(json: string): {
  format: string;
  version: number;
  powers: Record<string, number[]>;
} {
  const doc = JSON.parse(json) as { format: string; version: number; predictions: Record<string, number>[] };
  const powers: Record<string, number[]> = {};
  for (const row of doc.predictions) {
    for (const [c, w] of Object.entries(row)) {
      powers[c] ??= [];
      powers[c].push(w);
    }
  }
  return { format: doc.format, version: doc.version, powers };
}
