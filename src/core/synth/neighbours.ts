/**
 * Neighbour sets of the communication patterns used by the synthetic BSP application generator.
 * Rank `i` sends to every rank in `neighbours(pattern, n)[i]` once per iteration.
 */

export const BspPattern = {
  Ring: "ring",
  Line: "line",
  AllToAll: "all-to-all",
  Mesh2d: "mesh2d",
  Star: "star",
} as const;
export type BspPattern = (typeof BspPattern)[keyof typeof BspPattern];
export const BSP_PATTERNS: readonly BspPattern[] = Object.values(BspPattern);

/** The most nearly square `rows × cols = n` factorisation (rows <= cols). */
export function gridShape(n: number): { rows: number; cols: number } {
  let rows = Math.floor(Math.sqrt(n));
  while (rows > 1 && n % rows !== 0) rows--;
  return { rows, cols: n / rows };
}

/** For each rank, the ranks it sends to in one BSP iteration. */
export function neighbours(pattern: BspPattern, n: number): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  switch (pattern) {
    case "ring":
      for (let i = 0; i < n && n > 1; i++) {
        const next = (i + 1) % n;
        const prev = (i - 1 + n) % n;
        out[i]!.push(next);
        if (prev !== next) out[i]!.push(prev);
      }
      break;
    case "line":
      for (let i = 0; i < n; i++) {
        if (i > 0) out[i]!.push(i - 1);
        if (i < n - 1) out[i]!.push(i + 1);
      }
      break;
    case "all-to-all":
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) out[i]!.push(j);
      break;
    case "mesh2d": {
      const { rows, cols } = gridShape(n);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          if (r > 0) out[i]!.push(i - cols);
          if (r < rows - 1) out[i]!.push(i + cols);
          if (c > 0) out[i]!.push(i - 1);
          if (c < cols - 1) out[i]!.push(i + 1);
        }
      }
      break;
    }
    case "star":
      for (let i = 1; i < n; i++) {
        out[0]!.push(i);
        out[i]!.push(0);
      }
      break;
  }
  return out;
}
