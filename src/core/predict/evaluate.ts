/**
 * Out-of-sample evaluation of predictors, after Dinda & O'Hallaron ("Host load prediction using linear models",
 * Cluster Computing 2000): fit every candidate on the first part of a series, then stream the rest, forecasting
 * 1..H steps ahead before each observation, and report per lead time the mean squared and absolute error and the
 * ratio MSE / variance of the test series (below 1 means better than predicting the mean of the future).
 * An NWS-style selector (Wolski, Cluster Computing 1998) over the same candidates is scored alongside, picking
 * per lead the candidate with the least rolling error so far (no look-ahead).
 */
import { ConfigError, VadaptError } from "../errors.js";
import { fitPredictor, type Predictor } from "./predictor.js";
import { RefittingPredictor, type RefitPolicy } from "./refit.js";
import { RollingErrors, type Criterion } from "./selector.js";
import { formatSpec, type ModelSpec } from "./spec.js";
import { variance } from "./stats.js";

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Lead times to score (positive integers). */
  readonly leads: readonly number[];
  /** Fraction of the series used to fit (default 0.5). */
  readonly trainFraction?: number;
  /** Exogenous input series for ARX candidates, as long as the series. Their future values are given to ARX
   * forecasts (the traffic a plan will put on a link is known when the plan is evaluated). */
  readonly inputs?: readonly ArrayLike<number>[];
  /** The selector's ranking (default mse over a window of 100); null for none. */
  readonly selector?: { readonly criterion: Criterion; readonly window: number } | null;
  /** Refit candidates while streaming the test part (default none). */
  readonly refit?: RefitPolicy;
}

/** Scores at one lead time. */
export interface LeadScore {
  readonly lead: number;
  /** Forecasts scored. */
  readonly n: number;
  readonly mse: number;
  readonly mae: number;
  /** MSE / variance of the test series. */
  readonly ratio: number;
  /** Mean of the error variances the model predicted (compare with mse for calibration). */
  readonly predictedVariance: number;
}

/** One model's out-of-sample scores (Dinda & O'Hallaron's methodology). */
export interface ModelScore {
  readonly name: string;
  /** Why the model could not be fitted (e.g. too few samples for its order); its leads are then empty. */
  readonly error?: string;
  readonly leads: readonly LeadScore[];
}

/** The NWS selector's scores and choices (Wolski, Cluster Computing 1998). */
export interface SelectorScore extends ModelScore {
  /** Per lead: how many times each candidate was chosen. */
  readonly picks: ReadonlyArray<{ readonly lead: number; readonly counts: Readonly<Record<string, number>> }>;
}

/** What {@link evaluate} returns: the split, the test variance, every model's and the selector's scores. */
export interface Evaluation {
  readonly samples: number;
  readonly train: number;
  readonly test: number;
  /** Variance of the test part (the MSE of a perfect-mean oracle). */
  readonly variance: number;
  readonly models: readonly ModelScore[];
  readonly selector: SelectorScore | null;
}

class Accumulator {
  readonly sq: Float64Array;
  readonly abs: Float64Array;
  readonly pv: Float64Array;
  readonly n: Float64Array;
  constructor(leads: number) {
    this.sq = new Float64Array(leads);
    this.abs = new Float64Array(leads);
    this.pv = new Float64Array(leads);
    this.n = new Float64Array(leads);
  }
  add(k: number, error: number, predictedVariance: number): void {
    this.sq[k]! += error * error;
    this.abs[k]! += Math.abs(error);
    this.pv[k]! += predictedVariance;
    this.n[k]!++;
  }
  scores(leads: readonly number[], v: number): LeadScore[] {
    return leads.map((lead, k) => {
      const n = this.n[k]!;
      const mse = n > 0 ? this.sq[k]! / n : Number.NaN;
      return { lead, n, mse, mae: n > 0 ? this.abs[k]! / n : Number.NaN, ratio: v > 0 ? mse / v : Number.NaN, predictedVariance: n > 0 ? this.pv[k]! / n : Number.NaN };
    });
  }
}

