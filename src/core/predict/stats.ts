/**
 * Small numeric helpers on Float64Array shared by the predictors: mean, variance, sample autocovariance,
 * differencing. The conventions follow Box & Jenkins and the estimators of Dinda & O'Hallaron (CMU-CS-99-138).
 */

/** Arithmetic mean (0 for an empty series). */
export function mean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}

/** Population variance (denominator n) about the sample mean; 0 for fewer than 2 samples. */
export function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    s += d * d;
  }
  return s / n;
}

/**
 * Biased sample autocovariances `r[k] = (1/n) Σ_{t=k}^{n-1} (x_t - μ)(x_{t-k} - μ)` for `k = 0..maxLag`, about
 * `mu` (default: the sample mean). The biased (denominator n) estimate keeps the Toeplitz matrix positive
 * semi-definite, so Levinson-Durbin yields a stationary AR model (the `mle` method of statsmodels' yule_walker).
 */
export function autocovariance(x: ArrayLike<number>, maxLag: number, mu: number = mean(x)): Float64Array {
  const n = x.length;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = x[i]! - mu;
  const r = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag && k < n; k++) {
    let s = 0;
    for (let t = k; t < n; t++) s += z[t]! * z[t - k]!;
    r[k] = s / n;
  }
  return r;
}

/** The d-th difference `∇^d x` (length `n - d`). */
export function difference(x: ArrayLike<number>, d: number): Float64Array {
  let cur = Float64Array.from(x);
  for (let k = 0; k < d; k++) {
    const next = new Float64Array(Math.max(0, cur.length - 1));
    for (let i = 0; i < next.length; i++) next[i] = cur[i + 1]! - cur[i]!;
    cur = next;
  }
  return cur;
}

/** Product of two polynomials given by their coefficients in increasing powers of B (`[c0, c1, c2, ...]`). */
export function polyMultiply(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j]! += a[i]! * b[j]!;
  return out;
}
