/** The edge sets a recognised shape's mapping describes, for checking mappings against patterns and graphs. */
import type { ShapeMapping } from "../../../src/core/vttif/shapes.js";

/** An undirected edge's key. */
export const key = (a: number, b: number): string => (a < b ? `${a}-${b}` : `${b}-${a}`);

/** The edge set a mapping describes (lattices: unit L1 neighbours, Chebyshev ones for the 26-point stencil). */
export function edgesOf(cls: string, m: ShapeMapping): Set<string> {
  const out = new Set<string>();
  switch (m.kind) {
    case "ring":
      m.order.forEach((v, k) => out.add(key(v, m.order[(k + 1) % m.order.length]!)));
      break;
    case "line":
      for (let k = 0; k + 1 < m.order.length; k++) out.add(key(m.order[k]!, m.order[k + 1]!));
      break;
    case "star":
      m.leaves.forEach((l) => out.add(key(m.centre, l)));
      break;
    case "tree":
      m.nodes.forEach((v, k) => m.parents[k]! >= 0 && out.add(key(v, m.parents[k]!)));
      break;
    case "all-to-all":
      m.nodes.forEach((a) => m.nodes.forEach((b) => a < b && out.add(key(a, b))));
      break;
    case "bipartite":
      m.servers.forEach((s) => m.clients.forEach((c) => out.add(key(s, c))));
      break;
    case "hypercube":
      m.nodes.forEach((a, i) =>
        m.nodes.forEach((b, j) => {
          const d = m.labels[i]! ^ m.labels[j]!;
          if (a < b && d !== 0 && (d & (d - 1)) === 0) out.add(key(a, b));
        }),
      );
      break;
    case "lattice": {
      const chebyshev = cls === "stencil3d-26";
      m.nodes.forEach((a, i) =>
        m.nodes.forEach((b, j) => {
          if (a >= b) return;
          const d = dist(m, i, j);
          if (chebyshev ? d.cheb === 1 : d.l1 === 1) out.add(key(a, b));
        }),
      );
      break;
    }
  }
  return out;
}

function dist(m: Extract<ShapeMapping, { kind: "lattice" }>, i: number, j: number): { l1: number; cheb: number } {
  let l1 = 0;
  let cheb = 0;
  m.dims.forEach((L, a) => {
    let d = Math.abs(m.coords[i]![a]! - m.coords[j]![a]!);
    if (m.periodic) d = Math.min(d, L - d);
    l1 += d;
    cheb = Math.max(cheb, d);
  });
  return { l1, cheb };
}
