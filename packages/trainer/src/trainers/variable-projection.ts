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
  /**
   * Optional: ∂u/∂t at t = ln|b| (that is b·∂u/∂b), given u = basis(b, x) — for the curves here plain
   * arithmetic on u, no second transcendental. With it every evaluation also yields dSSE/dt, and the search
   * after bracketing takes secant steps on that derivative instead of Brent's derivative-free steps:
   * about half the evaluations to the same tolerance.
   */
  slope?(b: number, x: number, u: number): number;
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

/** The closed-form α, γ, sum of squares and (with a slope) dSSE/dt for one b; `u` is scratch space of length n. */
function project(
  curve: ProjectedCurve,
  b: number,
  x: Float64Array,
  yc: Float64Array,
  yy: number,
  yMean: number,
  u: Float64Array,
): Projection {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = curve.basis(b, x[i]!);
    u[i] = v;
    sum += v;
  }
  if (!Number.isFinite(sum))
    return { alpha: Number.NaN, gamma: Number.NaN, sse: Number.POSITIVE_INFINITY, slope: 0 };
  const uMean = sum / n;
  // Centred sums in a second, transcendental-free pass: no cancellation when u has a large mean.
  let uu = 0;
  let uy = 0;
  // For dSSE/dt: Σ yc·u' and Σ (u − ū)·u', with u' = ∂u/∂t.
  let yd = 0;
  let ud = 0;
  const slope = b === 0 ? undefined : curve.slope;
  for (let i = 0; i < n; i++) {
    const d = u[i]! - uMean;
    uu += d * d;
    uy += d * yc[i]!;
    if (slope) {
      const du = slope(b, x[i]!, u[i]!);
      yd += yc[i]! * du;
      ud += d * du;
    }
  }
  const alpha = uu > 0 ? uy / uu : 0;
  const sse = Math.max(yy - alpha * uy, 0);
  // At the optimal α and γ their own derivatives vanish (variable projection), so dSSE/dt is the partial
  // derivative through u alone: −2α Σ rᵢ u'ᵢ with rᵢ = ycᵢ − α(uᵢ − ū).
  const dsse = -2 * alpha * (yd - alpha * ud);
  return {
    alpha,
    gamma: yMean - alpha * uMean,
    sse: Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY,
    slope: Number.isFinite(dsse) ? dsse : 0,
  };
}

interface Projection {
  alpha: number;
  gamma: number;
  sse: number;
  /** dSSE/dt (0 without a slope function). */
  slope: number;
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
  // Every projection computed, by t: the secant search reads their slopes, finish() the best one's α, γ.
  const seen = new Map<number, Projection>();
  const f = (t: number) => {
    evaluations++;
    const p = project(curve, bOf(t), x, yc, yy, yMean, u);
    seen.set(t, p);
    return p.sse;
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
  if (curve.slope) {
    const budget = () => evaluations < maxfev;
    return finish(secantMinimum(f, (t) => seen.get(t)?.slope ?? 0, lo, hi, mid, fMid, xtol, budget));
  }

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
    let fit = seen.get(t);
    if (!fit) {
      evaluations++;
      fit = project(curve, b, x, yc, yy, yMean, u);
    }
    return { b, alpha: fit.alpha, gamma: fit.gamma, sse: fit.sse, evaluations };
  }
}

/**
 * The minimum of f on [lo, hi] from its best point x, using the derivative g (Brent's method with
 * derivatives, as in Numerical Recipes' dbrent, with one secant candidate): a secant step on g when it
 * lands inside the bracket, goes downhill and is under half the step before last; otherwise bisection of
 * the downhill half. Stops when the next step would be below tol, when the bracket is within about
 * 4·tol around x (Brent's criterion), or when the downhill side is already closed to within tol. Accepted
 * secant steps shrink geometrically and bisections halve the bracket, so the search always ends.
 */
function secantMinimum(
  f: (t: number) => number,
  g: (t: number) => number,
  lo: number,
  hi: number,
  x: number,
  fx: number,
  tol: number,
  budget: () => boolean,
): number {
  let gx = g(x);
  let w = Number.NaN;
  let gw = 0;
  let last = hi - lo;
  let beforeLast = hi - lo;
  while (budget() && gx !== 0) {
    if (Math.abs(x - 0.5 * (lo + hi)) <= 2 * tol - 0.5 * (hi - lo)) break;
    // The derivative points to a side already closed within tol (a step there went uphill): near the
    // minimum g is rounding noise, and x is the minimum to within tol on both sides.
    if ((gx > 0 ? x - lo : hi - x) <= tol) break;
    let d = gx > 0 ? 0.5 * (lo - x) : 0.5 * (hi - x);
    if (Number.isFinite(w) && gw !== gx) {
      const secant = (-gx * (x - w)) / (gx - gw);
      const t = x + secant;
      if (t > lo && t < hi && secant * gx < 0 && Math.abs(secant) < 0.5 * Math.abs(beforeLast)) d = secant;
    }
    beforeLast = last;
    last = d;
    // The next step is below tol (MINPACK's xtol: the relative change in b): converged. Probing at x ± tol
    // instead could walk along a plateau where rounding makes the sum of squares flat.
    if (Math.abs(d) < tol) break;
    const t = x + d;
    const ft = f(t);
    const gt = g(t);
    if (ft <= fx) {
      if (t >= x) lo = x;
      else hi = x;
      w = x;
      gw = gx;
      x = t;
      fx = ft;
      gx = gt;
    } else {
      if (t < x) lo = t;
      else hi = t;
      w = t;
      gw = gt;
    }
  }
  return x;
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
