import { levinsonDurbin } from "./levinson.js";
import { requireSamples } from "./require.js";
import { autocovariance, mean } from "./stats.js";

/** An AR(p) estimate: `x_t - μ = Σ φ_i (x_{t-i} - μ) + e_t`, `Var e_t = σ²`. */
export interface ArEstimate {
  readonly mean: number;
  readonly phi: Float64Array;
  readonly sigma2: number;
}

/**
 * AR(p) by the Yule-Walker equations on the biased sample autocovariances, solved by Levinson-Durbin: the AR fit
 * of RPS (Dinda & O'Hallaron, "An extensible toolkit for resource prediction in distributed systems",
 * CMU-CS-99-138; "Host load prediction using linear models", Cluster Computing 2000). Equals statsmodels'
 * `yule_walker(x, order=p, method='mle')` (σ² = its `sigma**2`). Always stationary. O(n p).
 */
export function fitYuleWalker(x: ArrayLike<number>, p: number, label = `ar:${p}`): ArEstimate {
  requireSamples(label, x.length, p + 1);
  const mu = mean(x);
  const r = autocovariance(x, p, mu);
  const { phi, sigma2 } = levinsonDurbin(r, p);
  return { mean: mu, phi, sigma2 };
}
