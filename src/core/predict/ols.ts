/**
 * Ordinary least squares by Householder QR (Golub & Van Loan, Matrix Computations, §5.2): numerically sound
 * where the normal equations would square the condition number. Used by ARX and the Hannan-Rissanen start of ARMA.
 */

/** A least-squares solution: coefficients, residual sum of squares, and how many columns were dependent. */
export interface OlsResult {
  readonly beta: Float64Array;
  readonly ssr: number;
  /** Columns found (numerically) linear combinations of earlier ones; their coefficients are 0. */
  readonly dependent: number;
}

/** Relative size below which a column's remaining norm counts as zero. */
const RANK_TOL = 1e-11;

/**
 * Minimises ‖y - X β‖² for a row-major `rows × cols` design matrix `x` (not modified). A column that is
 * (numerically) a combination of earlier ones gets β = 0, so a constant or duplicated regressor does not fail.
 */
export function leastSquares(x: Float64Array, y: Float64Array, rows: number, cols: number): OlsResult {
  const a = Float64Array.from(x);
  const b = Float64Array.from(y);
  const diag = new Float64Array(cols);
  const pivot = new Int32Array(cols).fill(-1);
  let dependent = 0;
  let r = 0;
  for (let k = 0; k < cols; k++) {
    let orig = 0;
    for (let i = 0; i < rows; i++) orig += x[i * cols + k]! * x[i * cols + k]!;
    let norm = 0;
    for (let i = r; i < rows; i++) norm += a[i * cols + k]! * a[i * cols + k]!;
    if (r >= rows || norm <= RANK_TOL * RANK_TOL * orig || norm === 0) {
      dependent++;
      continue;
    }
    norm = Math.sqrt(norm);
    const akk = a[r * cols + k]!;
    const alpha = akk > 0 ? -norm : norm;
    // Householder vector v = a[r:, k] - alpha e_1, stored in place of the column.
    a[r * cols + k] = akk - alpha;
    let vv = 0;
    for (let i = r; i < rows; i++) vv += a[i * cols + k]! * a[i * cols + k]!;
    for (let j = k + 1; j < cols; j++) {
      let s = 0;
      for (let i = r; i < rows; i++) s += a[i * cols + k]! * a[i * cols + j]!;
      const f = (2 * s) / vv;
      for (let i = r; i < rows; i++) a[i * cols + j]! -= f * a[i * cols + k]!;
    }
    let s = 0;
    for (let i = r; i < rows; i++) s += a[i * cols + k]! * b[i]!;
    const f = (2 * s) / vv;
    for (let i = r; i < rows; i++) b[i]! -= f * a[i * cols + k]!;
    diag[k] = alpha;
    pivot[k] = r;
    r++;
  }
  const beta = new Float64Array(cols);
  for (let k = cols - 1; k >= 0; k--) {
    const row = pivot[k]!;
    if (row < 0) continue;
    let s = b[row]!;
    for (let j = k + 1; j < cols; j++) s -= a[row * cols + j]! * beta[j]!;
    beta[k] = s / diag[k]!;
  }
  let ssr = 0;
  for (let i = 0; i < rows; i++) {
    let fit = 0;
    for (let j = 0; j < cols; j++) fit += x[i * cols + j]! * beta[j]!;
    const e = y[i]! - fit;
    ssr += e * e;
  }
  return { beta, ssr, dependent };
}
