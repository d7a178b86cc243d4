import type { ArtifactBytes } from './artifact-bytes.ts';
import { type DecodedDenseModel, decodedDenseModel } from './dense/decoded.ts';
import { denseMetadataOf, MODELSHELF_METADATA_KEY, parseDenseMetadata } from './dense/metadata.ts';
import {
  type DenseActivation,
  type DenseLayer,
  type DenseNetwork,
  isDenseActivation,
  validateDenseNetwork,
} from './dense/network.ts';
import { createHdf5Bytes } from './h5wasm-memfs.ts';
import { type Hdf5Node, readHdf5Tree } from './hdf5-tree.ts';
import { type ArtifactFiles, type FormatCodec, FormatError } from './types.ts';

// Keras HDF5 (.h5) for Sequential dense models, in the layout Keras 2 writes with model.save('x.h5'):
//   /                        attrs: model_config (JSON), keras_version, backend[, modelshelf (our names/scale)]
//   /model_weights           attrs: layer_names, backend, keras_version
//   /model_weights/<layer>   attrs: weight_names, e.g. ["dense/kernel:0", "dense/bias:0"]
//   /model_weights/<layer>/<weight name>   float32 dataset (kernel [in, units], bias [units])
// The reader resolves each weight by its recorded weight_name relative to the layer group, so Keras 2
// names ("dense/kernel:0"), Keras 3 legacy-h5 names ("kernel" or "sequential/dense/kernel") and weights-only
// files (layer_names on the root) all decode. Strings may be fixed-length bytes or variable-length UTF-8.
// Reading goes through a worker thread (hdf5-tree.ts) because the HDF5 C library is not safe on corrupt input.

export const KERAS_H5_FORMAT = 'keras-h5';
export const KERAS_H5_FILE = 'model.h5';
/** Keras converts weights saved by Keras 1; any 2.x version string means "use as stored". */
const KERAS_VERSION = '2.12.0';
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** A file that is HDF5 but not a Keras dense model this decoder understands. */
export class KerasH5Error extends Error {
  override name = 'KerasH5Error';
}

function layerName(i: number): string {
  return i === 0 ? 'dense' : `dense_${i}`;
}

export async function encodeKerasH5(net: DenseNetwork): Promise<ArtifactBytes> {
  validateDenseNetwork(net);
  const names = net.layers.map((_, i) => layerName(i));
  const modelConfig = {
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      layers: [
        {
          class_name: 'InputLayer',
          config: {
            batch_input_shape: [null, net.features.length],
            dtype: 'float32',
            sparse: false,
            name: 'input',
          },
        },
        ...net.layers.map((layer, i) => ({
          class_name: 'Dense',
          config: {
            name: names[i],
            trainable: true,
            dtype: 'float32',
            units: layer.units,
            activation: layer.activation,
            use_bias: true,
          },
        })),
      ],
    },
  };
  const bytes = await createHdf5Bytes((file) => {
    file.create_attribute('keras_version', KERAS_VERSION);
    file.create_attribute('backend', 'tensorflow');
    file.create_attribute('model_config', JSON.stringify(modelConfig));
    file.create_attribute(MODELSHELF_METADATA_KEY, JSON.stringify(denseMetadataOf(net)));
    const weights = file.create_group('model_weights');
    weights.create_attribute('layer_names', names);
    weights.create_attribute('backend', 'tensorflow');
    weights.create_attribute('keras_version', KERAS_VERSION);
    let inputs = net.features.length;
    net.layers.forEach((layer, i) => {
      const name = names[i]!;
      const group = weights.create_group(name);
      group.create_attribute('weight_names', [`${name}/kernel:0`, `${name}/bias:0`]);
      const inner = group.create_group(name);
      inner.create_dataset({
        name: 'kernel:0',
        data: layer.kernel,
        shape: [inputs, layer.units],
        dtype: '<f',
      });
      inner.create_dataset({ name: 'bias:0', data: layer.bias, shape: [layer.units], dtype: '<f' });
      inputs = layer.units;
    });
  });
  return { [KERAS_H5_FILE]: bytes };
}

/** An HDF5 string attribute as text, whether h5wasm hands back a string, bytes, or a one-element array. */
function text(value: unknown, what: string): string {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof single === 'string') return single.replace(/\0+$/, '');
  if (single instanceof Uint8Array) return new TextDecoder().decode(single).replace(/\0+$/, '');
  throw new KerasH5Error(`${what} is not a string attribute (got ${typeof single})`);
}

function textList(value: unknown, what: string): string[] {
  if (typeof value === 'string' || value instanceof Uint8Array) return [text(value, what)];
  if (!Array.isArray(value)) throw new KerasH5Error(`${what} is not a list of strings`);
  return value.map((v, i) => text(v, `${what}[${i}]`));
}

