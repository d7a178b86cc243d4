// A framework-free dense feed-forward network: the common shape every neural format decodes into,
// so that tfjs, Keras h5 and TFLite files all predict through one small, allocation-light forward pass.

export const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

export interface DenseLayer {
  units: number;
  activation: DenseActivation;
  /** inputs × units, row-major [in][out] (the Keras layout). */
  kernel: Float32Array;
  bias: Float32Array;
}

export interface DenseNetwork {
  features: string[];
  outputs: string[];
  layers: DenseLayer[];
  /** Optional max-abs input scaling applied before the first layer: x' = x / scale, and 0 where scale is 0. */
  normalization?: { scale: Float32Array };
}

/** Thrown for a network whose shapes do not line up; the message names the layer and both sizes. */
export class DenseNetworkError extends Error {
  override readonly name = 'DenseNetworkError';
}

export function isDenseActivation(value: unknown): value is DenseActivation {
  return typeof value === 'string' && (DENSE_ACTIVATIONS as readonly string[]).includes(value);
}

/** Checks every shape against its neighbours; returns the network for chaining. */
export function validateDenseNetwork(net: DenseNetwork): DenseNetwork {
  if (net.features.length === 0) throw new DenseNetworkError('network has no input features');
  if (net.layers.length === 0) throw new DenseNetworkError('network has no layers');
  const scale = net.normalization?.scale;
  if (scale && scale.length !== net.features.length) {
    throw new DenseNetworkError(
      `normalization scale has ${scale.length} entries but there are ${net.features.length} features`,
    );
  }
  let inputs = net.features.length;
  net.layers.forEach((layer, i) => {
    const where = `layer ${i} (${layer.activation}, ${layer.units} units)`;
    if (!Number.isInteger(layer.units) || layer.units < 1) {
      throw new DenseNetworkError(`${where}: units must be a positive integer, got ${layer.units}`);
    }
    if (!isDenseActivation(layer.activation)) {
      throw new DenseNetworkError(
        `${where}: unsupported activation "${String(layer.activation)}"; use one of ${DENSE_ACTIVATIONS.join(', ')}`,
      );
    }
    if (layer.kernel.length !== inputs * layer.units) {
      throw new DenseNetworkError(
        `${where}: kernel has ${layer.kernel.length} values, expected ${inputs}×${layer.units} = ${inputs * layer.units}`,
      );
    }
    if (layer.bias.length !== layer.units) {
      throw new DenseNetworkError(`${where}: bias has ${layer.bias.length} values, expected ${layer.units}`);
    }
    inputs = layer.units;
  });
  if (inputs !== net.outputs.length) {
    throw new DenseNetworkError(
      `last layer has ${inputs} units but the network names ${net.outputs.length} outputs (${net.outputs.join(', ')})`,
    );
  }
  return net;
}

/** One unit's activation; shared by every dense forward pass (network formats and modelshelf-json). */
export function activate(activation: DenseActivation | string, v: number): number {
  switch (activation) {
    case 'relu':
      return Math.max(v, 0);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    default:
      return v;
  }
}

/**
 * Runs `rows` rows of `input` (rows × features, row-major) through the network and returns
 * rows × outputs. Two scratch buffers are reused across rows, so the cost is one allocation per layer width.
 */
export function forwardDense(net: DenseNetwork, input: Float64Array, rows: number): Float64Array {
  const nIn = net.features.length;
  if (input.length !== rows * nIn) {
    throw new DenseNetworkError(`input has ${input.length} values, expected ${rows} rows × ${nIn} features`);
  }
  const widest = Math.max(nIn, ...net.layers.map((l) => l.units));
  let current = new Float64Array(widest);
  let next = new Float64Array(widest);
  const nOut = net.outputs.length;
  const out = new Float64Array(rows * nOut);
  const scale = net.normalization?.scale;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < nIn; i++) {
      const x = input[r * nIn + i]!;
      current[i] = scale ? (scale[i] === 0 ? 0 : x / scale[i]!) : x;
    }
    let width = nIn;
    for (const layer of net.layers) {
      const { units, kernel, bias, activation } = layer;
      for (let o = 0; o < units; o++) next[o] = bias[o]!;
      for (let i = 0; i < width; i++) {
        const xi = current[i]!;
        if (xi === 0) continue;
        const base = i * units;
        for (let o = 0; o < units; o++) next[o]! += xi * kernel[base + o]!;
      }
      if (activation !== 'linear') for (let o = 0; o < units; o++) next[o] = activate(activation, next[o]!);
      [current, next] = [next, current];
      width = units;
    }
    out.set(current.subarray(0, nOut), r * nOut);
  }
  return out;
}

/**
 * A linear model (power = w·x + b per output) as a one-layer network. `weights[o][i]` is the weight of
 * feature i for output o, the orientation regressions usually report.
 */
export function linearNetwork(
  features: string[],
  outputs: string[],
  weights: number[][],
  intercepts: number[],
): DenseNetwork {
  const kernel = new Float32Array(features.length * outputs.length);
  outputs.forEach((name, o) => {
    const row = weights[o];
    if (!row || row.length !== features.length) {
      throw new DenseNetworkError(
        `output "${name}" has ${row?.length ?? 0} weights, expected one per feature (${features.length})`,
      );
    }
    row.forEach((w, i) => {
      kernel[i * outputs.length + o] = w;
    });
  });
  const net: DenseNetwork = {
    features,
    outputs,
    layers: [{ units: outputs.length, activation: 'linear', kernel, bias: Float32Array.from(intercepts) }],
  };
  return validateDenseNetwork(net);
}
