import { arFromReflection } from "./levinson.js";
import { requireSamples } from "./require.js";
import { mean } from "./stats.js";
import type { ArEstimate } from "./yule-walker.js";

/**
 * AR(p) by Burg's maximum-entropy method (Burg 1968): each reflection coefficient minimises the sum of forward and
 * backward prediction error energies, so the fit is stationary and, unlike Yule-Walker, not biased toward zero on
 * short series. One of the AR fits of RPS (Dinda & O'Hallaron, CMU-CS-99-138). Matches statsmodels'
 * `burg(x, order=p)` (demeaned; σ² = (1 - κ_p²) D_p / (2 (n - p)), D_p the order-p error energy). O(n p).
 */
export function fitBurg(x: ArrayLike<number>, p: number, label = `ar-burg:${p}`): ArEstimate {
  const n = x.length;
  requireSamples(label, n, p + 2);
  const mu = mean(x);
  const f = new Float64Array(n);
  const b = new Float64Array(n);
  for (let t = 0; t < n; t++) f[t] = b[t] = x[t]! - mu;
  const reflection = new Float64Array(p);
  let sigma2 = 0;
  for (let m = 1; m <= p; m++) {
    let num = 0;
    let den = 0;
    for (let t = m; t < n; t++) {
      const ft = f[t]!;
      const bt = b[t - 1]!;
      num += ft * bt;
      den += ft * ft + bt * bt;
    }
    const k = den > 0 ? (2 * num) / den : 0;
    reflection[m - 1] = k;
    // Update in place from the end so that b[t - 1] still holds the order m-1 backward error.
    for (let t = n - 1; t >= m; t--) {
      const ft = f[t]!;
      const bt = b[t - 1]!;
      f[t] = ft - k * bt;
      b[t] = bt - k * ft;
    }
    sigma2 = ((1 - k * k) * den) / (2 * (n - m));
  }
  return { mean: mu, phi: arFromReflection(reflection), sigma2 };
}
