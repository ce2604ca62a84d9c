/**
 * The simple predictors of RPS (Dinda & O'Hallaron, "Host load prediction using linear models", Cluster
 * Computing 2000), expressed as linear models so that they share the streaming predictor and the psi-weight
 * variances:
 * - MEAN: the long-term mean of the fit data, `x_t = μ + e_t`.
 * - LAST: the last observation, a random walk `x_t = x_{t-1} + e_t` (ARIMA(0,1,0)).
 * - BM(p): the mean of the last m ≤ p observations, m chosen to minimise the one-step error on the fit data;
 *   the AR(m) model with all coefficients 1/m.
 */
import type { LinearDefinition } from "./definition.js";
import { requireSamples } from "./require.js";
import { mean, variance } from "./stats.js";

/** MEAN: μ and σ² = the sample variance. */
export function fitMean(x: ArrayLike<number>): LinearDefinition {
  requireSamples("mean", x.length, 2);
  return { kind: "linear", spec: "mean", method: "mean", mean: mean(x), ar: [], d: 0, ma: [], sigma2: variance(x) };
}

/** LAST: σ² = the mean squared first difference. */
export function fitLast(x: ArrayLike<number>): LinearDefinition {
  requireSamples("last", x.length, 2);
  let s = 0;
  for (let t = 1; t < x.length; t++) {
    const dx = x[t]! - x[t - 1]!;
    s += dx * dx;
  }
  return { kind: "linear", spec: "last", method: "last", mean: 0, ar: [], d: 1, ma: [], sigma2: s / (x.length - 1) };
}

/**
 * BM(p): tries every window m = 1..p on the same fit range (t = p..n-1) and keeps the one with the least mean
 * squared one-step error (ties go to the shorter window). O(n p) with prefix sums.
 */
export function fitBestMean(x: ArrayLike<number>, p: number): LinearDefinition {
  const n = x.length;
  requireSamples(`bm:${p}`, n, p + 2);
  const prefix = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t]! + x[t]!;
  let bestM = 1;
  let bestMse = Infinity;
  for (let m = 1; m <= p; m++) {
    let s = 0;
    for (let t = p; t < n; t++) {
      const e = x[t]! - (prefix[t]! - prefix[t - m]!) / m;
      s += e * e;
    }
    const mse = s / (n - p);
    if (mse < bestMse) {
      bestMse = mse;
      bestM = m;
    }
  }
  return {
    kind: "linear",
    spec: `bm:${p}`,
    method: "best-mean",
    mean: mean(x),
    ar: Array.from({ length: bestM }, () => 1 / bestM),
    d: 0,
    ma: [],
    sigma2: bestMse,
  };
}
