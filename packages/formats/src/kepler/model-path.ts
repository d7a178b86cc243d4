// Kepler's model path, the model name in a modelshelf store:
//   [<pipeline>/]<energy_source>/<output_type>/<feature_group>/<model_name>
// with model_name = "<Trainer>_<node_type>". Built by the trainer and the importer, parsed by the
// estimator's best-model choice; one definition so the three agree.
import { isOutputType, type OutputType } from './vocabulary.ts';

export interface KeplerModelPath {
  /** Kepler's pipeline name (e.g. "ec2-0.7.11"), when the path has that leading segment. */
  pipeline?: string;
  energySource: string;
  outputType: OutputType;
  featureGroup: string;
  /** "<Trainer>_<node_type>". */
  modelName: string;
}

/** Kepler's model_name: "<Trainer>_<node_type>". */
export const keplerModelName = (trainer: string, nodeType: number): string => `${trainer}_${nodeType}`;

export function buildKeplerModelPath(p: KeplerModelPath): string {
  const parts = [p.energySource, p.outputType, p.featureGroup, p.modelName];
  if (p.pipeline) parts.unshift(p.pipeline);
  return parts.join('/');
}

/** The parts of a Kepler model path, or undefined when `name` does not have that shape. */
export function parseKeplerModelPath(name: string): KeplerModelPath | undefined {
  const parts = name.split('/');
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  const [energySource, outputType, featureGroup, modelName] = parts.slice(-4) as [
    string,
    string,
    string,
    string,
  ];
  if (!isOutputType(outputType) || !energySource || !featureGroup || !modelName) return undefined;
  return {
    ...(parts.length === 5 && { pipeline: parts[0]! }),
    energySource,
    outputType,
    featureGroup,
    modelName,
  };
}

/** Kepler's rule: the node type is the last `_`-separated part of the model name; undefined if not numeric. */
export function nodeTypeOfModelName(modelName: string): number | undefined {
  const cut = modelName.lastIndexOf('_');
  if (cut < 0) return undefined;
  const tail = modelName.slice(cut + 1);
  return /^\d+$/.test(tail) ? Number(tail) : undefined;
}
