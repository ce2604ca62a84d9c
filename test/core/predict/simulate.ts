/** Simulated ARMA processes for tests, driven by the seeded Rng of src/core/rng.ts. */
import type { Rng } from "../../../src/core/rng.js";

/** x_t = mean + Σ φ_i (x_{t-i} - mean) + e_t + Σ θ_j e_{t-j}, e ~ N(0, sigma²), after a burn-in. */
export function simulateArma(rng: Rng, n: number, phi: readonly number[], theta: readonly number[] = [], mean = 0, sigma = 1, burn = 500): Float64Array {
  const total = n + burn;
  const z = new Float64Array(total);
  const e = new Float64Array(total);
  for (let t = 0; t < total; t++) {
    e[t] = sigma * rng.normal();
    let v = e[t]!;
    for (let i = 0; i < phi.length && t - i - 1 >= 0; i++) v += phi[i]! * z[t - i - 1]!;
    for (let j = 0; j < theta.length && t - j - 1 >= 0; j++) v += theta[j]! * e[t - j - 1]!;
    z[t] = v;
  }
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = z[burn + t]! + mean;
  return out;
}
