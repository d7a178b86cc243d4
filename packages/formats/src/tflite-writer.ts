import { Builder } from 'flatbuffers';
import { denseMetadataOf } from './dense/metadata.ts';
import { type DenseLayer, type DenseNetwork, validateDenseNetwork } from './dense/network.ts';
import {
  ActivationFunctionType,
  BufferField,
  BuiltinOperator,
  BuiltinOptionsType,
  FullyConnectedOptionsField,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  SubGraphField,
  TensorField,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
  TFLITE_METADATA_NAME,
  TFLITE_SCHEMA_VERSION,
} from './tflite-schema.ts';

// Writes a DenseNetwork as a TFLite flatbuffer: one FULLY_CONNECTED per layer (relu/tanh/linear fused,
// sigmoid as a following LOGISTIC operator). The input scaling is folded into the first layer's weights so
// the file is self-contained for any TFLite interpreter; names travel in Model.metadata["modelshelf"].

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Index into Model.buffers; 0 is the schema's mandatory empty buffer (activations). */
  buffer: number;
}
export interface OperatorSpec {
  opcode: number;
  inputs: number[];
  outputs: number[];
  fused?: number;
}

/** Kernel [in][out] → TFLite FULLY_CONNECTED weights [out][in], scaled by 1/scale per input. */
function tfliteWeights(layer: DenseLayer, inputs: number, scale: Float32Array | undefined): Float32Array {
  const out = new Float32Array(layer.units * inputs);
  for (let i = 0; i < inputs; i++) {
    const s = scale ? scale[i]! : 1;
    for (let o = 0; o < layer.units; o++)
      out[o * inputs + i] = s === 0 ? 0 : layer.kernel[i * layer.units + o]! / s;
  }
  return out;
}

function fusedActivation(layer: DenseLayer): number {
  if (layer.activation === 'relu') return ActivationFunctionType.RELU;
  if (layer.activation === 'tanh') return ActivationFunctionType.TANH;
  return ActivationFunctionType.NONE;
}

function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (const [i, v] of values.entries()) view.setFloat32(i * 4, v, true);
  return bytes;
}

export function encodeTflite(net: DenseNetwork, description = 'modelshelf dense network'): Uint8Array {
  validateDenseNetwork(net);
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const tensors: TensorSpec[] = [];
  const operators: OperatorSpec[] = [];
  const addTensor = (name: string, shape: number[], data?: Float32Array): number => {
    let buffer = 0;
    if (data) {
      buffers.push(littleEndianBytes(data));
      buffer = buffers.length - 1;
    }
    tensors.push({ name, shape, buffer });
    return tensors.length - 1;
  };

  let width = net.features.length;
  let current = addTensor('input', [1, width]);
  const graphInput = current;
  net.layers.forEach((layer, l) => {
    const scale = l === 0 ? net.normalization?.scale : undefined;
    const weights = addTensor(`dense_${l}/weights`, [layer.units, width], tfliteWeights(layer, width, scale));
    const bias = addTensor(`dense_${l}/bias`, [layer.units], layer.bias);
    const fcOut = addTensor(`dense_${l}/output`, [1, layer.units]);
    operators.push({
      opcode: BuiltinOperator.FULLY_CONNECTED,
      inputs: [current, weights, bias],
      outputs: [fcOut],
      fused: fusedActivation(layer),
    });
    current = fcOut;
    if (layer.activation === 'sigmoid') {
      const act = addTensor(`dense_${l}/sigmoid`, [1, layer.units]);
      operators.push({ opcode: BuiltinOperator.LOGISTIC, inputs: [current], outputs: [act] });
      current = act;
    }
    width = layer.units;
  });
  tensors[current]!.name = 'output';
  buffers.push(
    new TextEncoder().encode(JSON.stringify(denseMetadataOf({ ...net, normalization: undefined }))),
  );
  const metadataBuffer = buffers.length - 1;

  const opcodes = [...new Set(operators.map((o) => o.opcode))];
  return buildTfliteModel({
    buffers,
    tensors,
    operators,
    opcodes,
    graphInput,
    graphOutput: current,
    metadataBuffer,
    description,
  });
}

/** Everything one single-subgraph model needs; exported so tests can build files this writer never would. */
export interface ModelSpec {
  buffers: Uint8Array[];
  tensors: TensorSpec[];
  operators: OperatorSpec[];
  opcodes: number[];
  graphInput: number;
  graphOutput: number;
  metadataBuffer: number;
  description: string;
}

