/**
 * MA(q) and ARMA(p, q) by conditional sum of squares (Box & Jenkins, §7.1), the estimator RPS offers for its MA
 * and ARMA models (Dinda & O'Hallaron, CMU-CS-99-138). Start: Hannan-Rissanen (a long AR fit gives innovation
 * estimates, then least squares on lagged values and lagged innovations). Then Levenberg-Marquardt on the
 * conditional residuals `e_t = z_t - Σ φ_i z_{t-i} - Σ θ_j e_{t-j}` (t ≥ p, pre-sample innovations 0), with
 * analytic derivatives by the same recursion, keeping the AR part stationary and the MA part invertible.
 */
import { isInvertible, isStationary } from "./levinson.js";
import { leastSquares } from "./ols.js";
import { requireSamples } from "./require.js";
import { mean } from "./stats.js";
import { fitYuleWalker } from "./yule-walker.js";

/** An ARMA(p, q) estimate: `φ(B)(x_t - μ) = θ(B) e_t`. */
export interface ArmaEstimate {
  readonly mean: number;
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  /** CSS / (n - p). */
  readonly sigma2: number;
  /** The conditional sum of squares reached. */
  readonly css: number;
  readonly iterations: number;
}

/** Options of {@link fitArma}. */
export interface ArmaOptions {
  /** Subtract the sample mean first (default true); false fits a zero-mean model (differenced series). */
  readonly demean?: boolean;
  /** Spec for error messages. */
  readonly label?: string;
  /** Iteration cap of the Levenberg-Marquardt loop (default 200). */
  readonly maxIterations?: number;
}

/** The AR part must be stationary: every reflection coefficient |κ| ≤ 1 - AR_MARGIN. */
const AR_MARGIN = 1e-6;
/**
 * The MA part must be invertible with |κ| ≤ 1 - MA_MARGIN: near the boundary the conditional residuals forget
 * the zero pre-sample innovations only very slowly, CSS is unreliable there (Box & Jenkins, §7.1.5), and on real
 * series (an over-parameterised ARMA(4,4), an over-differenced ARIMA) the unconstrained fit parks on the
 * boundary and forecasts out of sample far worse than smaller models (see docs/prediction.md).
 */
const MA_MARGIN = 0.05;

/** Conditional residuals into `e`; returns their sum of squares (Infinity if it overflows). */
export function cssResiduals(z: Float64Array, phi: ArrayLike<number>, theta: ArrayLike<number>, e: Float64Array): number {
  const n = z.length;
  const p = phi.length;
  const q = theta.length;
  let css = 0;
  e.fill(0, 0, Math.min(p, n));
  for (let t = p; t < n; t++) {
    let v = z[t]!;
    for (let i = 1; i <= p; i++) v -= phi[i - 1]! * z[t - i]!;
    for (let j = 1; j <= q && t - j >= p; j++) v -= theta[j - 1]! * e[t - j]!;
    e[t] = v;
    css += v * v;
  }
  return Number.isFinite(css) ? css : Infinity;
}

function stable(params: Float64Array, p: number): boolean {
  return isStationary(params.subarray(0, p), AR_MARGIN) && isInvertible(params.subarray(p), MA_MARGIN);
}

/** Hannan-Rissanen starting values (shrunk toward zero until stationary and invertible). */
function hannanRissanen(z: Float64Array, p: number, q: number): Float64Array {
  const n = z.length;
  const k = p + q;
  const start = new Float64Array(k);
  const m = Math.min(Math.max(p + q + 5, Math.round(10 * Math.log10(n))), Math.floor((n - 1) / 3));
  const first = m + Math.max(p, q);
  const rows = n - first;
  if (m < 1 || rows < 2 * k + 2) return start;
  const long = fitYuleWalker(z, m);
  const eh = new Float64Array(n);
  for (let t = m; t < n; t++) {
    let v = z[t]! - long.mean;
    for (let i = 1; i <= m; i++) v -= long.phi[i - 1]! * (z[t - i]! - long.mean);
    eh[t] = v;
  }
  const x = new Float64Array(rows * k);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = first + r;
    y[r] = z[t]!;
    for (let i = 1; i <= p; i++) x[r * k + i - 1] = z[t - i]!;
    for (let j = 1; j <= q; j++) x[r * k + p + j - 1] = eh[t - j]!;
  }
  const { beta } = leastSquares(x, y, rows, k);
  for (let shrink = 0; shrink < 60; shrink++) {
    if (stable(beta, p)) return beta;
    for (let i = 0; i < k; i++) beta[i]! *= 0.9;
  }
  return start;
}

