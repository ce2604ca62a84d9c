/**
 * ARX(p, q): an AR model with exogenous inputs, fitted by ordinary least squares on lagged regressors
 * (Ljung, System Identification, §4.2; in RPS's spirit, Dinda & O'Hallaron, CMU-CS-99-138):
 * `y_t = c + Σ_{i=1}^{p} a_i y_{t-i} + Σ_m Σ_{j=0}^{q-1} b_{m,j} u_{m,t-j} + e_t`.
 * Lag 0 is the input at the predicted time: a link's available bandwidth from its history and the traffic a plan
 * will put on it, a VM's slowdown from its host's load. Equals statsmodels' `AutoReg(y, lags=p, exog=U, trend='c',
 * hold_back=max(p, q-1))` with U the lagged input columns; σ² = SSR / rows (AutoReg's `sigma2`).
 * Forecasts take the future inputs (a plan's traffic) or hold the last ones; their variances
 * `σ² Σ ψ_j²` (ψ from the AR part) are conditional on those inputs.
 */
import { ConfigError } from "../errors.js";
import type { ArxDefinition } from "./definition.js";
import { psiWeights } from "./linear.js";
import { leastSquares } from "./ols.js";
import type { Forecast, Predictor } from "./predictor.js";
import { requireSamples } from "./require.js";

/** Fits ARX(p, q) to `y` with one or more input series of the same length. */
export function fitArx(y: ArrayLike<number>, inputs: readonly ArrayLike<number>[], p: number, q: number): ArxDefinition {
  const spec = `arx:${p},${q}`;
  if (inputs.length === 0) throw new ConfigError(`model ${spec}`, ["needs at least one exogenous input series"]);
  const n = y.length;
  inputs.forEach((u, m) => {
    if (u.length !== n) throw new ConfigError(`model ${spec}`, [`input ${m + 1} has ${u.length} samples, the series ${n}`]);
  });
  const start = Math.max(p, q - 1);
  const cols = 1 + p + inputs.length * q;
  requireSamples(spec, n, start + cols + 1);
  const rows = n - start;
  const x = new Float64Array(rows * cols);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = start + r;
    const row = r * cols;
    target[r] = y[t]!;
    x[row] = 1;
    for (let i = 1; i <= p; i++) x[row + i] = y[t - i]!;
    inputs.forEach((u, m) => {
      for (let j = 0; j < q; j++) x[row + 1 + p + m * q + j] = u[t - j]!;
    });
  }
  const { beta, ssr } = leastSquares(x, target, rows, cols);
  return {
    kind: "arx",
    spec,
    method: "ols",
    intercept: beta[0]!,
    ar: Array.from(beta.subarray(1, 1 + p)),
    inputs: inputs.map((_, m) => Array.from(beta.subarray(1 + p + m * q, 1 + p + (m + 1) * q))),
    sigma2: ssr / rows,
  };
}

/** Streaming ARX predictor: `step(y_t, u_t)` with the inputs observed at the same time as y_t. */
export class ArxPredictor implements Predictor {
  readonly definition: ArxDefinition;
  readonly inputCount: number;
  private readonly a: Float64Array;
  private readonly b: Float64Array[];
  private readonly p: number;
  private readonly q: number;
  private readonly ys: Float64Array;
  /** Per input: its last q values, newest first, doubled. */
  private readonly us: Float64Array[];
  private yPos = 0;
  private uPos = 0;
  private started = false;
  private error = 0;

  constructor(def: ArxDefinition) {
    this.definition = def;
    this.a = Float64Array.from(def.ar);
    this.b = def.inputs.map((row) => Float64Array.from(row));
    this.p = def.ar.length;
    this.q = def.inputs[0]!.length;
    this.inputCount = def.inputs.length;
    def.inputs.forEach((row, m) => {
      if (row.length !== this.q) throw new ConfigError(`model ${def.spec}`, [`input ${m + 1} has ${row.length} taps, input 1 has ${this.q}`]);
    });
    this.ys = new Float64Array(2 * this.p);
    this.us = def.inputs.map(() => new Float64Array(2 * this.q));
  }

  get lastError(): number {
    return this.error;
  }

  private checkInputs(inputs: ArrayLike<number> | undefined): ArrayLike<number> {
    if (inputs === undefined || inputs.length !== this.inputCount) {
      throw new ConfigError(`model ${this.definition.spec}`, [`step needs ${this.inputCount} input value(s), got ${inputs?.length ?? 0}`]);
    }
    return inputs;
  }

  step(observation: number, inputs?: ArrayLike<number>): void {
    const u = this.checkInputs(inputs);
    const p = this.p;
    const q = this.q;
    if (!this.started) {
      this.started = true;
      this.ys.fill(observation);
      this.us.forEach((ring, m) => ring.fill(u[m]!));
    }
    let pos = this.uPos - 1;
    if (pos < 0) pos += q;
    this.uPos = pos;
    for (let m = 0; m < this.inputCount; m++) {
      const ring = this.us[m]!;
      ring[pos] = u[m]!;
      ring[pos + q] = u[m]!;
    }
    // One-step prediction of this observation, given its inputs.
    let s = this.definition.intercept;
    for (let i = 0; i < p; i++) s += this.a[i]! * this.ys[this.yPos + i]!;
    for (let m = 0; m < this.inputCount; m++) {
      const ring = this.us[m]!;
      const b = this.b[m]!;
      for (let j = 0; j < q; j++) s += b[j]! * ring[pos + j]!;
    }
    this.error = observation - s;
    if (p > 0) {
      let yp = this.yPos - 1;
      if (yp < 0) yp += p;
      this.yPos = yp;
      this.ys[yp] = observation;
      this.ys[yp + p] = observation;
    }
  }

  /**
   * Forecasts the next k values. `futureInputs[m][h - 1]` is input m at lead h (e.g. the traffic a plan will put
   * on the link); an input not given (or too short) holds its last observed value.
   */
  predict(k: number, futureInputs?: ReadonlyArray<ArrayLike<number>>): Forecast {
    const values = new Float64Array(k);
    const variances = new Float64Array(k);
    if (k <= 0) return { values, variances };
    const p = this.p;
    const q = this.q;
    const w = new Float64Array(p + k);
    for (let i = 0; i < p; i++) w[p - 1 - i] = this.ys[this.yPos + i]!;
    // Per input: v[q - 1 - j] = u_{t-j} (j < q), v[q - 1 + h] = u_{t+h}.
    const series = this.us.map((ring, m) => {
      const v = new Float64Array(q + k);
      for (let j = 0; j < q; j++) v[q - 1 - j] = ring[this.uPos + j]!;
      const future = futureInputs?.[m];
      for (let h = 1; h <= k; h++) v[q - 1 + h] = future !== undefined && h - 1 < future.length ? future[h - 1]! : v[q - 2 + h]!;
      return v;
    });
    for (let h = 1; h <= k; h++) {
      let s = this.definition.intercept;
      for (let i = 1; i <= p; i++) s += this.a[i - 1]! * w[p - 1 + h - i]!;
      for (let m = 0; m < this.inputCount; m++) {
        const v = series[m]!;
        const b = this.b[m]!;
        for (let j = 0; j < q; j++) s += b[j]! * v[q - 1 + h - j]!;
      }
      w[p - 1 + h] = s;
      values[h - 1] = s;
    }
    const psi = psiWeights(this.a, [], k);
    let cum = 0;
    for (let h = 0; h < k; h++) {
      cum += psi[h]! * psi[h]!;
      variances[h] = this.definition.sigma2 * cum;
    }
    return { values, variances };
  }
}
