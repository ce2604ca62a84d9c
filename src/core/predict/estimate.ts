/** Estimation of every single-series linear model from its spec (the RPS model family, CMU-CS-99-138). */
import { fitArima } from "./arima.js";
import { fitArma } from "./arma.js";
import { fitBestMean, fitLast, fitMean } from "./baseline.js";
import { fitBurg } from "./burg.js";
import type { LinearDefinition } from "./definition.js";
import { formatSpec, type LinearSpec } from "./spec.js";
import { fitYuleWalker } from "./yule-walker.js";

/** Fits a linear spec to a series. Throws ConfigError when the series is too short for the order. */
export function estimateLinear(spec: LinearSpec, x: ArrayLike<number>): LinearDefinition {
  const text = formatSpec(spec);
  switch (spec.kind) {
    case "mean":
      return fitMean(x);
    case "last":
      return fitLast(x);
    case "bm":
      return fitBestMean(x, spec.p);
    case "ar": {
      const f = spec.method === "burg" ? fitBurg(x, spec.p, text) : fitYuleWalker(x, spec.p, text);
      return { kind: "linear", spec: text, method: spec.method, mean: f.mean, ar: Array.from(f.phi), d: 0, ma: [], sigma2: f.sigma2 };
    }
    case "ma":
    case "arma": {
      const p = spec.kind === "ma" ? 0 : spec.p;
      const f = fitArma(x, p, spec.q, { label: text });
      return { kind: "linear", spec: text, method: "css", mean: f.mean, ar: Array.from(f.phi), d: 0, ma: Array.from(f.theta), sigma2: f.sigma2 };
    }
    case "arima":
      return fitArima(x, spec.p, spec.d, spec.q);
  }
}
