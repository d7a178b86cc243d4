// libsvm's SMO solver for ε-support-vector regression (Fan, Chen & Lin 2005, "Working set selection using second
// order information"), as scikit-learn's SVR runs it: 2·l dual variables (α for y = +1, α* for y = −1), the
// second-order working-set choice (WSS3), the same clipping of the two-variable step, and the same ρ.
//
//   min ½ βᵀQβ + pᵀβ   s.t. Σ yᵢβᵢ = 0, 0 ≤ βᵢ ≤ C,   Qᵢⱼ = yᵢyⱼK(i mod l, j mod l),
//   p = (ε − y₁ … ε − y_l, ε + y₁ … ε + y_l),  coefficient of sample s = β_s − β_{s+l}.
//
// Kernel rows are computed on demand and kept in an LRU cache bounded in bytes (libsvm's cache_size), so
// memory stays bounded while the active rows of a long run are computed once. Shrinking is libsvm's: variables
// stuck at a bound are dropped from selection and gradient updates, and the gradient is rebuilt once before the
// final check so the stopping rule is decided on all variables.

export interface SmoOptions {
  C: number;
  epsilon: number;
  /** Stopping tolerance on the maximal violating pair (libsvm's eps, scikit-learn's tol). */
  tol: number;
  /** Kernel-row cache in bytes. */
  cacheBytes: number;
  shrinking: boolean;
  /** Hard cap on iterations; libsvm's own default max(10⁷, 100·l). */
  maxIter?: number;
}

export interface SmoResult {
  /** β_s − β_{s+l} per sample. */
  coef: Float64Array;
  /** libsvm's ρ; the decision function is Σ coefᵢK(xᵢ, x) − ρ. */
  rho: number;
  iterations: number;
}

/** Kernel value between samples a and b (row-major scaled data held by the caller). */
export type KernelFn = (a: number, b: number) => number;

const TAU = 1e-12;

/** LRU cache of kernel rows K(s, ·) over all l samples. */
class KernelRows {
  private readonly rows = new Map<number, Float64Array>();
  private readonly capacity: number;

  constructor(
    private readonly l: number,
    private readonly kernel: KernelFn,
    cacheBytes: number,
  ) {
    this.capacity = Math.max(2, Math.floor(cacheBytes / (8 * l)));
  }

  get(s: number): Float64Array {
    let row = this.rows.get(s);
    if (row !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.rows.delete(s);
      this.rows.set(s, row);
      return row;
    }
    if (this.rows.size >= this.capacity) {
      const oldest = this.rows.keys().next().value as number;
      row = this.rows.get(oldest)!;
      this.rows.delete(oldest);
    } else row = new Float64Array(this.l);
    const k = this.kernel;
    for (let t = 0; t < this.l; t++) row[t] = k(s, t);
    this.rows.set(s, row);
    return row;
  }
}

