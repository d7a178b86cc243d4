// libsvm's SMO solver for ε-support-vector regression (Fan, Chen & Lin 2005, "Working set selection using second
// order information"), as scikit-learn's SVR runs it: 2·l dual variables (α for y = +1, α* for y = −1), the
// second-order working-set choice (WSS3), the same clipping of the two-variable step, and the same ρ.
//
//   min ½ βᵀQβ + pᵀβ   s.t. Σ yᵢβᵢ = 0, 0 ≤ βᵢ ≤ C,   Qᵢⱼ = yᵢyⱼK(i mod l, j mod l),
//   p = (ε − y₁ … ε − y_l, ε + y₁ … ε + y_l),  coefficient of sample s = β_s − β_{s+l}.
//
// Kernel rows are computed on demand and kept in an LRU cache bounded in bytes (libsvm's cache_size), so
// memory stays bounded while the active rows of a long run are computed once. Shrinking is libsvm's rule for
// which variables leave the working-set selection. Unlike libsvm, the gradient of every variable is kept exact
// on each step: in sample order both variables of a sample share one kernel entry, so one contiguous pass over
// the two kernel rows updates all 2·l gradients for less than libsvm's pass over the active set costs here (no
// index indirection), and no gradient reconstruction (libsvm's G_bar) is ever needed. Variables are laid out
// α₀ … α_{l−1}, α*₀ … α*_{l−1}, so every hot loop walks typed arrays in order.

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

/**
 * The kernel over the training samples, by whole rows: one call per cache miss fills K(s, t) for every t, so the
 * kernel's own loop (not a call per entry) is the hot path of a fit.
 */
export interface KernelRows {
  /** K(s, s). */
  diagonal(s: number): number;
  /** Writes K(s, t) into row[t] for every sample t. */
  fillRow(s: number, row: Float64Array): void;
}

const TAU = 1e-12;

/** LRU cache of kernel rows K(s, ·) over all l samples. */
class KernelRowCache {
  private readonly rows = new Map<number, Float64Array>();
  private readonly capacity: number;

  constructor(
    private readonly l: number,
    private readonly kernel: KernelRows,
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
    this.kernel.fillRow(s, row);
    this.rows.set(s, row);
    return row;
  }
}

export function solveEpsilonSvr(y: Float64Array, kernel: KernelRows, o: SmoOptions): SmoResult {
  const l = y.length;
  const solver = new EpsilonSvrSolver(y, kernel, o);
  let counter = Math.min(l, 1000) + 1;
  const maxIter = o.maxIter ?? Math.max(10_000_000, l > 21_474_836 ? 2_147_483_647 : 100 * l);
  let iter = 0;
  while (iter < maxIter) {
    if (o.shrinking && --counter === 0) {
      counter = Math.min(l, 1000);
      solver.shrink();
    }
    if (!solver.select()) {
      // Decide optimality on every variable, not only the unshrunk ones.
      if (!solver.anyShrunk) break;
      solver.unshrink();
      if (!solver.select()) break;
      counter = 1; // shrink again on the next iteration
    }
    iter++;
    solver.step(solver.selI, solver.selJ);
  }
  return { coef: solver.coefficients(), rho: solver.rho(), iterations: iter };
}

/**
 * The solver's state and steps. A class, not closures in solveEpsilonSvr, so every fit runs the same function
 * objects: V8 inlines call targets by identity, and fresh closures per fit made each later fit deoptimise
 * ("wrong call target") and run about 1.4× slower.
 */
class EpsilonSvrSolver {
  readonly l: number;
  readonly C: number;
  readonly tol: number;
  readonly alpha: Float64Array;
  /** Gradient Qβ + p, kept exact for every variable. */
  readonly G: Float64Array;
  /** K(s, s), the same for both variables of sample s. */
  readonly QD: Float64Array;
  readonly cache: KernelRowCache;
  /** 1: left out of the working-set selection. */
  readonly shrunk: Uint8Array;
  /** The samples with a variable still in the selection (the first nLive), so selection skips the rest. */
  readonly live: Int32Array;
  nLive: number;
  anyShrunk = false;
  unshrunk = false;
  /** The pair the last successful select() chose. */
  selI = -1;
  selJ = -1;

