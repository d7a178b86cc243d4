// A small multilayer perceptron trained like scikit-learn's MLPRegressor: Glorot-uniform initialisation
// (weights and biases), ReLU hidden layers, identity output, squared loss with L2 penalty alpha, Adam, shuffled
// minibatches of min(200, n). Plain typed-array loops: for networks this small they beat any tensor runtime's
// per-operation overhead and give bit-identical results for a given seed on every platform.
import { Rng } from './rng.ts';

export interface MlpOptions {
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const MLP_DEFAULTS: MlpOptions = {
  hidden: [16, 16],
  epochs: 200,
  batchSize: 200,
  learningRate: 1e-3,
  alpha: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

export interface MlpWeights {
  /** sizes[0] = inputs, last = 1 output. */
  sizes: number[];
  /** kernel[l]: sizes[l] × sizes[l+1], row-major [in][out]. */
  kernels: Float64Array[];
  biases: Float64Array[];
}

/** Trains on row-major inputs xs (n × d) and targets y; returns the weights. */
export function trainMlp(
  xs: Float64Array,
  y: Float64Array,
  d: number,
  options: MlpOptions,
  seed: number,
): MlpWeights {
  const n = y.length;
  const sizes = [d, ...options.hidden, 1];
  const L = sizes.length - 1;
  const rng = new Rng(seed);
  const kernels: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    kernels.push(Float64Array.from({ length: fanIn * fanOut }, () => rng.uniform(-bound, bound)));
    biases.push(Float64Array.from({ length: fanOut }, () => rng.uniform(-bound, bound)));
  }
  const params = [...kernels, ...biases];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const batch = Math.max(1, Math.min(options.batchSize, n));
  // Batch-major activations and deltas: acts[l] is batch × sizes[l].
  const acts = sizes.map((s) => new Float64Array(batch * s));
  const deltas = sizes.map((s) => new Float64Array(batch * s));
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const { learningRate, alpha, beta1, beta2, epsilon } = options;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < n; start += batch) {
      const size = Math.min(batch, n - start);
      const a0 = acts[0]!;
      for (let b = 0; b < size; b++) {
        const row = order[start + b]!;
        for (let c = 0; c < d; c++) a0[b * d + c] = xs[row * d + c]!;
      }
      forwardBatch(kernels, biases, sizes, acts, size);
      const out = acts[L]!;
      const dOut = deltas[L]!;
      for (let b = 0; b < size; b++) dOut[b] = out[b]! - y[order[start + b]!]!;
      for (let l = L - 1; l >= 0; l--) {
        backwardLayer(
          kernels[l]!,
          acts[l]!,
          deltas[l + 1]!,
          deltas[l]!,
          grads[l]!,
          grads[L + l]!,
          sizes[l]!,
          sizes[l + 1]!,
          size,
          l > 0,
        );
      }
      step++;
      const lrT = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let p = 0; p < params.length; p++) {
        const w = params[p]!;
        const g = grads[p]!;
        const decay = p < L ? alpha : 0;
        const mm = m1[p]!;
        const vv = m2[p]!;
        for (let j = 0; j < w.length; j++) {
          const gj = (g[j]! + decay * w[j]!) / size;
          mm[j] = beta1 * mm[j]! + (1 - beta1) * gj;
          vv[j] = beta2 * vv[j]! + (1 - beta2) * gj * gj;
          w[j] = w[j]! - (lrT * mm[j]!) / (Math.sqrt(vv[j]!) + epsilon);
        }
      }
    }
  }
  return { sizes, kernels, biases };
}

/** acts[l+1] = act(acts[l] · W_l + b_l) for the first `size` rows of the batch (ReLU on hidden layers). */
function forwardBatch(
  kernels: Float64Array[],
  biases: Float64Array[],
  sizes: number[],
  acts: Float64Array[],
  size: number,
): void {
  const L = kernels.length;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    const a = acts[l]!;
    const z = acts[l + 1]!;
    const k = kernels[l]!;
    const bias = biases[l]!;
    const hidden = l < L - 1;
    for (let b = 0; b < size; b++) {
      const ai = b * nIn;
      const zi = b * nOut;
      for (let o = 0; o < nOut; o++) z[zi + o] = bias[o]!;
      for (let i = 0; i < nIn; i++) {
        const v = a[ai + i]!;
        if (v === 0) continue;
        const ki = i * nOut;
        for (let o = 0; o < nOut; o++) z[zi + o] = z[zi + o]! + v * k[ki + o]!;
      }
      if (hidden) for (let o = 0; o < nOut; o++) if (z[zi + o]! < 0) z[zi + o] = 0;
    }
  }
}

/** Gradients of one layer from the deltas above it, summed over the batch; deltas below get the ReLU mask. */
function backwardLayer(
  k: Float64Array,
  a: Float64Array,
  dOut: Float64Array,
  dIn: Float64Array,
  gK: Float64Array,
  gB: Float64Array,
  nIn: number,
  nOut: number,
  size: number,
  propagate: boolean,
): void {
  gK.fill(0);
  gB.fill(0);
  for (let b = 0; b < size; b++) {
    const di = b * nOut;
    const ai = b * nIn;
    for (let o = 0; o < nOut; o++) gB[o] = gB[o]! + dOut[di + o]!;
    for (let i = 0; i < nIn; i++) {
      const v = a[ai + i]!;
      const ki = i * nOut;
      let back = 0;
      for (let o = 0; o < nOut; o++) {
        const g = dOut[di + o]!;
        gK[ki + o] = gK[ki + o]! + v * g;
        back += k[ki + o]! * g;
      }
      if (propagate) dIn[ai + i] = v > 0 ? back : 0;
    }
  }
}
