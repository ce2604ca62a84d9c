/**
 * Refit policies for long-running prediction, as RPS's refitting and "managed" predictors (Dinda & O'Hallaron,
 * CMU-CS-99-138): a model fitted once goes stale as the signal's behaviour changes, so
 * - `every:R[:W]` refits on the last W observations every R steps;
 * - `managed:B[:W[:E]]` refits on the last W observations when the mean squared one-step error over the last E
 *   steps exceeds B times the error variance the model predicted for itself (its fit no longer describes the
 *   signal). W defaults to the length of the initial history, E to 32.
 * A refit that cannot be done (too few samples in the window) keeps the current model.
 */
import { ConfigError, VadaptError } from "../errors.js";
import type { ModelDefinition } from "./definition.js";
import { fitPredictor, type Forecast, type Predictor } from "./predictor.js";
import type { ModelSpec } from "./spec.js";

/** When to refit (RPS's refitting and managed predictors, CMU-CS-99-138). */
export type RefitPolicy =
  | { readonly kind: "none" }
  | { readonly kind: "every"; readonly interval: number; readonly window?: number }
  | { readonly kind: "managed"; readonly bound: number; readonly window?: number; readonly errorWindow?: number };

/** The policy grammar, for messages and --help. */
export const REFIT_GRAMMAR = "none | every:R[:W] | managed:B[:W[:E]]";

/** Parses `none`, `every:R[:W]` or `managed:B[:W[:E]]`. */
export function parseRefitPolicy(text: string): RefitPolicy {
  const parts = text.trim().toLowerCase().split(":");
  const bad = (why: string): never => {
    throw new ConfigError(`refit policy '${text}'`, [`${why}; expected ${REFIT_GRAMMAR}`]);
  };
  const posInt = (s: string | undefined, name: string): number | undefined => {
    if (s === undefined) return undefined;
    const v = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(v) || v < 1) bad(`${name} must be a positive integer, got '${s}'`);
    return v;
  };
  switch (parts[0]) {
    case "none":
      if (parts.length > 1) bad("'none' takes no parameters");
      return { kind: "none" };
    case "every": {
      if (parts.length < 2 || parts.length > 3) bad("'every' takes R and optionally W");
      const interval = posInt(parts[1], "R")!;
      const window = posInt(parts[2], "W");
      return window === undefined ? { kind: "every", interval } : { kind: "every", interval, window };
    }
    case "managed": {
      if (parts.length < 2 || parts.length > 4) bad("'managed' takes B and optionally W and E");
      const bound = Number(parts[1]);
      if (!Number.isFinite(bound) || bound <= 0) bad(`B must be a positive number, got '${parts[1]}'`);
      return { kind: "managed", bound, window: posInt(parts[2], "W"), errorWindow: posInt(parts[3], "E") };
    }
    default:
      return bad(`unknown policy '${parts[0]}'`);
  }
}

/** A predictor that refits its model by a {@link RefitPolicy}, keeping a window of recent observations. */
export class RefittingPredictor implements Predictor {
  readonly spec: ModelSpec;
  readonly policy: RefitPolicy;
  readonly inputCount: number;
  /** Successful refits so far, and refits skipped because the window was too short. */
  refits = 0;
  failedRefits = 0;
  private current: Predictor;
  private readonly window: number;
  private readonly errorWindow: number;
  private readonly obs: Float64Array;
  private readonly ins: Float64Array[];
  private seen = 0;
  private sinceFit = 0;
  private readonly errs: Float64Array;
  private errSum = 0;
  private selfVariance: number;

  constructor(spec: ModelSpec, history: ArrayLike<number>, policy: RefitPolicy, inputs: readonly ArrayLike<number>[] = []) {
    this.spec = spec;
    this.policy = policy;
    this.current = fitPredictor(spec, history, inputs);
    this.inputCount = this.current.inputCount;
    this.window = Math.max(1, policy.kind === "none" ? 1 : (policy.window ?? history.length));
    this.errorWindow = policy.kind === "managed" ? (policy.errorWindow ?? 32) : 1;
    this.obs = new Float64Array(this.window);
    this.ins = inputs.map(() => new Float64Array(this.window));
    for (let t = Math.max(0, history.length - this.window); t < history.length; t++) this.remember(history[t]!, (m) => inputs[m]![t]!);
    this.errs = new Float64Array(this.errorWindow);
    this.selfVariance = this.current.predict(1).variances[0]!;
  }

  get definition(): ModelDefinition {
    return this.current.definition;
  }

  get lastError(): number {
    return this.current.lastError;
  }

  private remember(x: number, input: (m: number) => number): void {
    const slot = this.seen % this.window;
    this.obs[slot] = x;
    this.ins.forEach((ring, m) => (ring[slot] = input(m)));
    this.seen++;
  }

  step(observation: number, inputs?: ArrayLike<number>): void {
    this.current.step(observation, inputs);
    if (this.policy.kind === "none") return;
    this.remember(observation, (m) => inputs?.[m] ?? Number.NaN);
    this.sinceFit++;
    if (this.policy.kind === "every") {
      if (this.sinceFit >= this.policy.interval) this.refit();
      return;
    }
    const e = this.current.lastError;
    const slot = (this.sinceFit - 1) % this.errorWindow;
    if (this.sinceFit > this.errorWindow) this.errSum -= this.errs[slot]!;
    this.errs[slot] = e * e;
    this.errSum += e * e;
    if (this.sinceFit >= this.errorWindow && this.errSum / this.errorWindow > this.policy.bound * this.selfVariance) this.refit();
  }

  private refit(): void {
    const n = Math.min(this.seen, this.window);
    const start = this.seen - n;
    const x = new Float64Array(n);
    const u = this.ins.map(() => new Float64Array(n));
    for (let k = 0; k < n; k++) {
      const slot = (start + k) % this.window;
      x[k] = this.obs[slot]!;
      this.ins.forEach((ring, m) => (u[m]![k] = ring[slot]!));
    }
    this.sinceFit = 0;
    this.errSum = 0;
    try {
      this.current = fitPredictor(this.spec, x, u);
      this.selfVariance = this.current.predict(1).variances[0]!;
      this.refits++;
    } catch (e) {
      if (!(e instanceof VadaptError) || e.code !== "E_BAD_CONFIG") throw e;
      this.failedRefits++;
    }
  }

  predict(k: number, futureInputs?: ReadonlyArray<ArrayLike<number>>): Forecast {
    return this.current.predict(k, futureInputs);
  }
}