  constructor(y: Float64Array, kernel: KernelRows, o: SmoOptions) {
    const l = y.length;
    this.l = l;
    this.C = o.C;
    this.tol = o.tol;
    // Variable v < l is α_v (sign +1), variable v ≥ l is α*_{v−l} (sign −1); G starts at p (β = 0).
    const G = new Float64Array(2 * l);
    for (let s = 0; s < l; s++) {
      G[s] = o.epsilon - y[s]!;
      G[s + l] = o.epsilon + y[s]!;
    }
    this.G = G;
    this.alpha = new Float64Array(2 * l);
    this.QD = new Float64Array(l);
    for (let s = 0; s < l; s++) this.QD[s] = kernel.diagonal(s);
    this.cache = new KernelRowCache(l, kernel, o.cacheBytes);
    this.shrunk = new Uint8Array(2 * l);
    this.live = new Int32Array(l);
    for (let s = 0; s < l; s++) this.live[s] = s;
    this.nLive = l;
  }

  unshrink(): void {
    this.shrunk.fill(0);
    this.anyShrunk = false;
    for (let s = 0; s < this.l; s++) this.live[s] = s;
    this.nLive = this.l;
  }

  /** libsvm's do_shrinking. */
  shrink(): void {
    const { l, C, G, alpha, shrunk, live } = this;
    let nLive = this.nLive;
    let gmax1 = Number.NEGATIVE_INFINITY; // max { −y_i ∇_i f : i ∈ I_up }
    let gmax2 = Number.NEGATIVE_INFINITY; // max { y_i ∇_i f : i ∈ I_low }
    for (let a = 0; a < nLive; a++) {
      const s = live[a]!;
      const v = s + l;
      if (shrunk[s] === 0) {
        const g = G[s]!;
        if (alpha[s]! < C && -g >= gmax1) gmax1 = -g;
        if (alpha[s]! > 0 && g >= gmax2) gmax2 = g;
      }
      if (shrunk[v] === 0) {
        const g = G[v]!;
        if (alpha[v]! < C && -g >= gmax2) gmax2 = -g;
        if (alpha[v]! > 0 && g >= gmax1) gmax1 = g;
      }
    }
    if (!this.unshrunk && gmax1 + gmax2 <= this.tol * 10) {
      this.unshrunk = true;
      this.unshrink();
      nLive = l;
    }
    // libsvm's be_shrunk: a variable at a bound whose gradient points further out of the box.
    let kept = 0;
    let anyShrunk = this.anyShrunk;
    for (let a = 0; a < nLive; a++) {
      const s = live[a]!;
      const v = s + l;
      const as = alpha[s]!;
      if (shrunk[s] === 0 && ((as >= C && -G[s]! > gmax1) || (as <= 0 && G[s]! > gmax2))) {
        shrunk[s] = 1;
        anyShrunk = true;
      }
      const av = alpha[v]!;
      if (shrunk[v] === 0 && ((av >= C && -G[v]! > gmax2) || (av <= 0 && G[v]! > gmax1))) {
        shrunk[v] = 1;
        anyShrunk = true;
      }
      if (shrunk[s] === 0 || shrunk[v] === 0) live[kept++] = s;
    }
    this.nLive = kept;
    this.anyShrunk = anyShrunk;
  }

