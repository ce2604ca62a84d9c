/**
 * The streaming predictor of the linear (ARIMA-family) models, as RPS's predictors (Dinda & O'Hallaron,
 * CMU-CS-99-138): the model is written in difference-equation form
 * `x_t = c + Σ_{i=1}^{P} Φ_i x_{t-i} + e_t + Σ_{j=1}^{q} θ_j e_{t-j}` with `Φ(B) = φ(B)(1 - B)^d` and
 * `c = μ φ(1)`, so one step costs O(P + q) and allocates nothing. k-step forecasts follow the same recursion with
 * future innovations set to zero; their error variances are `σ² Σ_{j<h} ψ_j²` from the psi-weights
 * (Box & Jenkins, §5.2), non-negative and non-decreasing in the lead time h.
 */
import type { LinearDefinition } from "./definition.js";
import type { Forecast, Predictor } from "./predictor.js";
import { polyMultiply } from "./stats.js";

/** The model in difference-equation form. */
export interface DifferenceEquation {
  readonly c: number;
  /** Φ_1..Φ_P, differencing included. */
  readonly phi: Float64Array;
  readonly theta: Float64Array;
}

/** Expands `φ(B)(1 - B)^d` and the constant `μ φ(1)`. */
export function differenceEquation(def: LinearDefinition): DifferenceEquation {
  let poly: Float64Array = new Float64Array(def.ar.length + 1);
  poly[0] = 1;
  let phiAtOne = 1;
  def.ar.forEach((v, i) => {
    poly[i + 1] = -v;
    phiAtOne -= v;
  });
  for (let k = 0; k < def.d; k++) poly = polyMultiply(poly, [1, -1]);
  const phi = new Float64Array(poly.length - 1);
  for (let i = 1; i < poly.length; i++) phi[i - 1] = -poly[i]!;
  return { c: def.mean * phiAtOne, phi, theta: Float64Array.from(def.ma) };
}

/**
 * Psi-weights ψ_0..ψ_{k-1} of `x_t = Σ ψ_j e_{t-j}`: ψ_0 = 1, ψ_j = θ_j + Σ_{i=1}^{min(j,P)} Φ_i ψ_{j-i}.
 */
export function psiWeights(phi: ArrayLike<number>, theta: ArrayLike<number>, k: number): Float64Array {
  const psi = new Float64Array(k);
  if (k === 0) return psi;
  psi[0] = 1;
  for (let j = 1; j < k; j++) {
    let s = j <= theta.length ? theta[j - 1]! : 0;
    const top = Math.min(j, phi.length);
    for (let i = 1; i <= top; i++) s += phi[i - 1]! * psi[j - i]!;
    psi[j] = s;
  }
  return psi;
}

/** A streaming predictor for a {@link LinearDefinition}. */
export class LinearPredictor implements Predictor {
  readonly definition: LinearDefinition;
  readonly inputCount = 0;
  private readonly c: number;
  private readonly phi: Float64Array;
  private readonly theta: Float64Array;
  private readonly sigma2: number;
  private readonly p: number;
  private readonly q: number;
  private readonly d: number;
  /** Recent observations, newest at xPos, doubled so that the window xs[xPos .. xPos + P - 1] is contiguous. */
  private readonly xs: Float64Array;
  private readonly es: Float64Array;
  private xPos = 0;
  private ePos = 0;
  private started = false;
  private next: number;
  private error = 0;
  /** Cumulative Σ ψ_j² for j < length, grown on demand. */
  private cumPsi2: Float64Array = new Float64Array(0);

  constructor(def: LinearDefinition) {
    this.definition = def;
    const eq = differenceEquation(def);
    this.c = eq.c;
    this.phi = eq.phi;
    this.theta = eq.theta;
    this.sigma2 = def.sigma2;
    this.p = eq.phi.length;
    this.q = eq.theta.length;
    this.d = def.d;
    this.xs = new Float64Array(2 * this.p).fill(def.mean);
    this.es = new Float64Array(2 * this.q);
    this.next = this.oneStep();
  }

  /** The one-step-ahead prediction of the next observation. */
  get nextValue(): number {
    return this.next;
  }

  get lastError(): number {
    return this.error;
  }

  step(observation: number): void {
    let e = observation - this.next;
    if (!this.started) {
      this.started = true;
      if (this.d > 0) {
        // μ is the differenced series' mean: start from the first observation instead.
        this.xs.fill(observation);
        e = 0;
      }
    }
    const p = this.p;
    if (p > 0) {
      let pos = this.xPos - 1;
      if (pos < 0) pos += p;
      this.xPos = pos;
      this.xs[pos] = observation;
      this.xs[pos + p] = observation;
    }
    const q = this.q;
    if (q > 0) {
      let pos = this.ePos - 1;
      if (pos < 0) pos += q;
      this.ePos = pos;
      this.es[pos] = e;
      this.es[pos + q] = e;
    }
    this.error = e;
    this.next = this.oneStep();
  }

  private oneStep(): number {
    let s = this.c;
    const phi = this.phi;
    const xs = this.xs;
    const xb = this.xPos;
    const p = this.p;
    for (let i = 0; i < p; i++) s += phi[i]! * xs[xb + i]!;
    const theta = this.theta;
    const es = this.es;
    const eb = this.ePos;
    const q = this.q;
    for (let j = 0; j < q; j++) s += theta[j]! * es[eb + j]!;
    return s;
  }

  predict(k: number): Forecast {
    const values = new Float64Array(Math.max(0, k));
    const variances = new Float64Array(Math.max(0, k));
    if (k <= 0) return { values, variances };
    const p = this.p;
    const q = this.q;
    const phi = this.phi;
    const theta = this.theta;
    const es = this.es;
    const eb = this.ePos;
    const c = this.c;
    // w[p - 1 - i] = x_{t-i}; w[p - 1 + h] = forecast of x_{t+h}.
    const w = new Float64Array(p + k);
    for (let i = 0; i < p; i++) w[p - 1 - i] = this.xs[this.xPos + i]!;
    for (let h = 1; h <= k; h++) {
      let s = c;
      const base = p - 1 + h;
      for (let i = 1; i <= p; i++) s += phi[i - 1]! * w[base - i]!;
      for (let j = h; j <= q; j++) s += theta[j - 1]! * es[eb + j - h]!;
      w[base] = s;
      values[h - 1] = s;
    }
    const cum = this.cumulativePsi2(k);
    const sigma2 = this.sigma2;
    for (let h = 0; h < k; h++) variances[h] = sigma2 * cum[h]!;
    return { values, variances };
  }

  private cumulativePsi2(k: number): Float64Array {
    if (this.cumPsi2.length < k) {
      const n = Math.max(k, 2 * this.cumPsi2.length);
      const psi = psiWeights(this.phi, this.theta, n);
      const cum = new Float64Array(n);
      let s = 0;
      for (let j = 0; j < n; j++) {
        s += psi[j]! * psi[j]!;
        cum[j] = s;
      }
      this.cumPsi2 = cum;
    }
    return this.cumPsi2;
  }
}
