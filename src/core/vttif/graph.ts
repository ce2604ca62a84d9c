/**
 * The inferred topology as a graphology graph: one node per VM of the kept topology (attributes: MAC, matrix
 * position and its place in the recognised shape), one directed edge per direction with traffic (attribute
 * `mbps`). Graph attributes carry the class, confidence and cut.
 */
import { DirectedGraph } from "graphology";
import type { Mac, VmId } from "../model/ids.js";
import type { Classification } from "./classify.js";

export type Attr = string | number | boolean;
export type Attrs = Record<string, Attr>;

/** Each member's shape attributes (ring/line index, coordinates, label, parent, role). */
function shapeAttrs(c: Classification, ids: readonly VmId[]): Map<number, Attrs> {
  const out = new Map<number, Attrs>();
  const m = c.mapping;
  if (m === null) return out;
  switch (m.kind) {
    case "ring":
    case "line":
      m.order.forEach((v, k) => out.set(v, { order: k }));
      break;
    case "lattice":
      m.nodes.forEach((v, k) => {
        const xyz = m.coords[k]!;
        const a: Attrs = { coords: xyz.join(",") };
        ["x", "y", "z"].forEach((name, d) => {
          if (d < xyz.length) a[name] = xyz[d]!;
        });
        out.set(v, a);
      });
      break;
    case "hypercube":
      m.nodes.forEach((v, k) => out.set(v, { label: m.labels[k]! }));
      break;
    case "tree":
      m.nodes.forEach((v, k) => {
        const p = m.parents[k]!;
        out.set(v, p < 0 ? { role: "root" } : { role: "node", parent: ids[p]! });
      });
      break;
    case "star":
      out.set(m.centre, { role: "centre" });
      m.leaves.forEach((v) => out.set(v, { role: "leaf" }));
      break;
    case "bipartite":
      m.servers.forEach((v) => out.set(v, { role: "server" }));
      m.clients.forEach((v) => out.set(v, { role: "client" }));
      break;
    case "all-to-all":
      m.nodes.forEach((v) => out.set(v, {}));
      break;
  }
  return out;
}

/** Builds the graph of a classification over a rate matrix (Mbit/s, row-major n x n). */
export function topologyGraph(vms: ReadonlyArray<{ readonly id: VmId; readonly mac: Mac }>, mbps: Float64Array, n: number, c: Classification): DirectedGraph {
  const g = new DirectedGraph();
  g.replaceAttributes({
    class: c.class,
    confidence: c.confidence,
    thresholdRelative: c.cut.relative,
    alternatives: c.alternatives.join(","),
  });
  const ids = vms.map((v) => v.id);
  const shape = shapeAttrs(c, ids);
  const addNode = (v: number): void => {
    const id = ids[v]!;
    if (!g.hasNode(id)) g.addNode(id, { mac: vms[v]!.mac, position: v, ...(shape.get(v) ?? {}) });
  };
  for (let k = 0; k < c.kept.count; k++) {
    const a = c.kept.a[k]!;
    const b = c.kept.b[k]!;
    addNode(a);
    addNode(b);
    for (const [s, t] of [[a, b], [b, a]] as const) {
      const r = mbps[s * n + t]!;
      if (r > 0) g.addDirectedEdgeWithKey(`${ids[s]}->${ids[t]}`, ids[s]!, ids[t]!, { mbps: r });
    }
  }
  return g;
}
