/**
 * ARIMA(p, d, q) (Box & Jenkins): ARMA(p, q) by conditional sum of squares on the d-times differenced series,
 * with no drift for d > 0 (as statsmodels' ARIMA default), mean-adjusted for d = 0. One of the RPS model family
 * (Dinda & O'Hallaron, CMU-CS-99-138). Forecasts integrate back through `Φ(B) = φ(B)(1 - B)^d` in the predictor.
 */
import { fitArma } from "./arma.js";
import type { LinearDefinition } from "./definition.js";
import { requireSamples } from "./require.js";
import { difference, mean } from "./stats.js";

/** Fits ARIMA(p, d, q) by CSS on the d-times differenced series (see the module comment). */
export function fitArima(x: ArrayLike<number>, p: number, d: number, q: number): LinearDefinition {
  const spec = `arima:${p},${d},${q}`;
  requireSamples(spec, x.length, d + 2);
  const w = difference(x, d);
  if (p === 0 && q === 0) {
    const mu = d === 0 ? mean(w) : 0;
    let s = 0;
    for (let t = 0; t < w.length; t++) s += (w[t]! - mu) * (w[t]! - mu);
    return { kind: "linear", spec, method: "css", mean: mu, ar: [], d, ma: [], sigma2: s / w.length };
  }
  const fit = fitArma(w, p, q, { demean: d === 0, label: spec });
  return { kind: "linear", spec, method: "css", mean: fit.mean, ar: Array.from(fit.phi), d, ma: Array.from(fit.theta), sigma2: fit.sigma2 };
}