  /** WSS3: sets selI, selJ; false when optimal within tol. */
  select(): boolean {
    const { l, C, G, alpha, shrunk, live, QD, nLive } = this;
    let gmax = Number.NEGATIVE_INFINITY;
    let i = -1;
    for (let a = 0; a < nLive; a++) {
      const s = live[a]!;
      const v = s + l;
      if (shrunk[s] === 0 && alpha[s]! < C && -G[s]! >= gmax) {
        gmax = -G[s]!;
        i = s;
      }
      if (shrunk[v] === 0 && alpha[v]! > 0 && G[v]! >= gmax) {
        gmax = G[v]!;
        i = v;
      }
    }
    if (i === -1) return false;
    const rowI = this.cache.get(i < l ? i : i - l);
    const qdI = QD[i < l ? i : i - l]!;
    let gmax2 = Number.NEGATIVE_INFINITY;
    let j = -1;
    let objDiffMin = Number.POSITIVE_INFINITY;
    // libsvm's quad_coef QD_i + QD_j ∓ 2·y_i·Q_ij is K_ii + K_jj − 2K_ij for every sign pair (Q_ij = y_i·y_j·K_ij);
    // rowI holds K, not Q, so no sign enters here (a sign here once chose poor pairs: 2.5× libsvm's iterations).
    for (let a = 0; a < nLive; a++) {
      const s = live[a]!;
      const q = qdI + QD[s]! - 2 * rowI[s]!;
      const qPositive = q > 0 ? q : TAU;
      if (shrunk[s] === 0 && alpha[s]! > 0) {
        const g = G[s]!;
        if (g >= gmax2) gmax2 = g;
        const gradDiff = gmax + g;
        if (gradDiff > 0) {
          const objDiff = -(gradDiff * gradDiff) / qPositive;
          if (objDiff <= objDiffMin) {
            j = s;
            objDiffMin = objDiff;
          }
        }
      }
      const v = s + l;
      if (shrunk[v] === 0 && alpha[v]! < C) {
        const g = G[v]!;
        if (-g >= gmax2) gmax2 = -g;
        const gradDiff = gmax - g;
        if (gradDiff > 0) {
          const objDiff = -(gradDiff * gradDiff) / qPositive;
          if (objDiff <= objDiffMin) {
            j = v;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (gmax + gmax2 < this.tol || j === -1) return false;
    this.selI = i;
    this.selJ = j;
    return true;
  }

  /** libsvm's two-variable step on (i, j) with its clipping, then the gradient update. */
  step(i: number, j: number): void {
    const { l, C, G, alpha, QD } = this;
    const si = i < l ? i : i - l;
    const sj = j < l ? j : j - l;
    const rowI = this.cache.get(si);
    const rowJ = this.cache.get(sj);
    const yi = i < l ? 1 : -1;
    const yj = j < l ? 1 : -1;
    const qij = yi * yj * rowI[sj]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    if (yi !== yj) {
      let q = QD[si]! + QD[sj]! + 2 * qij;
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
      let q = QD[si]! + QD[sj]! - 2 * qij;
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
    // ∇_v += Q_vi·Δβ_i + Q_vj·Δβ_j; both variables of sample s share K(s, ·) with opposite signs.
    const dI = (alpha[i]! - oldI) * yi;
    const dJ = (alpha[j]! - oldJ) * yj;
    for (let s = 0; s < l; s++) {
      const u = rowI[s]! * dI + rowJ[s]! * dJ;
      G[s]! += u;
      G[s + l]! -= u;
    }
  }

  /** libsvm's ρ: mean of y_i∇_i over free variables, else the middle of the feasible interval. */
  rho(): number {
    const { l, C, G, alpha } = this;
    let ub = Number.POSITIVE_INFINITY;
    let lb = Number.NEGATIVE_INFINITY;
    let nFree = 0;
    let sumFree = 0;
    for (let v = 0; v < 2 * l; v++) {
      const sign = v < l ? 1 : -1;
      const yG = sign * G[v]!;
      if (alpha[v]! >= C) {
        if (sign === -1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (alpha[v]! <= 0) {
        if (sign === 1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        nFree++;
        sumFree += yG;
      }
    }
    return nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  }

  /** β_s − β_{s+l} per sample. */
  coefficients(): Float64Array {
    const coef = new Float64Array(this.l);
    for (let s = 0; s < this.l; s++) coef[s] = this.alpha[s]! - this.alpha[s + this.l]!;
    return coef;
  }
}
