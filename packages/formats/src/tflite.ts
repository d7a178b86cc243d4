import type { ArtifactBytes } from './artifact-bytes.ts';
import { type DecodedDenseModel, decodedDenseModel } from './dense/decoded.ts';
import { parseDenseMetadata } from './dense/metadata.ts';
import {
  type DenseActivation,
  type DenseLayer,
  type DenseNetwork,
  validateDenseNetwork,
} from './dense/network.ts';
import { FlatBufferReader, type FlatTable } from './flatbuffer-reader.ts';
import {
  ActivationFunctionType,
  BufferField,
  BuiltinOperator,
  BuiltinOptionsType,
  builtinOperatorName,
  FullyConnectedOptionsField,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  SubGraphField,
  TensorField,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
  TFLITE_METADATA_NAME,
  TFLITE_SCHEMA_VERSION,
} from './tflite-schema.ts';
import { encodeTflite } from './tflite-writer.ts';
import { type ArtifactFiles, type FormatCodec, FormatError } from './types.ts';

export const TFLITE_FORMAT = 'tflite';
export const TFLITE_FILE = 'model.tflite';

// Decodes the TFLite subset modelshelf writes: one subgraph that is a chain of FULLY_CONNECTED operators
// (float32, fused NONE/RELU/TANH), each optionally followed by a LOGISTIC, TANH or RELU operator.
// Anything else is refused with the operator or option named, never guessed at.

class Unsupported extends Error {}

interface TensorInfo {
  shape: number[];
  type: number;
  buffer: number;
  name: string;
}

function readTensor(t: FlatTable): TensorInfo {
  return {
    shape: t.int32s(TensorField.shape),
    type: t.i8(TensorField.type, 0),
    buffer: t.u32(TensorField.buffer, 0),
    name: t.string(TensorField.name) ?? '',
  };
}

function opcodeOf(code: FlatTable): number {
  const deprecated = code.i8(OperatorCodeField.deprecatedBuiltinCode, 0);
  const builtin = code.i32(OperatorCodeField.builtinCode, 0);
  // Writers before schema 3a only set the int8 field; newer ones set both (or the placeholder 127).
  return deprecated === PLACEHOLDER_FOR_GREATER_OP_CODES ? builtin : Math.max(deprecated, builtin);
}

function floatsOf(buffers: FlatTable[], tensor: TensorInfo, expected: number): Float32Array {
  if (tensor.type !== TensorType.FLOAT32) {
    throw new Unsupported(
      `tensor "${tensor.name}" has type ${tensor.type}; only FLOAT32 (0) weights are supported`,
    );
  }
  const buffer = buffers[tensor.buffer];
  if (!buffer) throw new Unsupported(`tensor "${tensor.name}" refers to missing buffer ${tensor.buffer}`);
  if (buffer.u64(BufferField.offset) > 1n) {
    throw new Unsupported(
      `tensor "${tensor.name}" keeps its data outside the flatbuffer (buffer offset/size)`,
    );
  }
  const bytes = buffer.bytes(BufferField.data) ?? new Uint8Array(0);
  if (bytes.length !== expected * 4) {
    throw new Unsupported(
      `tensor "${tensor.name}" buffer ${tensor.buffer} holds ${bytes.length} bytes, expected ${expected} float32 values`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: expected }, (_, i) => view.getFloat32(i * 4, true));
}

function activationAfter(opcode: number): DenseActivation | undefined {
  if (opcode === BuiltinOperator.LOGISTIC) return 'sigmoid';
  if (opcode === BuiltinOperator.TANH) return 'tanh';
  if (opcode === BuiltinOperator.RELU) return 'relu';
  return undefined;
}

function fusedToActivation(fused: number): DenseActivation {
  if (fused === ActivationFunctionType.NONE) return 'linear';
  if (fused === ActivationFunctionType.RELU) return 'relu';
  if (fused === ActivationFunctionType.TANH) return 'tanh';
  const name = Object.entries(ActivationFunctionType).find(([, v]) => v === fused)?.[0] ?? String(fused);
  throw new Unsupported(`FULLY_CONNECTED fused activation ${name} is not supported (NONE, RELU, TANH are)`);
}