type Hdf5Group = Extract<Hdf5Node, { kind: 'group' }>;

/** An attribute by name; own properties only, so "constructor" or "__proto__" never resolve to built-ins. */
function attr(node: Hdf5Node, name: string): unknown {
  const attrs: unknown = node?.attrs;
  if (!attrs || typeof attrs !== 'object') return undefined;
  return Object.hasOwn(attrs, name) ? (attrs as Record<string, unknown>)[name] : undefined;
}

/** Follows a slash-separated path below `group`, as h5py's group[path] does. */
function child(group: Hdf5Group, path: string): Hdf5Node | undefined {
  let node: Hdf5Node | undefined = group;
  for (const part of path.split('/').filter(Boolean)) {
    const children: unknown = node?.kind === 'group' ? node.children : undefined;
    node =
      children && typeof children === 'object' && Object.hasOwn(children, part)
        ? (children as Record<string, Hdf5Node>)[part]
        : undefined;
  }
  return node && typeof node === 'object' ? node : undefined;
}

interface DenseConfig {
  name: string;
  units: number;
  activation: DenseActivation;
  useBias: boolean;
}

function activationOf(raw: unknown, layer: string): DenseActivation {
  // Keras 3 may serialize a builtin activation as {"module": "keras.activations", "config": {"name": "relu"}}.
  const name =
    typeof raw === 'string'
      ? raw
      : ((raw as { config?: { name?: unknown } } | null)?.config?.name ??
        (raw as { class_name?: unknown })?.class_name);
  const value = raw === undefined || raw === null ? 'linear' : String(name);
  if (!isDenseActivation(value)) {
    throw new KerasH5Error(
      `layer "${layer}" uses activation "${value}"; supported: linear, relu, sigmoid, tanh`,
    );
  }
  return value;
}

function denseConfigs(modelConfigJson: string): DenseConfig[] {
  let config: { class_name?: unknown; config?: unknown };
  try {
    config = JSON.parse(modelConfigJson);
  } catch (err) {
    throw new KerasH5Error(`model_config is not JSON: ${(err as Error).message}`);
  }
  if (config?.class_name !== 'Sequential') {
    throw new KerasH5Error(
      `model_config class_name is "${String(config?.class_name)}"; only Sequential is supported`,
    );
  }
  // Keras ≤ 2.2 stored a Sequential's config as the bare layer list; later versions as {name, layers}.
  const inner = config.config as { layers?: unknown } | unknown[];
  const layers = Array.isArray(inner) ? inner : inner?.layers;
  if (!Array.isArray(layers)) throw new KerasH5Error('model_config has no layer list');
  const dense: DenseConfig[] = [];
  for (const entry of layers as { class_name?: unknown; config?: Record<string, unknown> }[]) {
    const kind = String(entry?.class_name);
    const cfg = entry?.config ?? {};
    if (kind === 'InputLayer' || kind === 'Dropout') continue;
    const name = String(cfg.name);
    if (kind !== 'Dense') {
      throw new KerasH5Error(
        `layer "${name}" is a ${kind}; only Dense (with InputLayer/Dropout) is supported`,
      );
    }
    dense.push({
      name,
      units: Number(cfg.units),
      activation: activationOf(cfg.activation, name),
      useBias: cfg.use_bias !== false,
    });
  }
  return dense;
}

/** A dataset's shape, checked: a list of whole non-negative numbers (or [] for a scalar). */
function shapeOf(node: Hdf5Node & { kind: 'dataset' }, what: string): number[] {
  const shape: unknown = node.shape ?? [];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new KerasH5Error(`${what} has a malformed shape`);
  }
  return shape;
}

function floats(group: Hdf5Group, weightName: string, expected: number[], layer: string): Float32Array {
  const node = child(group, weightName);
  if (node?.kind !== 'dataset') {
    throw new KerasH5Error(`layer "${layer}": weight "${weightName}" named in weight_names is not a dataset`);
  }
  const shape = shapeOf(node, `layer "${layer}": weight "${weightName}"`);
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new KerasH5Error(
      `layer "${layer}": weight "${weightName}" has shape [${shape}], expected [${expected}]`,
    );
  }
  const value = node.value;
  if (!(value instanceof Float32Array || value instanceof Float64Array)) {
    throw new KerasH5Error(
      `layer "${layer}": weight "${weightName}" is ${String(node.dtype)}, expected float32/64`,
    );
  }
  return Float32Array.from(value);
}

/** Picks the kernel and bias among a layer's weight names by their last path segment, falling back to order. */
function kernelAndBias(names: string[]): [string | undefined, string | undefined] {
  const find = (kind: string) => names.find((n) => n.split('/').pop()?.replace(/:\d+$/, '') === kind);
  return [find('kernel') ?? names[0], find('bias') ?? names[1]];
}