/** Fits each spec on the training part and scores it (and the selector over those that fit) on the rest. */
export function evaluate(series: ArrayLike<number>, specs: readonly ModelSpec[], options: EvaluateOptions): Evaluation {
  const leads = [...new Set(options.leads)].sort((a, b) => a - b);
  if (leads.length === 0 || leads.some((h) => !Number.isInteger(h) || h < 1)) throw new ConfigError("evaluate", ["lead times must be positive integers"]);
  const frac = options.trainFraction ?? 0.5;
  if (!(frac > 0 && frac < 1)) throw new ConfigError("evaluate", [`train fraction must be in (0, 1), got ${frac}`]);
  const n = series.length;
  const train = Math.floor(n * frac);
  const inputs = options.inputs ?? [];
  inputs.forEach((u, m) => {
    if (u.length !== n) throw new ConfigError("evaluate", [`input ${m + 1} has ${u.length} samples, the series ${n}`]);
  });
  const hMax = leads[leads.length - 1]!;
  const all = Float64Array.from(series);
  const trainX = all.slice(0, train);
  const trainU = inputs.map((u) => Float64Array.from(u).subarray(0, train));
  const testVar = variance(all.subarray(train));

  const names = specs.map(formatSpec);
  const fitted: Array<{ index: number; predictor: Predictor }> = [];
  const errors = new Map<number, string>();
  specs.forEach((spec, index) => {
    try {
      const policy = options.refit ?? { kind: "none" };
      const predictor = policy.kind === "none" ? fitPredictor(spec, trainX, spec.kind === "arx" ? trainU : []) : new RefittingPredictor(spec, trainX, policy, spec.kind === "arx" ? trainU : []);
      fitted.push({ index, predictor });
    } catch (e) {
      if (!(e instanceof VadaptError) || e.code !== "E_BAD_CONFIG") throw e;
      errors.set(index, e.message);
    }
  });

  const k = fitted.length;
  const acc = fitted.map(() => new Accumulator(leads.length));
  const selAcc = new Accumulator(leads.length);
  const useSelector = options.selector !== null && k > 0;
  const criterion = options.selector?.criterion ?? "mse";
  const rolling = new RollingErrors(Math.max(1, k), hMax, options.selector?.window ?? 100);
  const picks = leads.map(() => new Float64Array(k));
  // Forecasts issued at iteration s live in slot s mod H: values[(slot * k + i) * H + h - 1].
  const issuedV = new Float64Array(hMax * k * hMax);
  const issuedP = new Float64Array(hMax * k * hMax);
  // The selector's choice and its error estimate per (slot, lead index).
  const chosen = new Int32Array(hMax * leads.length);
  const chosenVar = new Float64Array(hMax * leads.length);
  const future = inputs.map(() => new Float64Array(hMax));
  const u = new Float64Array(inputs.length);

  for (let t = train; t < n; t++) {
    const slot = t % hMax;
    // Issue forecasts for x[t .. t + H - 1] from data up to t - 1.
    for (let m = 0; m < inputs.length; m++) {
      const src = inputs[m]!;
      for (let h = 0; h < hMax; h++) future[m]![h] = src[Math.min(n - 1, t + h)]!;
    }
    fitted.forEach(({ predictor }, i) => {
      const f = predictor.inputCount > 0 ? predictor.predict(hMax, future) : predictor.predict(hMax);
      issuedV.set(f.values, (slot * k + i) * hMax);
      issuedP.set(f.variances, (slot * k + i) * hMax);
    });
    if (useSelector) {
      leads.forEach((h, li) => {
        const best = rolling.best(h, criterion);
        const r = rolling.mse(best, h);
        chosen[slot * leads.length + li] = best;
        chosenVar[slot * leads.length + li] = Number.isNaN(r) ? issuedP[(slot * k + best) * hMax + h - 1]! : r;
        picks[li]![best]!++;
      });
    }
    // Score x[t]: lead h of the forecasts issued at s = t - h + 1 (issued after training only).
    const x = series[t]!;
    leads.forEach((h, li) => {
      const s = t - h + 1;
      if (s < train) return;
      const sSlot = s % hMax;
      for (let i = 0; i < k; i++) {
        const cell = (sSlot * k + i) * hMax + h - 1;
        const err = x - issuedV[cell]!;
        acc[i]!.add(li, err, issuedP[cell]!);
        if (useSelector) rolling.add(i, h, err);
      }
      if (useSelector) {
        const i = chosen[sSlot * leads.length + li]!;
        selAcc.add(li, x - issuedV[(sSlot * k + i) * hMax + h - 1]!, chosenVar[sSlot * leads.length + li]!);
      }
    });
    for (let m = 0; m < inputs.length; m++) u[m] = inputs[m]![t]!;
    for (const { predictor } of fitted) {
      if (predictor.inputCount > 0) predictor.step(x, u);
      else predictor.step(x);
    }
  }

  const models: ModelScore[] = names.map((name, index) => {
    const err = errors.get(index);
    if (err !== undefined) return { name, error: err, leads: [] };
    const i = fitted.findIndex((f) => f.index === index);
    return { name, leads: acc[i]!.scores(leads, testVar) };
  });
  const selector: SelectorScore | null = useSelector
    ? {
        name: `nws(${criterion},${rolling.window})`,
        leads: selAcc.scores(leads, testVar),
        picks: leads.map((lead, li) => {
          const counts: Record<string, number> = {};
          fitted.forEach(({ index }, i) => {
            if (picks[li]![i]! > 0) counts[names[index]!] = picks[li]![i]!;
          });
          return { lead, counts };
        }),
      }
    : null;
  return { samples: n, train, test: n - train, variance: testVar, models, selector };
}
