import type { DecodedModel } from '../types.ts';
import { type DenseNetwork, forwardDense, validateDenseNetwork } from './network.ts';

/** A DecodedModel over a DenseNetwork: plain typed arrays, nothing to dispose. */
export interface DecodedDenseModel extends DecodedModel {
  readonly network: DenseNetwork;
}

export function decodedDenseModel(format: string, network: DenseNetwork): DecodedDenseModel {
  validateDenseNetwork(network);
  return {
    format,
    network,
    features: network.features,
    outputs: network.outputs,
    predict: (input, rows) => forwardDense(network, input, rows),
  };
}
