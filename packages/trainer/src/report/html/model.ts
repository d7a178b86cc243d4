// What an HTML report shows, independent of where it came from (a training run or stored versions).
import type { HoldoutRecord } from '../../evaluate/holdout-record.ts';

export interface ReportComponentScore {
  mae: number;
  /** −1 when no held-out row had measured power > 0 (Kepler's convention). */
  mape: number;
}

export interface ReportTrainingData {
  origin?: string;
  start?: string;
  end?: string;
  rows?: number;
  sha256?: string;
}

export interface ReportModel {
  name: string;
  /** The stored version, when there is one (a dry run has none). */
  version?: number;
  digest?: string;
  energySource?: string;
  outputType?: string;
  featureGroup?: string;
  trainer?: string;
  mae?: number;
  mape?: number;
  components: Record<string, ReportComponentScore>;
  trainingData?: ReportTrainingData;
  /** The held-out rows; missing for versions published without a holdout.json. */
  holdout?: HoldoutRecord;
  /** Why there is no holdout, when there is none. */
  holdoutMissing?: string;
}

export interface ReportVersion {
  version: number;
  mae?: number;
  mape?: number;
  createdAt?: string;
  pinned: boolean;
  aliases: string[];
  latest: boolean;
}

export interface ReportHistory {
  model: string;
  versions: ReportVersion[];
}

export interface ReportCandidate {
  model: string;
  version?: number;
  trainer?: string;
  mae?: number;
  /** Why the estimator's best-model rule would pass over it. */
  excluded?: string;
}

export interface ReportComparison {
  /** "<energySource>/<outputType>/<featureGroup>", with the pipeline prefix when there is one. */
  group: string;
  candidates: ReportCandidate[];
  /** The model the estimator's rule picks: lowest mae among eligible candidates, ties in name order. */
  chosen?: string;
  note?: string;
}

export interface ReportInput {
  title: string;
  /** Where the numbers come from: a data file, a Prometheus, or a store. */
  source: string;
  /** ISO time; a fixed one keeps the bytes of a report reproducible. */
  generatedAt: string;
  models: ReportModel[];
  histories: ReportHistory[];
  comparisons: ReportComparison[];
  notes: string[];
}
