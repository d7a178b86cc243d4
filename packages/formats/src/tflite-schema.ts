// The subset of TensorFlow Lite's schema.fbs (tensorflow/lite/schema/schema.fbs, schema version 3) that
// modelshelf writes and reads. Field numbers are the declaration order in schema.fbs; a union occupies
// two numbers (its `_type` byte, then the table).

export const TFLITE_FILE_IDENTIFIER = 'TFL3';
export const TFLITE_SCHEMA_VERSION = 3;

export const ModelField = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
} as const;
export const SubGraphField = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
export const TensorField = {
  shape: 0,
  type: 1,
  buffer: 2,
  name: 3,
  quantization: 4,
  isVariable: 5,
  sparsity: 6,
  shapeSignature: 7,
} as const;
export const BufferField = { data: 0, offset: 1, size: 2 } as const;
export const MetadataField = { name: 0, buffer: 1 } as const;
export const OperatorCodeField = {
  deprecatedBuiltinCode: 0,
  customCode: 1,
  version: 2,
  builtinCode: 3,
} as const;
export const OperatorField = {
  opcodeIndex: 0,
  inputs: 1,
  outputs: 2,
  builtinOptionsType: 3,
  builtinOptions: 4,
} as const;
export const FullyConnectedOptionsField = {
  fusedActivationFunction: 0,
  weightsFormat: 1,
  keepNumDims: 2,
} as const;

export const TensorType = { FLOAT32: 0 } as const;

/** BuiltinOperator values used here. */
export const BuiltinOperator = { FULLY_CONNECTED: 9, LOGISTIC: 14, RELU: 19, TANH: 28 } as const;
/** Codes 0..126 fit `deprecated_builtin_code` (int8); newer readers prefer `builtin_code` (int32). */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

export const BuiltinOptionsType = { NONE: 0, FullyConnectedOptions: 8 } as const;

export const ActivationFunctionType = {
  NONE: 0,
  RELU: 1,
  RELU_N1_TO_1: 2,
  RELU6: 3,
  TANH: 4,
  SIGN_BIT: 5,
} as const;

/** Name of the Model.metadata entry that holds modelshelf's feature/output names (JSON, UTF-8). */
export const TFLITE_METADATA_NAME = 'modelshelf';

export function builtinOperatorName(code: number): string {
  const known = Object.entries(BuiltinOperator).find(([, v]) => v === code);
  return known ? known[0] : `builtin operator ${code}`;
}
