// DenseNetworkTrainer: a small ReLU network (2 × 16 units by default) trained per component with Adam on
// max-abs-scaled features and a standardised target (folded back into the output layer, so the stored network
// maps raw features to watts). Weights and scale are rounded to float32 once training ends, so the
// modelshelf-json, tfjs-layers, Keras HDF5 and TFLite exports and the trainer itself all predict alike.
import type { DenseNetwork } from '@modelshelf/formats';
import {
  type DenseComponent,
  encodeModelshelfJson,
  MODELSHELF_JSON_FILE,
  MODELSHELF_JSON_FORMAT,
  orderedComponents,
  TFLITE_FORMAT,
  tfliteCodec,
} from '@modelshelf/formats';
import { encodeKerasH5, KERAS_H5_FORMAT } from '@modelshelf/formats/keras-h5';
import { encodeTfjsLayers, TFJS_LAYERS_FORMAT } from '@modelshelf/formats/tfjs-layers';
import { mean } from './least-squares.ts';
import { MLP_DEFAULTS, type MlpOptions, trainMlp } from './mlp.ts';
import { ModelshelfFit, mergeModelshelfFits } from './modelshelf-fit.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { ExportedModel, FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export class DenseNetworkTrainer implements Trainer {
  readonly name = 'DenseNetworkTrainer';
  readonly hyperParameters: Record<string, unknown>;
  private readonly options: MlpOptions;

  constructor(options: Partial<MlpOptions> = {}) {
    this.options = { ...MLP_DEFAULTS, ...options };
    this.hyperParameters = {
      ...this.options,
      activation: 'relu',
      solver: 'adam',
      targetScaling: 'standard',
      scaler: 'maxabs',
    };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('DenseNetworkTrainer needs at least one row');
    // float32 from the start: the shipped formats hold float32 scales, and training must see the same x'.
    const scale = maxAbsScale(x).map(Math.fround);
    const mu = mean(y);
    let sq = 0;
    for (const v of y) sq += (v - mu) * (v - mu);
    const sigma = Math.sqrt(sq / y.length) || 1;
    const yz = y.map((v) => (v - mu) / sigma);
    const w = trainMlp(applyScale(x, scale), yz, x.cols, this.options, options.seed);
    const last = w.kernels.length - 1;
    const layers = w.kernels.map((kernel, l) => ({
      units: w.sizes[l + 1]!,
      activation: (l === last ? 'linear' : 'relu') as 'linear' | 'relu',
      kernel: (l === last ? kernel.map((v) => v * sigma) : kernel).map(Math.fround),
      bias: (l === last ? w.biases[l]!.map((v) => v * sigma + mu) : w.biases[l]!).map(Math.fround),
    }));
    return ModelshelfFit.of({ kind: 'dense', features: [...options.features], scale, component: { layers } });
  }

  async export(components: Record<string, FittedComponent>, options: FitOptions): Promise<ExportedModel> {
    const model = mergeModelshelfFits(this.name, components);
    if (model.kind !== 'dense')
      throw new TypeError(`${this.name}.export: expected dense fits, got ${model.kind}`);
    if (model.features.join('\u0000') !== options.features.join('\u0000')) {
      throw new RangeError(
        `${this.name}.export: components were fitted on [${model.features.join(', ')}], not [${options.features.join(', ')}]`,
      );
    }
    const net = blockDiagonalNetwork(model.features, model.scale, model.components);
    const tfjs = await encodeTfjsLayers(net);
    const tflite = await tfliteCodec.encode(net);
    const kerasH5 = await encodeKerasH5(net);
    const files = [
      { path: MODELSHELF_JSON_FILE, data: encodeModelshelfJson(model) },
      ...Object.entries(tfjs).map(([path, data]) => ({ path, data })),
      ...Object.entries(tflite).map(([path, data]) => ({ path, data })),
      ...Object.entries(kerasH5).map(([path, data]) => ({ path, data })),
    ];
    return {
      files,
      formats: [
        { name: MODELSHELF_JSON_FORMAT, files: [MODELSHELF_JSON_FILE] },
        { name: TFJS_LAYERS_FORMAT, files: Object.keys(tfjs) },
        { name: TFLITE_FORMAT, files: Object.keys(tflite) },
        { name: KERAS_H5_FORMAT, files: Object.keys(kerasH5) },
      ],
      modelClass: 'keras',
    };
  }
}

/**
 * One network for all components: hidden layers side by side, block-diagonal kernels (zeros between blocks add
 * exactly nothing), one output per component in Kepler order — the shape tfjs/TFLite consumers expect.
 */
export function blockDiagonalNetwork(
  features: string[],
  scale: Float64Array,
  components: Record<string, DenseComponent>,
): DenseNetwork {
  const names = orderedComponents(Object.keys(components));
  const parts = names.map((n) => components[n]!.layers);
  const depth = parts[0]!.length;
  if (parts.some((p) => p.length !== depth || p.some((l, i) => l.units !== parts[0]![i]!.units))) {
    throw new RangeError('every component network must have the same layer sizes to be merged');
  }
  const layers = [];
  let inWidths = names.map(() => features.length);
  let sharedInput = true;
  for (let l = 0; l < depth; l++) {
    const outWidths = parts.map((p) => p[l]!.units);
    const totalIn = sharedInput ? features.length : inWidths.reduce((a, b) => a + b, 0);
    const totalOut = outWidths.reduce((a, b) => a + b, 0);
    const kernel = new Float32Array(totalIn * totalOut);
    const bias = new Float32Array(totalOut);
    let inOff = 0;
    let outOff = 0;
    parts.forEach((p, c) => {
      const layer = p[l]!;
      const nIn = inWidths[c]!;
      const nOut = outWidths[c]!;
      for (let i = 0; i < nIn; i++) {
        for (let o = 0; o < nOut; o++)
          kernel[(inOff + i) * totalOut + outOff + o] = layer.kernel[i * nOut + o]!;
      }
      for (let o = 0; o < nOut; o++) bias[outOff + o] = layer.bias[o]!;
      if (!sharedInput) inOff += nIn;
      outOff += nOut;
    });
    layers.push({ units: totalOut, activation: parts[0]![l]!.activation, kernel, bias });
    inWidths = outWidths;
    sharedInput = false;
  }
  return {
    features: [...features],
    outputs: names,
    layers,
    normalization: { scale: Float32Array.from(scale) },
  };
}
