// Model names in the store follow Kepler's path: [<pipeline>/]<energy_source>/<output_type>/<feature_group>/<trainer>_<node_type>
// (built by @modelshelf/formats, checked against the registry's naming rules).
import { buildKeplerModelPath, isOutputType, keplerModelName } from '@modelshelf/formats';
import { InvalidArgumentError, parseModelName } from '@modelshelf/registry';

export { keplerModelName };

export interface ModelPath {
  pipelineName?: string;
  energySource: string;
  outputType: string;
  featureGroup: string;
  trainer: string;
  nodeType: number;
}

export function modelPath(p: ModelPath): string {
  if (!isOutputType(p.outputType))
    throw new InvalidArgumentError(
      `unknown output type ${JSON.stringify(p.outputType)}`,
      'use AbsPower or DynPower',
    );
  return parseModelName(
    buildKeplerModelPath({
      pipeline: p.pipelineName,
      energySource: p.energySource,
      outputType: p.outputType,
      featureGroup: p.featureGroup,
      modelName: keplerModelName(p.trainer, p.nodeType),
    }),
  );
}
