/**
 * The demand list the VADAPT solver consumes (shared/spec/adaptation-problem.md, `Demand`): one directed demand
 * per VM pair of the inferred topology, with its rate in Mbit/s.
 */
import type { VmId } from "../model/ids.js";
import type { Demand } from "../model/problem.js";

export interface DemandOptions {
  /** Drop demands below this rate (default 0: keep every nonzero direction). */
  readonly minMbps?: number;
  /** Digits kept after the decimal point (default 6). */
  readonly digits?: number;
}

/**
 * Demands from a row-major n x n rate matrix (Mbit/s). With `kept` (the pruned topology's pairs), each kept pair
 * gives up to two demands, one per direction with traffic; without it, every nonzero cell is a demand. Sorted by
 * rate, heaviest first (ties by src, dst).
 */
export function demandsFrom(
  mbps: Float64Array,
  n: number,
  vmIds: readonly VmId[],
  kept: { readonly a: Int32Array; readonly b: Int32Array; readonly count: number } | null,
  options: DemandOptions = {},
): Demand[] {
  const min = options.minMbps ?? 0;
  const scale = 10 ** (options.digits ?? 6);
  const out: Demand[] = [];
  const push = (i: number, j: number): void => {
    const r = mbps[i * n + j]!;
    if (r > 0 && r >= min) out.push({ src: vmIds[i]!, dst: vmIds[j]!, mbps: Math.round(r * scale) / scale });
  };
  if (kept === null) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) push(i, j);
  } else {
    for (let k = 0; k < kept.count; k++) {
      push(kept.a[k]!, kept.b[k]!);
      push(kept.b[k]!, kept.a[k]!);
    }
  }
  return out.sort((x, y) => y.mbps - x.mbps || (x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0));
}