export function solveEpsilonSvr(y: Float64Array, kernel: KernelFn, o: SmoOptions): SmoResult {
  const l = y.length;
  const n = 2 * l;
  const C = o.C;
  const sign = new Int8Array(n);
  const p = new Float64Array(n);
  const sample = new Int32Array(n); // i mod l, without a division in the hot loops
  for (let s = 0; s < l; s++) {
    sign[s] = 1;
    sign[s + l] = -1;
    sample[s] = s;
    sample[s + l] = s;
    p[s] = o.epsilon - y[s]!;
    p[s + l] = o.epsilon + y[s]!;
  }
  const alpha = new Float64Array(n);
  const G = Float64Array.from(p); // gradient Qβ + p at β = 0
  const Gbar = new Float64Array(n); // C · Σ_{β_j = C} Q_{ij}: rebuilds G of shrunk variables
  const QD = new Float64Array(n);
  for (let s = 0; s < l; s++) {
    const d = kernel(s, s);
    QD[s] = d;
    QD[s + l] = d;
  }
  const cache = new KernelRows(l, kernel, o.cacheBytes);
  const upper = (i: number) => alpha[i]! >= C;
  const lower = (i: number) => alpha[i]! <= 0;

  // active[0..activeSize) lists the variables still considered; shrinking moves others past activeSize.
  const active = new Int32Array(n);
  for (let i = 0; i < n; i++) active[i] = i;
  let activeSize = n;
  let unshrunk = false;
  let counter = Math.min(l, 1000) + 1;
  const maxIter = o.maxIter ?? Math.max(10_000_000, l > 21_474_836 ? 2_147_483_647 : 100 * l);

  const reconstructGradient = () => {
    if (activeSize === n) return;
    for (let a = activeSize; a < n; a++) {
      const j = active[a]!;
      G[j] = Gbar[j]! + p[j]!;
    }
    for (let a = 0; a < activeSize; a++) {
      const i = active[a]!;
      if (lower(i) || upper(i) || alpha[i] === 0) continue;
      const row = cache.get(sample[i]!);
      const ai = alpha[i]! * sign[i]!;
      for (let b = activeSize; b < n; b++) {
        const j = active[b]!;
        G[j]! += ai * sign[j]! * row[sample[j]!]!;
      }
    }
  };

  const beShrunk = (i: number, gmax1: number, gmax2: number) => {
    if (upper(i)) return sign[i] === 1 ? -G[i]! > gmax1 : -G[i]! > gmax2;
    if (lower(i)) return sign[i] === 1 ? G[i]! > gmax2 : G[i]! > gmax1;
    return false;
  };

  const doShrinking = () => {
    let gmax1 = Number.NEGATIVE_INFINITY; // max { −y_i ∇_i f : i ∈ I_up }
    let gmax2 = Number.NEGATIVE_INFINITY; // max { y_i ∇_i f : i ∈ I_low }
    for (let a = 0; a < activeSize; a++) {
      const i = active[a]!;
      if (sign[i] === 1) {
        if (!upper(i) && -G[i]! >= gmax1) gmax1 = -G[i]!;
        if (!lower(i) && G[i]! >= gmax2) gmax2 = G[i]!;
      } else {
        if (!upper(i) && -G[i]! >= gmax2) gmax2 = -G[i]!;
        if (!lower(i) && G[i]! >= gmax1) gmax1 = G[i]!;
      }
    }
    if (!unshrunk && gmax1 + gmax2 <= o.tol * 10) {
      unshrunk = true;
      reconstructGradient();
      activeSize = n;
    }
    for (let a = 0; a < activeSize; a++) {
      if (!beShrunk(active[a]!, gmax1, gmax2)) continue;
      activeSize--;
      while (activeSize > a) {
        if (!beShrunk(active[activeSize]!, gmax1, gmax2)) {
          const t = active[a]!;
          active[a] = active[activeSize]!;
          active[activeSize] = t;
          break;
        }
        activeSize--;
      }
    }
  };

  /** WSS3; returns [i, j] or undefined when optimal within tol. */
  const select = (): [number, number] | undefined => {
    let gmax = Number.NEGATIVE_INFINITY;
    let gmax2 = Number.NEGATIVE_INFINITY;
    let gmaxIdx = -1;
    let gminIdx = -1;
    let objDiffMin = Number.POSITIVE_INFINITY;
    for (let a = 0; a < activeSize; a++) {
      const t = active[a]!;
      if (sign[t] === 1) {
        if (!upper(t) && -G[t]! >= gmax) {
          gmax = -G[t]!;
          gmaxIdx = t;
        }
      } else if (!lower(t) && G[t]! >= gmax) {
        gmax = G[t]!;
        gmaxIdx = t;
      }
    }
    const i = gmaxIdx;
    const rowI = i === -1 ? undefined : cache.get(sample[i]!);
    // libsvm's quad_coef QD_i + QD_j ∓ 2·y_i·Q_ij is K_ii + K_jj − 2K_ij for every sign pair (Q_ij = y_i·y_j·K_ij);
    // rowI holds K, not Q, so no sign enters here (a sign here once chose poor pairs: 2.5× libsvm's iterations).
    for (let a = 0; a < activeSize; a++) {
      const j = active[a]!;
      if (sign[j] === 1) {
        if (lower(j)) continue;
        const gradDiff = gmax + G[j]!;
        if (G[j]! >= gmax2) gmax2 = G[j]!;
        if (gradDiff > 0 && rowI !== undefined) {
          const q = QD[i]! + QD[j]! - 2 * rowI[sample[j]!]!;
          const objDiff = -(gradDiff * gradDiff) / (q > 0 ? q : TAU);
          if (objDiff <= objDiffMin) {
            gminIdx = j;
            objDiffMin = objDiff;
          }
        }
      } else {
        if (upper(j)) continue;
        const gradDiff = gmax - G[j]!;
        if (-G[j]! >= gmax2) gmax2 = -G[j]!;
        if (gradDiff > 0 && rowI !== undefined) {
          const q = QD[i]! + QD[j]! - 2 * rowI[sample[j]!]!;
          const objDiff = -(gradDiff * gradDiff) / (q > 0 ? q : TAU);
          if (objDiff <= objDiffMin) {
            gminIdx = j;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (gmax + gmax2 < o.tol || gminIdx === -1) return undefined;
    return [i, gminIdx];
  };

  let iter = 0;
  while (iter < maxIter) {
    if (o.shrinking && --counter === 0) {
      counter = Math.min(l, 1000);
      doShrinking();
    }
    let ws = select();
    if (ws === undefined) {
      // Decide optimality on every variable, not only the active ones.
      reconstructGradient();
      activeSize = n;
      ws = select();
      if (ws === undefined) break;
      counter = 1; // shrink again on the next iteration
    }
    const [i, j] = ws;
    iter++;
    const rowI = cache.get(sample[i]!);
    const rowJ = cache.get(sample[j]!);
    const yi = sign[i]!;
    const yj = sign[j]!;
    const qij = yi * yj * rowI[sample[j]!]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    if (yi !== yj) {
      let q = QD[i]! + QD[j]! + 2 * qij;
      if (q <= 0) q = TAU;
      const delta = (-G[i]! - G[j]!) / q;
      const diff = oldI - oldJ;
      alpha[i] = oldI + delta;
      alpha[j] = oldJ + delta;
      if (diff > 0) {
        if (alpha[j]! < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i]! < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i]! > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j]! > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let q = QD[i]! + QD[j]! - 2 * qij;
      if (q <= 0) q = TAU;
      const delta = (G[i]! - G[j]!) / q;
      const sum = oldI + oldJ;
      alpha[i] = oldI - delta;
      alpha[j] = oldJ + delta;
      if (sum > C) {
        if (alpha[i]! > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j]! < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j]! > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i]! < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dI = (alpha[i]! - oldI) * yi;
    const dJ = (alpha[j]! - oldJ) * yj;
    for (let a = 0; a < activeSize; a++) {
      const k = active[a]!;
      const s = sample[k]!;
      G[k]! += sign[k]! * (rowI[s]! * dI + rowJ[s]! * dJ);
    }
    // Gbar tracks the gradient share of variables at the upper bound, for reconstructGradient.
    const wasUpperI = oldI >= C;
    const wasUpperJ = oldJ >= C;
    if (wasUpperI !== upper(i)) {
      const f = (upper(i) ? C : -C) * yi;
      for (let s = 0; s < l; s++) {
        Gbar[s]! += f * rowI[s]!;
        Gbar[s + l]! -= f * rowI[s]!;
      }
    }
    if (wasUpperJ !== upper(j)) {
      const f = (upper(j) ? C : -C) * yj;
      for (let s = 0; s < l; s++) {
        Gbar[s]! += f * rowJ[s]!;
        Gbar[s + l]! -= f * rowJ[s]!;
      }
    }
  }
  if (activeSize < n) {
    reconstructGradient();
    activeSize = n;
  }

  // ρ: mean of y_i∇_i over free variables, else the middle of the feasible interval.
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let nFree = 0;
  let sumFree = 0;
  for (let i = 0; i < n; i++) {
    const yG = sign[i]! * G[i]!;
    if (upper(i)) {
      if (sign[i] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(i)) {
      if (sign[i] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const coef = new Float64Array(l);
  for (let s = 0; s < l; s++) coef[s] = alpha[s]! - alpha[s + l]!;
  return { coef, rho, iterations: iter };
}
