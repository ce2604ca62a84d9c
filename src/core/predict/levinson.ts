/**
 * The Levinson-Durbin recursion and its inverse (the step-down, or Schur-Cohn, stability test).
 * Levinson (1947), Durbin (1960); used by RPS for its AR(p) fits (Dinda & O'Hallaron, CMU-CS-99-138).
 *
 * Sign convention throughout src/core/predict: an AR polynomial is `x_t = Σ_{i=1}^{p} φ_i x_{t-i} + e_t`, and the
 * reflection coefficient (partial autocorrelation) of order m is `φ_{m,m}`.
 */

/** The result of Levinson-Durbin on autocovariances `r[0..p]`. */
export interface LevinsonResult {
  /** AR coefficients `φ_1..φ_p` of order p. */
  readonly phi: Float64Array;
  /** Reflection coefficients (partial autocorrelations) `κ_1..κ_p`. */
  readonly reflection: Float64Array;
  /** Innovation variance of the order-p model, `r[0] Π (1 - κ_m²)`. */
  readonly sigma2: number;
}

/**
 * Solves the Yule-Walker equations `Γ_p φ = r[1..p]` for a Toeplitz autocovariance matrix in O(p²) by the
 * Levinson-Durbin recursion. A zero-variance series (r[0] = 0) yields φ = 0 and σ² = 0. If the recursion meets a
 * singular matrix at order m (|κ_m| = 1, a perfectly predictable series), the higher coefficients stay 0.
 */
export function levinsonDurbin(r: ArrayLike<number>, p: number): LevinsonResult {
  const phi = new Float64Array(p);
  const reflection = new Float64Array(p);
  const prev = new Float64Array(p);
  let v = r[0] ?? 0;
  if (!(v > 0)) return { phi, reflection, sigma2: 0 };
  for (let m = 1; m <= p; m++) {
    let acc = r[m] ?? 0;
    for (let i = 1; i < m; i++) acc -= phi[i - 1]! * (r[m - i] ?? 0);
    const k = acc / v;
    prev.set(phi);
    for (let i = 1; i < m; i++) phi[i - 1] = prev[i - 1]! - k * prev[m - i - 1]!;
    phi[m - 1] = k;
    reflection[m - 1] = k;
    v *= 1 - k * k;
    if (!(v > 0)) {
      v = 0;
      break;
    }
  }
  return { phi, reflection, sigma2: v };
}

/**
 * AR coefficients from partial autocorrelations (reflection coefficients) by the Levinson recursion, as
 * statsmodels' `levinson_durbin_pacf`. Used by Burg's method.
 */
export function arFromReflection(reflection: ArrayLike<number>): Float64Array {
  const p = reflection.length;
  const phi = new Float64Array(p);
  const prev = new Float64Array(p);
  for (let m = 1; m <= p; m++) {
    const k = reflection[m - 1]!;
    prev.set(phi);
    for (let i = 1; i < m; i++) phi[i - 1] = prev[i - 1]! - k * prev[m - i - 1]!;
    phi[m - 1] = k;
  }
  return phi;
}

/**
 * Reflection coefficients of an AR polynomial by the step-down recursion (the inverse of Levinson-Durbin).
 * Returns null when some |κ| ≥ 1, i.e. when `1 - Σ φ_i z^i` has a root on or inside the unit circle.
 */
export function reflectionFromAr(phi: ArrayLike<number>): Float64Array | null {
  const p = phi.length;
  const reflection = new Float64Array(p);
  let a = Float64Array.from(phi);
  for (let m = p; m >= 1; m--) {
    const k = a[m - 1]!;
    if (!(Math.abs(k) < 1)) return null;
    reflection[m - 1] = k;
    const next = new Float64Array(m - 1);
    const den = 1 - k * k;
    for (let i = 1; i < m; i++) next[i - 1] = (a[i - 1]! + k * a[m - i - 1]!) / den;
    a = next;
  }
  return reflection;
}

/**
 * True when the AR polynomial `1 - Σ φ_i z^i` has all its roots strictly outside the unit circle (a stationary AR
 * part), with `margin` > 0 demanding |κ_m| ≤ 1 - margin for every reflection coefficient.
 */
export function isStationary(phi: ArrayLike<number>, margin = 0): boolean {
  const r = reflectionFromAr(phi);
  if (r === null) return false;
  for (let i = 0; i < r.length; i++) if (Math.abs(r[i]!) > 1 - margin) return false;
  return true;
}

/**
 * True when the MA polynomial `1 + Σ θ_j z^j` has all its roots strictly outside the unit circle (an invertible
 * MA part): the same test applied to `-θ`.
 */
export function isInvertible(theta: ArrayLike<number>, margin = 0): boolean {
  const neg = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) neg[i] = -theta[i]!;
  return isStationary(neg, margin);
}
