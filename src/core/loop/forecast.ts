/**
 * The loop's "predict" step: every VM pair's rate history (Mbit/s per interval), and the demand the solver
 * should plan for, forecast with an RPS-style predictor (Dinda & O'Hallaron, CMU-CS-99-138): the mean of the
 * next `aheadIntervals` forecasts plus `z` standard errors (z = 0: the expected rate; z > 0: provision for
 * bursts). Pairs with too short a history, or a model that cannot be fitted, keep the smoothed rate.
 */
import { createPredictor, estimate, prime } from "../predict/predictor.js";
import { parseSpec, type ModelSpec } from "../predict/spec.js";

export interface ForecastOptions {
  /** Model spec, e.g. `ar:4`, `last`, `arima:1,1,1` (the predict grammar). */
  readonly model: string;
  readonly aheadIntervals: number;
  readonly historyIntervals: number;
  /** Fewest intervals of history before the model is used. */
  readonly minHistory: number;
  /** Standard errors added to the mean forecast. */
  readonly z: number;
}

/** Per-pair rate histories in ring buffers, over a growing VM index space. */
export class RateHistory {
  private readonly spec: ModelSpec;
  private readonly series = new Map<number, Float64Array>();
  private n = 0;
  private count = 0;

  constructor(readonly options: ForecastOptions) {
    this.spec = parseSpec(options.model);
  }

  /** Appends one interval's rate matrix (n × n, row-major, Mbit/s). */
  push(rates: Float64Array, n: number): void {
    const cap = this.options.historyIntervals;
    if (n !== this.n) {
      // Re-key existing series (i * n + j) for the larger matrix.
      const old = [...this.series];
      this.series.clear();
      for (const [k, s] of old) this.series.set(Math.floor(k / this.n) * n + (k % this.n), s);
      this.n = n;
    }
    const slot = this.count % cap;
    for (let k = 0; k < rates.length; k++) {
      const r = rates[k]!;
      let s = this.series.get(k);
      if (s === undefined) {
        if (r === 0) continue;
        s = new Float64Array(cap);
        this.series.set(k, s);
      }
      s[slot] = r;
    }
    this.count++;
  }

  /** The pair's history, oldest first (zeros before it was first seen). */
  history(i: number, j: number): Float64Array {
    const cap = this.options.historyIntervals;
    const len = Math.min(this.count, cap);
    const s = this.series.get(i * this.n + j);
    const out = new Float64Array(len);
    if (s === undefined) return out;
    for (let t = 0; t < len; t++) out[t] = s[(this.count - len + t) % cap]!;
    return out;
  }

  /** The rate to plan for on pair (i, j); `fallback` when the history is short or the model fails. */
  forecast(i: number, j: number, fallback: number): number {
    const o = this.options;
    const h = this.history(i, j);
    if (h.length < o.minHistory) return fallback;
    try {
      const p = createPredictor(estimate(this.spec, h));
      prime(p, h);
      const f = p.predict(o.aheadIntervals);
      let mean = 0;
      let variance = 0;
      for (let k = 0; k < f.values.length; k++) {
        mean += f.values[k]!;
        variance += f.variances[k]!;
      }
      mean /= f.values.length;
      variance /= f.values.length;
      const v = mean + o.z * Math.sqrt(Math.max(0, variance));
      return Number.isFinite(v) ? Math.max(0, v) : fallback;
    } catch {
      return fallback;
    }
  }
}
