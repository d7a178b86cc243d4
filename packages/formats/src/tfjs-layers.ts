import type * as tfTypes from '@tensorflow/tfjs';
import type { ArtifactBytes } from './artifact-bytes.ts';
import { findByBasename, siblingPath } from './artifact-bytes.ts';
import { type DecodedDenseModel, decodedDenseModel } from './dense/decoded.ts';
import {
  type DenseMetadata,
  denseMetadataOf,
  MODELSHELF_METADATA_KEY,
  parseDenseMetadata,
} from './dense/metadata.ts';
import {
  type DenseLayer,
  type DenseNetwork,
  isDenseActivation,
  validateDenseNetwork,
} from './dense/network.ts';
import { tfjsRuntime } from './tfjs-runtime.ts';
import { type ArtifactFiles, type FormatCodec, FormatError } from './types.ts';

// TensorFlow.js LayersModel: model.json (topology + weights manifest) plus binary weight shards, moved in
// and out of tfjs through custom IO handlers (no temp files). Decoding loads the model in tfjs once to
// validate it, copies the weights into a DenseNetwork and disposes every tensor: prediction then runs in
// plain JS, so a served model holds no tfjs memory at all.

export const TFJS_LAYERS_FORMAT = 'tfjs-layers';
export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_SHARD_FILE = 'group1-shard1of1.bin';

/** Layers that are the identity at inference time and may sit between Dense layers. */
const INFERENCE_NO_OPS = new Set(['InputLayer', 'Dropout']);

class Unsupported extends Error {}

/**
 * Copies a trained tfjs model (a chain of Dense layers, e.g. a tf.sequential) into a DenseNetwork.
 * `names` supplies what the model cannot know: column names and the max-abs input scale used in training.
 */
export function denseNetworkFromLayersModel(
  model: tfTypes.LayersModel,
  names: { features: string[]; outputs: string[]; scale?: ArrayLike<number> },
): DenseNetwork {
  const layers: DenseLayer[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (INFERENCE_NO_OPS.has(kind)) continue;
    if (kind !== 'Dense') {
      throw new Unsupported(
        `layer "${layer.name}" is a ${kind}; only Dense (with InputLayer/Dropout) is supported`,
      );
    }
    const config = layer.getConfig();
    const activation = String(config.activation ?? 'linear');
    if (!isDenseActivation(activation)) {
      throw new Unsupported(
        `layer "${layer.name}" uses activation "${activation}"; use linear, relu, sigmoid or tanh`,
      );
    }
    // getWeights() returns the variables' own tensors: read them, never dispose them here.
    const [kernel, bias] = layer.getWeights();
    if (!kernel) throw new Unsupported(`layer "${layer.name}" has no kernel`);
    const units = Number(config.units);
    layers.push({
      units,
      activation,
      kernel: Float32Array.from(kernel.dataSync()),
      bias: bias ? Float32Array.from(bias.dataSync()) : new Float32Array(units),
    });
  }
  const net: DenseNetwork = { features: [...names.features], outputs: [...names.outputs], layers };
  if (names.scale) net.normalization = { scale: Float32Array.from(names.scale) };
  return validateDenseNetwork(net);
}

/** Builds the equivalent tf.sequential; the caller owns (and must dispose) the returned model. */
export async function layersModelFromDenseNetwork(net: DenseNetwork): Promise<tfTypes.Sequential> {
  validateDenseNetwork(net);
  const tf = await tfjsRuntime();
  // Explicit names by position: tfjs would otherwise draw them from process-wide counters
  // ("dense_Dense7"), and the same network would encode to different bytes on every call.
  const model = tf.sequential({ name: 'sequential' });
  let inputs = net.features.length;
  for (const [i, layer] of net.layers.entries()) {
    const dense = tf.layers.dense({
      name: `dense_${i + 1}`,
      units: layer.units,
      activation: layer.activation,
      inputShape: [inputs],
    });
    model.add(dense);
    const values = [tf.tensor2d(layer.kernel, [inputs, layer.units]), tf.tensor1d(layer.bias)];
    dense.setWeights(values);
    tf.dispose(values);
    inputs = layer.units;
  }
  return model;
}

export async function encodeTfjsLayers(net: DenseNetwork): Promise<ArtifactBytes> {
  const tf = await tfjsRuntime();
  const model = await layersModelFromDenseNetwork(net);
  let files: ArtifactBytes | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightData = tf.io.concatenateArrayBuffers(
          artifacts.weightData === undefined ? [] : ([] as ArrayBuffer[]).concat(artifacts.weightData),
        );
        const modelJson: tfTypes.io.ModelJSON = {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: null,
          modelTopology: artifacts.modelTopology as object,
          weightsManifest: [{ paths: [TFJS_SHARD_FILE], weights: artifacts.weightSpecs ?? [] }],
          userDefinedMetadata: { [MODELSHELF_METADATA_KEY]: denseMetadataOf(net) },
        };
        files = {
          [TFJS_MODEL_FILE]: new TextEncoder().encode(JSON.stringify(modelJson)),
          [TFJS_SHARD_FILE]: new Uint8Array(weightData),
        };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  if (!files) throw new Error('tfjs did not call the save handler');
  return files;
}

