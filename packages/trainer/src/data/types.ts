// The two in-memory shapes every data source produces, so that everything downstream of a source
// is identical whether the samples came from a saved file, a live Prometheus or a CSV table.

/** One Prometheus range-vector series: its labels and its `[unix seconds, "value"]` samples. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/**
 * Kepler's saved `query_range` results: metric name → series. This is the format of
 * kepler-model-server's `prom_response.json` and what `fetchRange` assembles from a live Prometheus.
 */
export type PromResults = Record<string, PromSeries[]>;

/**
 * An extracted training table: one row per timestamp, one column per feature, and one target
 * vector per power component (watts). Missing values are NaN; `selectRows` drops them per pipeline.
 */
export interface FeatureTable {
  /** Unix seconds, ascending. */
  timestamps: Float64Array;
  featureNames: string[];
  /** Row-major `rows × featureNames.length`. */
  features: Float64Array;
  /** Component (package, core, uncore, dram, platform, …) → watts per row. */
  targets: Record<string, Float64Array>;
}

export function rowCount(table: FeatureTable): number {
  return table.timestamps.length;
}
