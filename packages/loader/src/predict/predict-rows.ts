// What `modelshelf predict` computes for its input rows, as a library call (the command only parses and
// prints). Two named semantics (@modelshelf/formats semantics.ts):
//   sidecar   (default) the very watts the estimator socket answers for the same rows (estimator/predict.ts
//             uses the same options), plus the core_ratio it reports;
//   kepler-go what Kepler's Go regressor computes: its unclamped watts per component, and the uint64
//             milliwatts Kepler stores after its post-processing (× 1000 × idle core ratio, wrapping
//             conversion as on amd64, package/core fill-in).
// Features a row names that the model does not use are ignored, as Kepler and the sidecar ignore extra
// metrics; they are returned so the caller can say so once.
import {
  type DecodedModel,
  defaultMeanVariance,
  type KeplerMeanVarianceRule,
  KeplerPowerModel,
  type KeplerRowInput,
  type KeplerSemantics,
  keplerSemanticsOptions,
} from '@modelshelf/formats';
import { InvalidArgumentError } from '@modelshelf/registry';

export interface PredictRowsOptions {
  idle?: boolean;
  /** Default 'sidecar'. */
  semantics?: KeplerSemantics;
  /** Oldest weight files (mean/variance): default per semantics (sidecar: standard scaler; kepler-go: ignore). */
  meanVariance?: KeplerMeanVarianceRule;
}

export interface PredictRowsResult {
  /** One object per row: output (component) name → watts. */
  predictions: Record<string, number>[];
  /** sidecar, Kepler models: the `core_ratio` the estimator would report for each row's `cores` (1 unknown). */
  coreRatios?: number[];
  /** kepler-go, Kepler models: Kepler's uint64 milliwatts per row and component, as decimal strings. */
  milliwatts?: Record<string, string>[];
  /** Feature names the rows gave that the model does not use (ignored), sorted. */
  ignored: string[];
}

export function predictRows(
  model: DecodedModel,
  rows: readonly KeplerRowInput[],
  options: PredictRowsOptions = {},
): PredictRowsResult {
  const semantics = options.semantics ?? 'sidecar';
  const ignored = [
    ...new Set(rows.flatMap((r) => Object.keys(r.features).filter((f) => !model.features.includes(f)))),
  ].sort();
  if (!(model instanceof KeplerPowerModel))
    return { predictions: predictGeneric(model, rows, options), ignored };
  const rule = options.meanVariance ?? defaultMeanVariance(semantics);
  const m = rule === model.meanVariance ? model : model.withOptions({ meanVariance: rule });
  const idle = options.idle === true;
  const predictions = m.predictRows(rows, { ...keplerSemanticsOptions(semantics), idle });
  if (semantics === 'sidecar') {
    const coreRatios = rows.map((r) => (r.cores && m.modelCores ? r.cores / m.modelCores : 1));
    return { predictions, coreRatios, ignored };
  }
  return { predictions, milliwatts: rows.map((r) => keplerMilliwatts(m, r, idle)), ignored };
}

/** One row through KeplerPowerModel.toKeplerMilliwatts, the curve reading the row's first feature. */
function keplerMilliwatts(
  model: KeplerPowerModel,
  row: KeplerRowInput,
  idle: boolean,
): Record<string, string> {
  const x = new Float64Array(model.features.length);
  for (const [name, value] of Object.entries(row.features)) {
    const j = model.features.indexOf(name);
    if (j >= 0) x[j] = value;
  }
  const system = Int32Array.from(model.categorical, (v) => {
    const value = row.system?.[v.name];
    return value === undefined ? -1 : v.values.indexOf(value);
  });
  const first = Object.keys(row.features)[0];
  const mw = model.toKeplerMilliwatts(x, 1, {
    idle,
    system,
    cores: row.cores,
    curveInput: first === undefined ? 'first-feature' : { feature: first },
  });
  return Object.fromEntries(model.outputs.map((name, c) => [name, mw[c]!.toString()]));
}

function predictGeneric(
  model: DecodedModel,
  rows: readonly KeplerRowInput[],
  options: PredictRowsOptions,
): Record<string, number>[] {
  if (options.idle) {
    throw new InvalidArgumentError(
      `--idle needs a Kepler weight model; this version decodes as ${model.format}`,
      'drop --idle and give the idle feature values in --input',
    );
  }
  const nf = model.features.length;
  const input = new Float64Array(rows.length * nf);
  rows.forEach((row, r) => {
    for (const [name, value] of Object.entries(row.features)) {
      const j = model.features.indexOf(name);
      if (j >= 0) input[r * nf + j] = value;
    }
  });
  const out = model.predict(input, rows.length);
  const nOut = model.outputs.length;
  return rows.map((_, r) => Object.fromEntries(model.outputs.map((name, c) => [name, out[r * nOut + c]!])));
}