function parseModelJson(bytes: Uint8Array): tfTypes.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new Unsupported(`not JSON: ${(err as Error).message}`);
  }
  const candidate = json as Partial<tfTypes.io.ModelJSON> | null;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw new Unsupported('model.json must be a JSON object');
  }
  if (typeof candidate.modelTopology !== 'object' || candidate.modelTopology === null) {
    throw new Unsupported('model.json has no modelTopology object (is this a graph model?)');
  }
  if (candidate.format !== undefined && candidate.format !== 'layers-model') {
    throw new Unsupported(`model.json format is "${String(candidate.format)}", expected "layers-model"`);
  }
  const manifest = candidate.weightsManifest;
  if (
    !Array.isArray(manifest) ||
    !manifest.every((g) => Array.isArray(g?.paths) && g.paths.every((p: unknown) => typeof p === 'string'))
  ) {
    throw new Unsupported('model.json weightsManifest must be a list of {paths: string[], weights: [...]}');
  }
  return candidate as tfTypes.io.ModelJSON;
}

/** Reads the shards a weights manifest names, in order, relative to model.json's directory. */
async function readWeights(
  files: ArtifactFiles,
  modelPath: string,
  manifest: tfTypes.io.WeightsManifestConfig,
): Promise<[tfTypes.io.WeightsManifestEntry[], ArrayBuffer]> {
  const known = new Set(files.paths());
  const specs = manifest.flatMap((group) => group.weights);
  const chunks: Uint8Array[] = [];
  for (const shard of manifest.flatMap((group) => group.paths)) {
    const path = siblingPath(modelPath, shard);
    if (!known.has(path)) throw new Unsupported(`weight shard "${path}" named in model.json is missing`);
    chunks.push(await files.read(path));
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    joined.set(c, offset);
    offset += c.length;
  }
  checkWeightSizes(specs, total);
  return [specs, joined.buffer];
}

/**
 * tfjs builds the model's variables before it reads the weights, and does not free them when the weights
 * turn out short; checking sizes first keeps a corrupt artifact from leaking tensors on every retry.
 */
function checkWeightSizes(specs: tfTypes.io.WeightsManifestEntry[], available: number): void {
  let needed = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization) {
      throw new Unsupported(
        `weight "${spec.name}" is ${spec.dtype}${spec.quantization ? ' (quantized)' : ''}; only float32`,
      );
    }
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Unsupported(`weight "${spec.name}" has an invalid shape ${JSON.stringify(spec.shape)}`);
    }
    needed += 4 * spec.shape.reduce((a, b) => a * b, 1);
  }
  if (needed !== available) {
    throw new Unsupported(`weights manifest describes ${needed} bytes but the shards hold ${available}`);
  }
}

function metadataOf(modelJson: tfTypes.io.ModelJSON, layersModel: tfTypes.LayersModel): DenseMetadata {
  const raw = (modelJson.userDefinedMetadata as Record<string, unknown> | undefined)?.[
    MODELSHELF_METADATA_KEY
  ];
  if (raw !== undefined) {
    const parsed = parseDenseMetadata(raw);
    if (!parsed.ok) throw new Unsupported(parsed.problem);
    return parsed.value;
  }
  // A model.json from elsewhere: invent positional names from the input and output widths.
  const nIn = Number(layersModel.inputs[0]?.shape.at(-1) ?? 0);
  const nOut = Number(layersModel.outputs[0]?.shape.at(-1) ?? 0);
  return {
    features: Array.from({ length: nIn }, (_, i) => `x${i}`),
    outputs: Array.from({ length: nOut }, (_, i) => `y${i}`),
  };
}

export async function decodeTfjsLayers(files: ArtifactFiles, modelPath: string): Promise<DenseNetwork> {
  const tf = await tfjsRuntime();
  const modelJson = parseModelJson(await files.read(modelPath));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) =>
    readWeights(files, modelPath, manifest),
  );
  let model: tfTypes.LayersModel | undefined;
  try {
    model = await tf.loadLayersModel({ load: async () => artifacts });
    const meta = metadataOf(modelJson, model);
    return denseNetworkFromLayersModel(model, meta);
  } finally {
    model?.dispose();
  }
}

export const tfjsLayersCodec: FormatCodec<DecodedDenseModel> & {
  encode(net: DenseNetwork): Promise<ArtifactBytes>;
} = {
  name: TFJS_LAYERS_FORMAT,
  async detect(files) {
    return findByBasename(files, TFJS_MODEL_FILE) !== undefined;
  },
  async decode(files) {
    const path = findByBasename(files, TFJS_MODEL_FILE);
    if (!path)
      throw new FormatError(
        TFJS_LAYERS_FORMAT,
        '(none)',
        `no ${TFJS_MODEL_FILE} among ${files.paths().join(', ')}`,
      );
    try {
      return decodedDenseModel(TFJS_LAYERS_FORMAT, await decodeTfjsLayers(files, path));
    } catch (err) {
      throw new FormatError(TFJS_LAYERS_FORMAT, path, (err as Error).message);
    }
  },
  encode: encodeTfjsLayers,
};