export function buildTfliteModel(spec: ModelSpec): Uint8Array {
  const b = new Builder(1024);
  const int32Vector = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
    return b.endVector();
  };
  const offsetVector = (offsets: number[]): number => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
    return b.endVector();
  };

  const bufferOffsets = spec.buffers.map((data) => {
    let dataOffset = 0;
    if (data.length > 0) {
      // schema.fbs declares Buffer.data with force_align: 16 so interpreters can map weights in place.
      b.startVector(1, data.length, 16);
      for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]!);
      dataOffset = b.endVector();
    }
    b.startObject(3);
    if (dataOffset) b.addFieldOffset(BufferField.data, dataOffset, 0);
    return b.endObject();
  });

  const tensorOffsets = spec.tensors.map((t) => {
    const name = b.createString(t.name);
    const shape = int32Vector(t.shape);
    // shape_signature marks the batch dimension as dynamic (-1) for interpreters that can resize it.
    const signature = t.shape.length === 2 ? int32Vector([-1, t.shape[1]!]) : 0;
    b.startObject(8);
    b.addFieldOffset(TensorField.shape, shape, 0);
    b.addFieldInt8(TensorField.type, TensorType.FLOAT32, -1);
    b.addFieldInt32(TensorField.buffer, t.buffer, 0);
    b.addFieldOffset(TensorField.name, name, 0);
    if (signature) b.addFieldOffset(TensorField.shapeSignature, signature, 0);
    return b.endObject();
  });

  const operatorOffsets = spec.operators.map((op) => {
    const inputs = int32Vector(op.inputs);
    const outputs = int32Vector(op.outputs);
    let options = 0;
    if (op.opcode === BuiltinOperator.FULLY_CONNECTED) {
      b.startObject(3);
      b.addFieldInt8(FullyConnectedOptionsField.fusedActivationFunction, op.fused ?? 0, -1);
      options = b.endObject();
    }
    b.startObject(5);
    b.addFieldInt32(OperatorField.opcodeIndex, spec.opcodes.indexOf(op.opcode), -1);
    b.addFieldOffset(OperatorField.inputs, inputs, 0);
    b.addFieldOffset(OperatorField.outputs, outputs, 0);
    if (options) {
      b.addFieldInt8(OperatorField.builtinOptionsType, BuiltinOptionsType.FullyConnectedOptions, -1);
      b.addFieldOffset(OperatorField.builtinOptions, options, 0);
    }
    return b.endObject();
  });

  const opcodeOffsets = spec.opcodes.map((code) => {
    b.startObject(4);
    b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, code, -1);
    b.addFieldInt32(OperatorCodeField.version, 1, -1);
    b.addFieldInt32(OperatorCodeField.builtinCode, code, -1);
    return b.endObject();
  });

  const subgraphName = b.createString('main');
  const tensorsVec = offsetVector(tensorOffsets);
  const inputsVec = int32Vector([spec.graphInput]);
  const outputsVec = int32Vector([spec.graphOutput]);
  const operatorsVec = offsetVector(operatorOffsets);
  b.startObject(5);
  b.addFieldOffset(SubGraphField.tensors, tensorsVec, 0);
  b.addFieldOffset(SubGraphField.inputs, inputsVec, 0);
  b.addFieldOffset(SubGraphField.outputs, outputsVec, 0);
  b.addFieldOffset(SubGraphField.operators, operatorsVec, 0);
  b.addFieldOffset(SubGraphField.name, subgraphName, 0);
  const subgraph = b.endObject();

  const metadataName = b.createString(TFLITE_METADATA_NAME);
  b.startObject(2);
  b.addFieldOffset(MetadataField.name, metadataName, 0);
  b.addFieldInt32(MetadataField.buffer, spec.metadataBuffer, -1);
  const metadata = b.endObject();

  const description = b.createString(spec.description);
  const opcodesVec = offsetVector(opcodeOffsets);
  const subgraphsVec = offsetVector([subgraph]);
  const buffersVec = offsetVector(bufferOffsets);
  const metadataVec = offsetVector([metadata]);
  b.startObject(7);
  b.addFieldInt32(ModelField.version, TFLITE_SCHEMA_VERSION, 0);
  b.addFieldOffset(ModelField.operatorCodes, opcodesVec, 0);
  b.addFieldOffset(ModelField.subgraphs, subgraphsVec, 0);
  b.addFieldOffset(ModelField.description, description, 0);
  b.addFieldOffset(ModelField.buffers, buffersVec, 0);
  b.addFieldOffset(ModelField.metadata, metadataVec, 0);
  const model = b.endObject();
  b.finish(model, TFLITE_FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}
