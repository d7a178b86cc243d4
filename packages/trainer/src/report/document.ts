// The machine-readable report of one training run (printed by `train --json`).

import type { TrainResult } from '../pipeline/train.ts';
import type { PublishDecision } from '../publish/publish.ts';

export interface ReportDocument {
  energySource: string;
  origin: string;
  extracted: TrainResult['extracted'];
  notes: string[];
  models: {
    name: string;
    outputType: string;
    featureGroup: string;
    trainer: string;
    features: readonly string[];
    mae: number;
    mape: number;
    components: Record<string, { mae: number; mape: number }>;
    rows: { train: number; test: number };
    trainingDataSha256: unknown;
    publish?: Omit<PublishDecision, 'model' | 'mae'>;
  }[];
  skipped: { outputType: string; featureGroup: string; reason: string; missing: string[]; message: string }[];
  failures: TrainResult['failures'];
  best: Record<string, string>;
}

export function reportDocument(
  result: TrainResult,
  decisions: readonly PublishDecision[] = [],
): ReportDocument {
  const byModel = new Map(decisions.map((d) => [d.model, d]));
  return {
    energySource: result.energySource,
    origin: result.origin,
    extracted: result.extracted,
    notes: result.notes,
    models: result.models.map((m) => {
      const d = byModel.get(m.name);
      const { model: _model, mae: _mae, ...publish } = d ?? { model: '', mae: 0 };
      return {
        name: m.name,
        outputType: m.outputType,
        featureGroup: m.featureGroup,
        trainer: m.trainer,
        features: m.features,
        mae: m.mae,
        mape: m.mape,
        components: m.components,
        rows: m.rows,
        trainingDataSha256: (m.metadata.training_data as { sha256?: string } | undefined)?.sha256,
        ...(d ? { publish: publish as Omit<PublishDecision, 'model' | 'mae'> } : {}),
      };
    }),
    skipped: result.skipped.map((s) => ({
      outputType: s.outputType,
      featureGroup: s.featureGroup,
      reason: s.reason,
      missing: s.missing,
      message: s.message,
    })),
    failures: result.failures,
    best: result.best,
  };
}
