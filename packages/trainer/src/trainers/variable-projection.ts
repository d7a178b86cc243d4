// Variable projection for curves y ≈ α·u(b, x) + γ with one nonlinear parameter b (Golub & Pereyra): for a
// fixed b the best α and γ are a 2 × 2 least-squares problem solved in closed form, so the sum of squares
// becomes a smooth function of b alone, minimised by bracketing and Brent's method. Each evaluation is one
// transcendental per point, and a few dozen evaluations replace the thousands Levenberg–Marquardt spends
// crawling along the nearly flat a·b valley of an ill-conditioned exponential or logarithmic fit.
//
// b keeps the sign of its initial value and is searched as t = ln|b|: reaching b = 0 would need a = α/b to
// pass through infinity, which Levenberg–Marquardt from the same start cannot do either, so the fit stays on
// the start's side (for the logarithm that also keeps bx + 1 > 0 for larger x at prediction time). When the
// data are best explained by the straight-line limit b → 0, the search stops where further shrinking of b
// lowers the sum of squares by less than ftol relative, as MINPACK's ftol test does.

export interface ProjectedCurve {
  /**
   * The nonlinear basis u(b, x), scaled so that it stays finite and precise as b → 0 (e.g. expm1(bx)/b);
   * NaN or ±∞ marks b outside the curve's domain.
   */
  basis(b: number, x: number): number;
}

export interface ProjectedFit {
  b: number;
  /** Coefficient of the basis. */
  alpha: number;
  /** Constant term. */
  gamma: number;
  sse: number;
  evaluations: number;
}

export interface ProjectionOptions {
  /** Relative tolerance on b (MINPACK's xtol, as scipy.optimize.curve_fit uses). */
  xtol: number;
  /** Relative reduction of the sum of squares below which a search step counts as no progress (MINPACK's ftol). */
  ftol: number;
  /** Budget of evaluations over the whole data set. */
  maxfev: number;
}

const DEFAULTS: ProjectionOptions = { xtol: 1.49012e-8, ftol: 1.49012e-8, maxfev: 20000 };
/** ln|b| stays above this so that b never underflows to zero. */
const MIN_LOG_B = -700;
const GOLDEN = 0.381966011250105;
const GROW = 1.618033988749895;

/** The closed-form α, γ and sum of squares for one b; `u` is scratch space of length n. */
function project(
  curve: ProjectedCurve,
  b: number,
  x: Float64Array,
  yc: Float64Array,
  yy: number,
  yMean: number,
  u: Float64Array,
): { alpha: number; gamma: number; sse: number } {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = curve.basis(b, x[i]!);
    u[i] = v;
    sum += v;
  }
  if (!Number.isFinite(sum)) return { alpha: Number.NaN, gamma: Number.NaN, sse: Number.POSITIVE_INFINITY };
  const uMean = sum / n;
  // Centred sums in a second, transcendental-free pass: no cancellation when u has a large mean.
  let uu = 0;
  let uy = 0;
  for (let i = 0; i < n; i++) {
    const d = u[i]! - uMean;
    uu += d * d;
    uy += d * yc[i]!;
  }
  const alpha = uu > 0 ? uy / uu : 0;
  const sse = Math.max(yy - alpha * uy, 0);
  return { alpha, gamma: yMean - alpha * uMean, sse: Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY };
}

