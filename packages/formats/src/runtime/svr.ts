// The one SVR runtime of this package: libsvm's decision function intercept + Σ dualCoef[i] · K(sv[i], x) for
// the rbf / poly / sigmoid / linear kernels, used by Kepler's pickled scikit-learn SVR and by modelshelf-json's
// svr kind. The two formats round two steps differently (see SvrArithmetic); each keeps its own so every output
// stays what it was.

export type SvrKernel = 'rbf' | 'linear' | 'poly' | 'sigmoid';

export interface SvrModel {
  readonly kernel: SvrKernel;
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
  readonly intercept: number;
  /** One coefficient per support vector. */
  readonly dualCoef: Float64Array;
  /** Support vectors × features, row-major. */
  readonly supportVectors: Float64Array;
}

export interface SvrArithmetic {
  /**
   * true: (γ u·v + coef0)^degree by libsvm's powi (square-and-multiply), as scikit-learn computes it;
   * false: by `**`.
   */
  readonly libsvmPowi: boolean;
  /** true: the kernel terms are summed from 0 and the intercept added last (libsvm); false: summed onto it. */
  readonly interceptLast: boolean;
}

/** scikit-learn / libsvm exactly (Kepler's pickled SVR). */
export const LIBSVM_ARITHMETIC: SvrArithmetic = { libsvmPowi: true, interceptLast: true };

/** Writes the decision value of each of `rows` rows (d values each) to out[offset + r · stride]. */
export function predictSvr(
  m: SvrModel,
  arithmetic: SvrArithmetic,
  xs: Float64Array,
  rows: number,
  d: number,
  out: Float64Array,
  offset: number,
  stride: number,
): void {
  const { kernel, gamma, coef0, degree, dualCoef, supportVectors: sv } = m;
  const n = dualCoef.length;
  const last = arithmetic.interceptLast;
  for (let r = 0; r < rows; r++) {
    const xo = r * d;
    let sum = last ? 0 : m.intercept;
    for (let i = 0; i < n; i++) {
      const so = i * d;
      let k: number;
      if (kernel === 'rbf') {
        let d2 = 0;
        for (let c = 0; c < d; c++) {
          const diff = xs[xo + c]! - sv[so + c]!;
          d2 += diff * diff;
        }
        k = Math.exp(-gamma * d2);
      } else {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += xs[xo + c]! * sv[so + c]!;
        if (kernel === 'linear') k = dot;
        else if (kernel === 'poly')
          k = arithmetic.libsvmPowi ? powi(gamma * dot + coef0, degree) : (gamma * dot + coef0) ** degree;
        else k = Math.tanh(gamma * dot + coef0);
      }
      sum += dualCoef[i]! * k;
    }
    out[offset + r * stride] = last ? sum + m.intercept : sum;
  }
}

/** libsvm's powi (square-and-multiply), so poly kernels round as libsvm does. */
export function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}
