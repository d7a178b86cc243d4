// The one error type for Kepler weight files: it names where in the file the problem is and what was found.
import { FormatError } from '../types.ts';

export const KEPLER_WEIGHTS_FORMAT = 'kepler-weights';

export interface KeplerWeightsProblem {
  /** Component key, e.g. "package". */
  component?: string;
  /** Numerical or categorical feature name, e.g. "bpf_cpu_time_ms". */
  feature?: string;
  /** JSON key that holds the bad value, e.g. "scale" or "CurveFit_Weights". */
  key?: string;
  /** The offending value as found in the file (undefined when the key is missing). */
  value?: unknown;
  /** What to do about it. */
  hint?: string;
}

/** A weight file that cannot be turned into a Kepler power model. */
export class KeplerWeightsError extends FormatError {
  readonly component?: string;
  readonly feature?: string;
  readonly key?: string;
  readonly value?: unknown;

  constructor(path: string, message: string, problem: KeplerWeightsProblem = {}) {
    super(KEPLER_WEIGHTS_FORMAT, path, describe(message, problem));
    this.component = problem.component;
    this.feature = problem.feature;
    this.key = problem.key;
    this.value = problem.value;
  }
}

function describe(message: string, p: KeplerWeightsProblem): string {
  const where = [
    p.component !== undefined ? `component "${p.component}"` : '',
    p.feature !== undefined ? `feature "${p.feature}"` : '',
    p.key !== undefined ? `key "${p.key}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const found = 'value' in p ? ` (found ${showValue(p.value)})` : '';
  const hint = p.hint ? `; ${p.hint}` : '';
  return `${where ? `${where}: ` : ''}${message}${found}${hint}`;
}

/** Short, JSON-like rendering of a bad value for error messages. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Input given to a Kepler model at prediction time does not fit the model (unknown feature, short buffer, …). */
export class KeplerInputError extends Error {
  override readonly name = 'KeplerInputError';
}