/** Solves the small symmetric positive definite system A x = b by Cholesky; null if A is not positive definite. */
function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= l[i * k + m]! * l[j * k + m]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / l[j * k + j]!;
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= l[i * k + m]! * y[m]!;
    y[i] = s / l[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let m = i + 1; m < k; m++) s -= l[m * k + i]! * x[m]!;
    x[i] = s / l[i * k + i]!;
  }
  return x;
}

/**
 * Fits ARMA(p, q) (p = 0 for MA(q)) by conditional sum of squares. The estimate is stationary and invertible.
 * O(n (p + q)²) per iteration.
 */
export function fitArma(x: ArrayLike<number>, p: number, q: number, options: ArmaOptions = {}): ArmaEstimate {
  const n = x.length;
  const label = options.label ?? (p === 0 ? `ma:${q}` : `arma:${p},${q}`);
  const k = p + q;
  requireSamples(label, n, Math.max(2 * k + 10, p + 2));
  const mu = options.demean === false ? 0 : mean(x);
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = x[t]! - mu;
  let params = hannanRissanen(z, p, q);
  const e = new Float64Array(n);
  const trial = new Float64Array(n);
  let css = cssResiduals(z, params.subarray(0, p), params.subarray(p), e);
  // Derivatives de_t/dβ_c, column-major: jac[c * n + t].
  const jac = new Float64Array(k * n);
  const jtj = new Float64Array(k * k);
  const jte = new Float64Array(k);
  let lambda = 1e-3;
  let iterations = 0;
  const maxIterations = options.maxIterations ?? 200;
  while (iterations < maxIterations && k > 0) {
    iterations++;
    const phi = params.subarray(0, p);
    const theta = params.subarray(p);
    jac.fill(0);
    for (let t = p; t < n; t++) {
      for (let c = 0; c < k; c++) {
        let v = c < p ? -z[t - c - 1]! : t - (c - p + 1) >= p ? -e[t - (c - p + 1)]! : 0;
        for (let j = 1; j <= q && t - j >= p; j++) v -= theta[j - 1]! * jac[c * n + t - j]!;
        jac[c * n + t] = v;
      }
    }
    for (let a = 0; a < k; a++) {
      let g = 0;
      for (let t = p; t < n; t++) g += jac[a * n + t]! * e[t]!;
      jte[a] = g;
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let t = p; t < n; t++) s += jac[a * n + t]! * jac[b * n + t]!;
        jtj[a * k + b] = s;
        jtj[b * k + a] = s;
      }
    }
    let improved = false;
    let converged = false;
    while (lambda < 1e12) {
      const m = Float64Array.from(jtj);
      for (let a = 0; a < k; a++) m[a * k + a]! += lambda * (jtj[a * k + a]! + 1e-12);
      const rhs = new Float64Array(k);
      for (let a = 0; a < k; a++) rhs[a] = -jte[a]!;
      const step = choleskySolve(m, rhs, k);
      if (step === null) {
        lambda *= 4;
        continue;
      }
      const cand = new Float64Array(k);
      let stepNorm = 0;
      let paramNorm = 0;
      for (let a = 0; a < k; a++) {
        cand[a] = params[a]! + step[a]!;
        stepNorm += step[a]! * step[a]!;
        paramNorm += params[a]! * params[a]!;
      }
      if (stepNorm <= 1e-24 * (paramNorm + 1e-12)) {
        converged = true;
        break;
      }
      if (stable(cand, p)) {
        const c = cssResiduals(z, cand.subarray(0, p), cand.subarray(p), trial);
        if (c <= css) {
          converged = css - c <= 1e-14 * css;
          params = cand;
          css = c;
          e.set(trial);
          lambda = Math.max(lambda / 3, 1e-12);
          improved = true;
          break;
        }
      }
      lambda *= 4;
    }
    if (!improved || converged) break;
  }
  return {
    mean: mu,
    phi: Float64Array.from(params.subarray(0, p)),
    theta: Float64Array.from(params.subarray(p)),
    sigma2: css / Math.max(1, n - p),
    css,
    iterations,
  };
}