/**
 * Interprets an HDF5 object tree as a Keras Sequential dense model. Pure TypeScript, no C library:
 * what the tree holds is untrusted, so every shape and type is checked (KerasH5Error, DenseNetworkError).
 */
export function networkFromHdf5Tree(file: Hdf5Node): DenseNetwork {
  if (!file || typeof file !== 'object' || file.kind !== 'group')
    throw new KerasH5Error('the HDF5 root is not a group');
  const modelConfig = attr(file, 'model_config');
  if (modelConfig === undefined) throw new KerasH5Error('no model_config attribute: not a Keras model file');
  const configs = denseConfigs(text(modelConfig, 'model_config'));
  const weightsRoot = child(file, 'model_weights') ?? file;
  if (weightsRoot.kind !== 'group') throw new KerasH5Error('model_weights is not a group');
  const layerNames = textList(attr(weightsRoot, 'layer_names'), 'layer_names');

  const layers: DenseLayer[] = [];
  let inputs: number | undefined;
  for (const cfg of configs) {
    if (!layerNames.includes(cfg.name))
      throw new KerasH5Error(`layer "${cfg.name}" is missing from layer_names`);
    const group = child(weightsRoot, cfg.name);
    if (group?.kind !== 'group') throw new KerasH5Error(`no weights group for layer "${cfg.name}"`);
    const [kernelName, biasName] = kernelAndBias(
      textList(attr(group, 'weight_names'), `${cfg.name} weight_names`),
    );
    if (!kernelName) throw new KerasH5Error(`layer "${cfg.name}" lists no weights`);
    const kernelNode = child(group, kernelName);
    const inDim =
      inputs ??
      (kernelNode?.kind === 'dataset' ? shapeOf(kernelNode, `layer "${cfg.name}": kernel`)[0] : undefined);
    if (inDim === undefined) throw new KerasH5Error(`layer "${cfg.name}": kernel "${kernelName}" not found`);
    const kernel = floats(group, kernelName, [inDim, cfg.units], cfg.name);
    const bias =
      cfg.useBias && biasName ? floats(group, biasName, [cfg.units], cfg.name) : new Float32Array(cfg.units);
    layers.push({ units: cfg.units, activation: cfg.activation, kernel, bias });
    inputs = cfg.units;
  }
  const nIn = layers[0] ? layers[0].kernel.length / layers[0].units : 0;
  const rawMeta = attr(file, MODELSHELF_METADATA_KEY);
  let names: { features: string[]; outputs: string[]; scale?: number[] } = {
    features: Array.from({ length: nIn }, (_, i) => `x${i}`),
    outputs: Array.from({ length: inputs ?? 0 }, (_, i) => `y${i}`),
  };
  if (rawMeta !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text(rawMeta, MODELSHELF_METADATA_KEY));
    } catch (err) {
      throw new KerasH5Error(`attribute "${MODELSHELF_METADATA_KEY}" is not JSON: ${(err as Error).message}`);
    }
    const parsed = parseDenseMetadata(json);
    if (!parsed.ok) throw new KerasH5Error(parsed.problem);
    names = parsed.value;
  }
  const net: DenseNetwork = { features: names.features, outputs: names.outputs, layers };
  if (names.scale) net.normalization = { scale: Float32Array.from(names.scale) };
  return validateDenseNetwork(net);
}

export async function decodeKerasH5Network(bytes: Uint8Array): Promise<DenseNetwork> {
  // Checking the signature first keeps obviously foreign bytes away from the C library.
  if (bytes.length < 8 || HDF5_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new KerasH5Error('missing the HDF5 signature (\\x89HDF\\r\\n\\x1a\\n) at offset 0');
  }
  try {
    return networkFromHdf5Tree(await readHdf5Tree(bytes));
  } catch (err) {
    if (err instanceof KerasH5Error || (err as Error).name === 'DenseNetworkError') throw err;
    throw new KerasH5Error((err as Error).message);
  }
}

function locate(files: ArtifactFiles): string | undefined {
  return files.paths().find((p) => /\.(h5|hdf5|keras\.h5)$/i.test(p));
}

export const kerasH5Codec: FormatCodec<DecodedDenseModel> & {
  encode(net: DenseNetwork): Promise<ArtifactBytes>;
} = {
  name: KERAS_H5_FORMAT,
  async detect(files) {
    return locate(files) !== undefined;
  },
  async decode(files) {
    const path = locate(files);
    if (!path)
      throw new FormatError(KERAS_H5_FORMAT, '(none)', `no *.h5 file among ${files.paths().join(', ')}`);
    try {
      return decodedDenseModel(KERAS_H5_FORMAT, await decodeKerasH5Network(await files.read(path)));
    } catch (err) {
      throw new FormatError(KERAS_H5_FORMAT, path, (err as Error).message);
    }
  },
  encode: encodeKerasH5,
};
