// Pipeline activation: a pipeline (feature group × output type for one energy source) runs only if
// the data can feed it. Decisions, in order, each reported in a human sentence when it fails:
//  1. every feature of the group is reported (its column exists and has at least one value);
//  2. at least MIN_ROWS complete rows remain (a 10% holdout needs a test row and two to fit);
//  3. not every feature is constant over those rows: with no variation there is nothing to learn,
//     and a max-abs scaled constant would only relearn the bias. A group where only some features
//     are constant still trains (Kepler does the same) and the report names them.
import type { FeatureTable } from '../data/types.ts';
import { minIdleIsolate } from '../extract/isolate.ts';
import { selectRows, type TrainingSet } from '../extract/select.ts';
import type { FeatureGroup, OutputType } from './groups.ts';

export const MIN_ROWS = 3;

export interface PipelineKey {
  featureGroup: string;
  outputType: OutputType;
  energySource: string;
}

export interface ActivePipeline extends PipelineKey {
  /** Rows and columns to train on; DynPower targets are already isolated. */
  data: TrainingSet;
  constantFeatures: string[];
}

export interface SkippedPipeline extends PipelineKey {
  reason: 'missing-metrics' | 'too-few-rows' | 'constant-features';
  /** Features not reported by the data (reason missing-metrics). */
  missing: string[];
  message: string;
}

export interface Activation {
  active: ActivePipeline[];
  skipped: SkippedPipeline[];
}

export interface ActivationRequest {
  energySource: string;
  featureGroups: readonly FeatureGroup[];
  outputTypes: readonly OutputType[];
}

export function activatePipelines(table: FeatureTable, request: ActivationRequest): Activation {
  const reported = reportedFeatures(table);
  const components = Object.keys(table.targets);
  const active: ActivePipeline[] = [];
  const skipped: SkippedPipeline[] = [];
  for (const { name: featureGroup, features } of request.featureGroups) {
    for (const outputType of request.outputTypes) {
      const key = { featureGroup, outputType, energySource: request.energySource };
      const missing = features.filter((f) => !reported.has(f));
      if (missing.length > 0) {
        const verb = missing.length === 1 ? 'is' : 'are';
        skipped.push({
          ...key,
          reason: 'missing-metrics',
          missing,
          message: `${featureGroup} skipped: ${missing.join(', ')} ${verb} not reported`,
        });
        continue;
      }
      const data = selectRows(table, features, components);
      if (data.x.rows < MIN_ROWS) {
        skipped.push({
          ...key,
          reason: 'too-few-rows',
          missing: [],
          message: `${featureGroup} skipped: only ${data.x.rows} complete rows, at least ${MIN_ROWS} are needed`,
        });
        continue;
      }
      const constantFeatures = constantColumns(data);
      if (constantFeatures.length === features.length) {
        skipped.push({
          ...key,
          reason: 'constant-features',
          missing: [],
          message: `${featureGroup} skipped: every feature is constant over the ${data.x.rows} rows (${constantFeatures.join(', ')}), there is nothing to learn`,
        });
        continue;
      }
      if (outputType === 'DynPower') data.y = minIdleIsolate(data.y);
      active.push({ ...key, data, constantFeatures });
    }
  }
  return { active, skipped };
}

/** Features with at least one value in the table. */
export function reportedFeatures(table: FeatureTable): Set<string> {
  const width = table.featureNames.length;
  const out = new Set<string>();
  table.featureNames.forEach((f, c) => {
    for (let r = 0; r < table.timestamps.length; r++) {
      if (!Number.isNaN(table.features[r * width + c]!)) {
        out.add(f);
        return;
      }
    }
  });
  return out;
}

function constantColumns(set: TrainingSet): string[] {
  const { data, rows, cols } = set.x;
  return set.features.filter((_, c) => {
    for (let r = 1; r < rows; r++) if (data[r * cols + c] !== data[c]) return false;
    return true;
  });
}