export function decodeTfliteNetwork(bytes: Uint8Array): DenseNetwork {
  const reader = new FlatBufferReader(bytes);
  if (bytes.length < 8 || reader.identifier() !== TFLITE_FILE_IDENTIFIER) {
    throw new Unsupported(`missing the "${TFLITE_FILE_IDENTIFIER}" file identifier; not a TFLite flatbuffer`);
  }
  const model = reader.root();
  const version = model.u32(ModelField.version, 0);
  if (version !== TFLITE_SCHEMA_VERSION) {
    throw new Unsupported(`schema version ${version}; only version ${TFLITE_SCHEMA_VERSION} is supported`);
  }
  const opcodes = model.tables(ModelField.operatorCodes).map(opcodeOf);
  const buffers = model.tables(ModelField.buffers);
  const subgraphs = model.tables(ModelField.subgraphs);
  if (subgraphs.length !== 1)
    throw new Unsupported(`${subgraphs.length} subgraphs; exactly one is supported`);
  const graph = subgraphs[0]!;
  const tensors = graph.tables(SubGraphField.tensors).map(readTensor);
  const tensor = (index: number | undefined, role: string): TensorInfo => {
    const t = index === undefined ? undefined : tensors[index];
    if (!t)
      throw new Unsupported(`${role} refers to tensor ${index}, but the subgraph has ${tensors.length}`);
    return t;
  };
  const inputs = graph.int32s(SubGraphField.inputs);
  const outputs = graph.int32s(SubGraphField.outputs);
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new Unsupported(
      `subgraph has ${inputs.length} inputs and ${outputs.length} outputs; one each is supported`,
    );
  }
  const inputTensor = tensor(inputs[0], 'subgraph input');
  const nIn = inputTensor.shape[inputTensor.shape.length - 1] ?? 0;

  const layers: DenseLayer[] = [];
  let current = inputs[0]!;
  let width = nIn;
  for (const [i, op] of graph.tables(SubGraphField.operators).entries()) {
    const opcode = opcodes[op.u32(OperatorField.opcodeIndex, 0)];
    if (opcode === undefined)
      throw new Unsupported(`operator ${i} uses an opcode index outside operator_codes`);
    const opInputs = op.int32s(OperatorField.inputs);
    const opOutputs = op.int32s(OperatorField.outputs);
    if (opInputs[0] !== current || opOutputs.length !== 1) {
      throw new Unsupported(
        `operator ${i} (${builtinOperatorName(opcode)}) does not continue a single chain`,
      );
    }
    const followUp = activationAfter(opcode);
    if (followUp) {
      const last = layers[layers.length - 1];
      if (last?.activation !== 'linear') {
        throw new Unsupported(
          `operator ${i} (${builtinOperatorName(opcode)}) must follow a linear FULLY_CONNECTED`,
        );
      }
      last.activation = followUp;
    } else if (opcode === BuiltinOperator.FULLY_CONNECTED) {
      const optionsType = op.u8(OperatorField.builtinOptionsType, 0);
      let fused = 0;
      if (optionsType === BuiltinOptionsType.FullyConnectedOptions) {
        const options = op.table(OperatorField.builtinOptions);
        fused = options?.i8(FullyConnectedOptionsField.fusedActivationFunction, 0) ?? 0;
        const format = options?.i8(FullyConnectedOptionsField.weightsFormat, 0) ?? 0;
        if (format !== 0)
          throw new Unsupported(`operator ${i}: FULLY_CONNECTED weights_format ${format} (only DEFAULT)`);
      } else if (optionsType !== BuiltinOptionsType.NONE) {
        throw new Unsupported(`operator ${i}: FULLY_CONNECTED with builtin_options_type ${optionsType}`);
      }
      const weights = tensor(opInputs[1], `operator ${i} weights`);
      const [units, inner] = weights.shape;
      if (weights.shape.length !== 2 || inner !== width || !units || units < 1) {
        throw new Unsupported(
          `operator ${i}: weights "${weights.name}" have shape [${weights.shape}], expected [units, ${width}]`,
        );
      }
      const w = floatsOf(buffers, weights, units * width);
      const kernel = new Float32Array(width * units);
      for (let o = 0; o < units; o++)
        for (let k = 0; k < width; k++) kernel[k * units + o] = w[o * width + k]!;
      const biasIndex = opInputs[2];
      const bias =
        biasIndex === undefined || biasIndex < 0
          ? new Float32Array(units)
          : floatsOf(buffers, tensor(biasIndex, `operator ${i} bias`), units);
      layers.push({ units, activation: fusedToActivation(fused), kernel, bias });
      width = units;
    } else {
      throw new Unsupported(
        `operator ${i} is ${builtinOperatorName(opcode)}; supported: FULLY_CONNECTED, LOGISTIC, TANH, RELU`,
      );
    }
    current = opOutputs[0]!;
  }
  if (current !== outputs[0]) throw new Unsupported('the operator chain does not end at the subgraph output');

  const names = readMetadata(model, buffers);
  const net: DenseNetwork = {
    features: names?.features ?? Array.from({ length: nIn }, (_, i) => `x${i}`),
    outputs: names?.outputs ?? Array.from({ length: width }, (_, i) => `y${i}`),
    layers,
  };
  return validateDenseNetwork(net);
}

function readMetadata(
  model: FlatTable,
  buffers: FlatTable[],
): { features: string[]; outputs: string[] } | undefined {
  const entry = model
    .tables(ModelField.metadata)
    .find((m) => m.string(MetadataField.name) === TFLITE_METADATA_NAME);
  if (!entry) return undefined;
  const data = buffers[entry.u32(MetadataField.buffer, 0)]?.bytes(BufferField.data);
  if (!data) throw new Unsupported(`metadata "${TFLITE_METADATA_NAME}" points at a missing or empty buffer`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (err) {
    throw new Unsupported(`metadata "${TFLITE_METADATA_NAME}" is not JSON: ${(err as Error).message}`);
  }
  const parsed = parseDenseMetadata(json);
  if (!parsed.ok) throw new Unsupported(parsed.problem);
  return parsed.value;
}

function locate(files: ArtifactFiles): string | undefined {
  return files.paths().find((p) => p.endsWith('.tflite'));
}

export const tfliteCodec: FormatCodec<DecodedDenseModel> & {
  encode(net: DenseNetwork): Promise<ArtifactBytes>;
} = {
  name: TFLITE_FORMAT,
  async detect(files) {
    return locate(files) !== undefined;
  },
  async decode(files) {
    const path = locate(files);
    if (!path)
      throw new FormatError(TFLITE_FORMAT, '(none)', 'no *.tflite file among ' + files.paths().join(', '));
    const bytes = await files.read(path);
    try {
      return decodedDenseModel(TFLITE_FORMAT, decodeTfliteNetwork(bytes));
    } catch (err) {
      throw new FormatError(TFLITE_FORMAT, path, (err as Error).message);
    }
  },
  async encode(net) {
    return { [TFLITE_FILE]: encodeTflite(net) };
  },
};
