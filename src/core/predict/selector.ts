/**
 * Adaptive choice of forecaster after the Network Weather Service (Wolski, "Dynamically forecasting network
 * performance using the Network Weather Service", Cluster Computing 1998; Wolski, Spring & Hayes, FGCS 1999):
 * run every candidate model side by side, score each one's past forecasts on a rolling window of the last W
 * errors per lead time (MSE or MAE), and forecast each lead with the candidate that currently scores best there.
 * The error estimate reported with a forecast is the chosen candidate's rolling MSE at that lead (as NWS reports
 * its forecast error), or the model's own variance until that candidate has been scored.
 */
import { ConfigError } from "../errors.js";
import type { SelectorDefinition, SingleDefinition } from "./definition.js";
import type { Forecast, Predictor } from "./predictor.js";

/** How candidates are ranked: rolling mean squared or mean absolute error (NWS used both). */
export type Criterion = "mse" | "mae";

/** Rolling (windowed) squared and absolute errors per (candidate, lead). */
export class RollingErrors {
  readonly candidates: number;
  readonly horizon: number;
  readonly window: number;
  private readonly sq: Float64Array;
  private readonly abs: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly sumAbs: Float64Array;
  private readonly counts: Float64Array;

  constructor(candidates: number, horizon: number, window: number) {
    if (!Number.isInteger(window) || window < 1) throw new ConfigError("selector", [`window must be a positive integer, got ${window}`]);
    if (!Number.isInteger(horizon) || horizon < 1) throw new ConfigError("selector", [`horizon must be a positive integer, got ${horizon}`]);
    this.candidates = candidates;
    this.horizon = horizon;
    this.window = window;
    const cells = candidates * horizon;
    this.sq = new Float64Array(cells * window);
    this.abs = new Float64Array(cells * window);
    this.sumSq = new Float64Array(cells);
    this.sumAbs = new Float64Array(cells);
    this.counts = new Float64Array(cells);
  }

  /** Records candidate i's error at lead h (1-based). */
  add(i: number, h: number, error: number): void {
    const cell = i * this.horizon + (h - 1);
    const n = this.counts[cell]!;
    const slot = cell * this.window + (n % this.window);
    const e2 = error * error;
    const ea = Math.abs(error);
    if (n >= this.window) {
      this.sumSq[cell]! -= this.sq[slot]!;
      this.sumAbs[cell]! -= this.abs[slot]!;
    }
    this.sq[slot] = e2;
    this.abs[slot] = ea;
    this.counts[cell] = n + 1;
    if ((n + 1) % this.window === 0) {
      // Re-add the window from scratch once per wrap so that rounding does not accumulate.
      let s2 = 0;
      let s1 = 0;
      for (let k = 0; k < this.window; k++) {
        s2 += this.sq[cell * this.window + k]!;
        s1 += this.abs[cell * this.window + k]!;
      }
      this.sumSq[cell] = s2;
      this.sumAbs[cell] = s1;
    } else {
      this.sumSq[cell]! += e2;
      this.sumAbs[cell]! += ea;
    }
  }

  /** Errors in the window of (i, h). */
  count(i: number, h: number): number {
    return Math.min(this.counts[i * this.horizon + h - 1]!, this.window);
  }

  /** Rolling mean squared error of (i, h); NaN before any. */
  mse(i: number, h: number): number {
    const n = this.count(i, h);
    return n === 0 ? Number.NaN : Math.max(0, this.sumSq[i * this.horizon + h - 1]!) / n;
  }

  /** Rolling mean absolute error of (i, h); NaN before any. */
  mae(i: number, h: number): number {
    const n = this.count(i, h);
    return n === 0 ? Number.NaN : Math.max(0, this.sumAbs[i * this.horizon + h - 1]!) / n;
  }

