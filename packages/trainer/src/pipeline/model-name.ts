// Model names in the store follow Kepler's path: [<pipeline>/]<energy_source>/<output_type>/<feature_group>/<trainer>_<node_type>.
import { parseModelName } from '@modelshelf/registry';

export interface ModelPath {
  pipelineName?: string;
  energySource: string;
  outputType: string;
  featureGroup: string;
  trainer: string;
  nodeType: number;
}

/** Kepler's model_name: "<Trainer>_<node_type>". */
export function keplerModelName(trainer: string, nodeType: number): string {
  return `${trainer}_${nodeType}`;
}

export function modelPath(p: ModelPath): string {
  const parts = [p.energySource, p.outputType, p.featureGroup, keplerModelName(p.trainer, p.nodeType)];
  if (p.pipelineName) parts.unshift(p.pipelineName);
  return parseModelName(parts.join('/'));
}
