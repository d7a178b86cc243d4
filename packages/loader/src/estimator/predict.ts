// Answers one request with one decoded model: request columns are matched to the model's features by
// name (extra metrics are ignored, missing ones refused), and the output is watts per component per
// row. Kepler models follow the Python sidecar (@modelshelf/formats `keplerSemanticsOptions('sidecar')`):
// negative predictions are clamped to 0, curve fits read the sidecar's main feature, and no package/core
// fill-in or core ratio is applied (Kepler's Go client does both on its side after the call). `modelshelf
// predict` uses the same options by default, so both give the same watts for the same input.
import type { DecodedModel } from '@modelshelf/formats/serving';
import { KeplerPowerModel, keplerSemanticsOptions } from '@modelshelf/formats/serving';
import { type PowerRequest, ProtocolError } from './protocol.ts';

const SIDECAR = keplerSemanticsOptions('sidecar');

export function predictPowers(model: DecodedModel, request: PowerRequest): Record<string, number[]> {
  const rows = request.values.length;
  const nf = model.features.length;
  const columns = model.features.map((f) => request.metrics.indexOf(f));
  const missing = model.features.filter((_, j) => columns[j]! < 0);
  // No rows, nothing to compute: an empty answer even when the request names no metrics at all.
  if (missing.length > 0 && rows > 0) {
    throw new ProtocolError(
      `the model needs metrics the request lacks: ${missing.join(', ')} (request has ${request.metrics.join(', ') || 'none'})`,
    );
  }
  const input = new Float64Array(rows * nf);
  for (let r = 0; r < rows; r++) {
    const row = request.values[r]!;
    for (let j = 0; j < nf; j++) input[r * nf + j] = row[columns[j]!]!;
  }
  const nOut = model.outputs.length;
  let out: Float64Array;
  if (model instanceof KeplerPowerModel) {
    const system = Int32Array.from(model.categorical, (v) => {
      const value = request.system[v.name];
      return value === undefined ? -1 : v.values.indexOf(value);
    });
    const { clampNegative, fill, curveInput } = SIDECAR;
    out = model.predictInto(input, rows, new Float64Array(rows * nOut), {
      system,
      clampNegative,
      fill,
      curveInput: curveInput === 'first-metric' ? 'first-feature' : curveInput,
    });
  } else {
    out = model.predict(input, rows);
  }
  const powers: Record<string, number[]> = {};
  model.outputs.forEach((name, c) => {
    const col = new Array<number>(rows);
    for (let r = 0; r < rows; r++) {
      const v = out[r * nOut + c]!;
      if (!Number.isFinite(v)) {
        throw new ProtocolError(`the model predicted ${v} for "${name}" in row ${r}; check the input values`);
      }
      col[r] = v;
    }
    powers[name] = col;
  });
  return powers;
}

/** What Kepler's sidecar reports for idle power scaling: this node's cores over the model's. */
export function coreRatioFor(model: DecodedModel, cores: number | undefined): number {
  const modelCores = model instanceof KeplerPowerModel ? model.modelCores : undefined;
  if (!cores || !modelCores || modelCores <= 0) return 1;
  return cores / modelCores;
}