  /** The candidate with the least rolling error at lead h (ties and unscored: the earliest listed). */
  best(h: number, criterion: Criterion): number {
    let best = 0;
    let bestScore = Infinity;
    for (let i = 0; i < this.candidates; i++) {
      const s = criterion === "mse" ? this.mse(i, h) : this.mae(i, h);
      if (s < bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return best;
  }
}

/** Options of the NWS {@link Selector}. */
export interface SelectorOptions {
  readonly criterion: Criterion;
  /** Errors kept per (candidate, lead). */
  readonly window: number;
  /** The longest lead time forecast and scored. */
  readonly horizon: number;
}

/**
 * The NWS-style selector as a {@link Predictor}. Give it primed candidates; every step it scores the forecasts
 * each candidate made for this observation, steps them all, and has each forecast the next `horizon` values
 * (ARX candidates hold their last inputs here).
 */
export class Selector implements Predictor {
  readonly definition: SelectorDefinition;
  readonly inputCount: number;
  readonly candidates: readonly Predictor[];
  readonly errors: RollingErrors;
  private readonly criterion: Criterion;
  private readonly horizon: number;
  /** Forecasts issued at step s, slot s mod H: values[(slot * N + i) * H + h - 1]. */
  private readonly issuedValues: Float64Array;
  private readonly issuedVariances: Float64Array;
  private steps = 0;
  private error = 0;
  private ownForecast: Forecast;

  constructor(candidates: readonly Predictor[], options: SelectorOptions) {
    if (candidates.length === 0) throw new ConfigError("selector", ["needs at least one candidate model"]);
    const defs: SingleDefinition[] = candidates.map((c) => {
      if (c.definition.kind === "selector") throw new ConfigError("selector", ["a candidate cannot itself be a selector"]);
      return c.definition;
    });
    const inputs = candidates.reduce((m, c) => Math.max(m, c.inputCount), 0);
    for (const c of candidates) {
      if (c.inputCount !== 0 && c.inputCount !== inputs) throw new ConfigError("selector", ["candidates take different numbers of inputs"]);
    }
    this.inputCount = inputs;
    this.candidates = candidates;
    this.criterion = options.criterion;
    this.horizon = options.horizon;
    this.errors = new RollingErrors(candidates.length, options.horizon, options.window);
    this.definition = { kind: "selector", spec: "nws", criterion: options.criterion, window: options.window, horizon: options.horizon, candidates: defs };
    const cells = options.horizon * candidates.length * options.horizon;
    this.issuedValues = new Float64Array(cells);
    this.issuedVariances = new Float64Array(cells);
    this.issue();
    this.ownForecast = this.predict(1);
  }

  get lastError(): number {
    return this.error;
  }

  /** Candidate i's latest forecast for leads 1..horizon. */
  forecastOf(i: number): Forecast {
    const n = this.candidates.length;
    const h = this.horizon;
    const base = ((this.steps % h) * n + i) * h;
    return { values: this.issuedValues.slice(base, base + h), variances: this.issuedVariances.slice(base, base + h) };
  }

  private issue(): void {
    const n = this.candidates.length;
    const h = this.horizon;
    const slot = this.steps % h;
    this.candidates.forEach((c, i) => {
      const f = c.predict(h);
      this.issuedValues.set(f.values, (slot * n + i) * h);
      this.issuedVariances.set(f.variances, (slot * n + i) * h);
    });
  }

  step(observation: number, inputs?: ArrayLike<number>): void {
    const n = this.candidates.length;
    const hMax = this.horizon;
    this.error = observation - this.ownForecast.values[0]!;
    // This observation is lead h of the forecasts issued h - 1 steps ago.
    for (let h = 1; h <= hMax && h - 1 <= this.steps; h++) {
      const slot = (this.steps - (h - 1)) % hMax;
      for (let i = 0; i < n; i++) this.errors.add(i, h, observation - this.issuedValues[(slot * n + i) * hMax + h - 1]!);
    }
    for (const c of this.candidates) {
      if (c.inputCount > 0) c.step(observation, inputs);
      else c.step(observation);
    }
    this.steps++;
    this.issue();
    this.ownForecast = this.predict(1);
  }

  /** The candidate currently chosen for each lead 1..k. */
  choices(k: number): number[] {
    return Array.from({ length: k }, (_, j) => this.errors.best(j + 1, this.criterion));
  }

  /**
   * Forecasts leads 1..k (k ≤ horizon), each from the candidate scoring best at that lead. With future inputs,
   * ARX candidates forecast again using them.
   */
  predict(k: number, futureInputs?: ReadonlyArray<ArrayLike<number>>): Forecast {
    if (k > this.horizon) throw new ConfigError("selector", [`cannot forecast ${k} steps ahead: its horizon is ${this.horizon}`]);
    const values = new Float64Array(Math.max(0, k));
    const variances = new Float64Array(Math.max(0, k));
    const n = this.candidates.length;
    const hMax = this.horizon;
    const slot = this.steps % hMax;
    const fresh = new Map<number, Forecast>();
    for (let h = 1; h <= k; h++) {
      const i = this.errors.best(h, this.criterion);
      const c = this.candidates[i]!;
      if (futureInputs !== undefined && c.inputCount > 0) {
        let f = fresh.get(i);
        if (f === undefined) {
          f = c.predict(k, futureInputs);
          fresh.set(i, f);
        }
        values[h - 1] = f.values[h - 1]!;
      } else values[h - 1] = this.issuedValues[(slot * n + i) * hMax + h - 1]!;
      const rolling = this.errors.mse(i, h);
      variances[h - 1] = Number.isNaN(rolling) ? this.issuedVariances[(slot * n + i) * hMax + h - 1]! : rolling;
    }
    return { values, variances };
  }
}
