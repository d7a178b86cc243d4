// Kepler's request `filter`: conditions on a model's metadata, written `<attr>:<value>` and joined
// by ";" (kepler-model-server util/loader.py parse_filters / is_valid_model), e.g. "mae:10;mape:5".
// Each condition is a bound on an error: the model passes when metadata[attr] <= value, except
// `abs_max_corr` (a correlation, higher is better) which needs >=. A model without the attribute
// fails the condition. Items without exactly one ":" are ignored, as Kepler does.
// `features:<a>,<b>` is Kepler's list form: the model's features must all be among those listed.

export class MetadataFilterError extends Error {
  override readonly name = 'MetadataFilterError';
}

export interface MetadataCondition {
  attr: string;
  /** A numeric bound, or a feature list for `features`. */
  value: number | readonly string[];
}

const HIGHER_IS_BETTER = new Set(['abs_max_corr']);

/** Parses a filter text; throws MetadataFilterError naming a condition whose value is not a number. */
export function parseMetadataFilter(filter: string | undefined): MetadataCondition[] {
  if (!filter) return [];
  const out: MetadataCondition[] = [];
  for (const item of filter.split(';')) {
    const parts = item.split(':');
    if (parts.length !== 2) continue;
    const attr = parts[0]!.trim();
    const raw = parts[1]!.trim();
    if (attr === 'features') {
      out.push({
        attr,
        value: raw
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
      });
      continue;
    }
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) {
      throw new MetadataFilterError(
        `filter condition ${JSON.stringify(item)} needs a number after ":"; write e.g. "mae:10;mape:5"`,
      );
    }
    out.push({ attr, value });
  }
  return out;
}

/** Why `metadata` fails the conditions, or undefined when it passes them all. */
export function failedCondition(
  metadata: Record<string, unknown>,
  conditions: readonly MetadataCondition[],
): string | undefined {
  for (const { attr, value } of conditions) {
    const actual = metadata[attr];
    if (typeof value !== 'number') {
      const allowed = new Set(value);
      const features = Array.isArray(actual) ? actual.map(String) : undefined;
      if (!features) return `filter "features": metadata has no features list`;
      const extra = features.filter((f) => !allowed.has(f));
      if (extra.length > 0) return `filter "features": needs ${extra.join(', ')}, not in the filter's list`;
      continue;
    }
    const n = typeof actual === 'number' ? actual : typeof actual === 'string' ? Number(actual) : Number.NaN;
    if (!Number.isFinite(n)) return `filter "${attr}": metadata has no numeric "${attr}"`;
    const ok = HIGHER_IS_BETTER.has(attr) ? n >= value : n <= value;
    if (!ok) return `filter "${attr}": ${n} is not ${HIGHER_IS_BETTER.has(attr) ? '>=' : '<='} ${value}`;
  }
  return undefined;
}