/** Least squares of y ≈ α·u(b, x) + γ over b of b0's sign, from `b0` (the local minimum downhill from it). */
export function fitProjected(
  curve: ProjectedCurve,
  x: Float64Array,
  y: Float64Array,
  b0: number,
  options: Partial<ProjectionOptions> = {},
): ProjectedFit {
  const { xtol, ftol, maxfev } = { ...DEFAULTS, ...options };
  if (!Number.isFinite(b0) || b0 === 0) {
    throw new RangeError(
      `curve fit: the initial b must be finite and non-zero (its sign is kept), got ${b0}`,
    );
  }
  const sign = Math.sign(b0);
  const n = x.length;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]! / n;
  const yc = y.map((v) => v - yMean);
  let yy = 0;
  for (let i = 0; i < n; i++) yy += yc[i]! * yc[i]!;
  const u = new Float64Array(n);
  let evaluations = 0;
  const bOf = (t: number) => sign * Math.exp(Math.max(t, MIN_LOG_B));
  const f = (t: number) => {
    evaluations++;
    return project(curve, bOf(t), x, yc, yy, yMean, u).sse;
  };

  // Bracket a minimum in t: walk downhill from ln|b0| with growing steps until the sum of squares rises again.
  let a = Math.log(Math.abs(b0));
  let fa = f(a);
  if (!Number.isFinite(fa)) {
    throw new RangeError(`curve fit: the initial b = ${b0} gives non-finite predictions`);
  }
  let c = a + 0.1;
  let fc = f(c);
  if (!(fc <= fa)) {
    [a, c] = [c, a];
    [fa, fc] = [fc, fa];
  }
  // The straight-line limit b → 0 (u = x): once a step towards it comes within ftol of its sum of squares,
  // the data have no curvature of this kind to fit, and a smaller b would only inflate a = α/b.
  evaluations++;
  const flat = project(curve, 0, x, yc, yy, yMean, u).sse * (1 + ftol);
  let step = c - a;
  let lo = a;
  let fLo = fa;
  let mid = c;
  let fMid = fc;
  let hi = c + GROW * step;
  let fHi = f(hi);
  while (fHi < fMid && evaluations < maxfev) {
    if (step < 0 && (fHi <= flat || hi <= MIN_LOG_B)) {
      const above = fMid > flat ? mid : fLo > flat ? lo : undefined;
      const t = above === undefined ? mid : edgeOfFlat(f, flat, above, hi, maxfev - evaluations);
      return finish(t);
    }
    lo = mid;
    fLo = fMid;
    mid = hi;
    fMid = fHi;
    step *= GROW;
    hi = mid + GROW * step;
    fHi = f(hi);
  }
  if (lo > hi) [lo, hi] = [hi, lo];

  // Brent's method on [lo, hi] around mid: parabolic steps where the fit is smooth, golden sections otherwise.
  let best = mid;
  let fBest = fMid;
  let second = mid;
  let fSecond = fMid;
  let third = mid;
  let fThird = fMid;
  let move = 0;
  let lastMove = 0;
  while (evaluations < maxfev) {
    const centre = 0.5 * (lo + hi);
    // An absolute step in t is a relative step in b.
    const tol = xtol;
    if (Math.abs(best - centre) <= 2 * tol - 0.5 * (hi - lo)) break;
    let parabolic = false;
    if (Math.abs(lastMove) > tol) {
      const r = (best - second) * (fBest - fThird);
      let q = (best - third) * (fBest - fSecond);
      let p = (best - third) * q - (best - second) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      if (
        Number.isFinite(p) &&
        Math.abs(p) < Math.abs(0.5 * q * lastMove) &&
        p > q * (lo - best) &&
        p < q * (hi - best)
      ) {
        lastMove = move;
        move = p / q;
        parabolic = true;
        const next = best + move;
        if (next - lo < 2 * tol || hi - next < 2 * tol) move = centre >= best ? tol : -tol;
      }
    }
    if (!parabolic) {
      lastMove = best >= centre ? lo - best : hi - best;
      move = GOLDEN * lastMove;
    }
    const trial = Math.abs(move) >= tol ? best + move : best + (move >= 0 ? tol : -tol);
    const fTrial = f(trial);
    if (fTrial <= fBest) {
      if (trial >= best) lo = best;
      else hi = best;
      third = second;
      fThird = fSecond;
      second = best;
      fSecond = fBest;
      best = trial;
      fBest = fTrial;
    } else {
      if (trial < best) lo = trial;
      else hi = trial;
      if (fTrial <= fSecond || second === best) {
        third = second;
        fThird = fSecond;
        second = trial;
        fSecond = fTrial;
      } else if (fTrial <= fThird || third === best || third === second) {
        third = trial;
        fThird = fTrial;
      }
    }
  }
  return finish(best);

  function finish(t: number): ProjectedFit {
    const b = bOf(t);
    const fit = project(curve, b, x, yc, yy, yMean, u);
    return { b, alpha: fit.alpha, gamma: fit.gamma, sse: fit.sse, evaluations: evaluations + 1 };
  }
}

/**
 * The smallest-|b| point worth returning on the way to the straight-line limit: bisects t between `above`
 * (sum of squares above `flat`) and `below` (within it) to 1/20 in t (5 % in b), returning the flat side.
 */
function edgeOfFlat(
  f: (t: number) => number,
  flat: number,
  above: number,
  below: number,
  budget: number,
): number {
  let hi = above;
  let lo = below;
  for (let i = 0; i < budget && hi - lo > 0.05; i++) {
    const t = 0.5 * (hi + lo);
    if (f(t) <= flat) lo = t;
    else hi = t;
  }
  return lo;
}
