/**
 * Plain descriptions of an inference result with VM ids in place of matrix positions: the JSON `infer --json`
 * prints, and one-line text summaries of a shape mapping.
 */
import type { Classification } from "./classify.js";
import type { ShapeMapping } from "./shapes.js";

/** A mapping with every position replaced by its VM id (JSON-ready). */
export type NamedMapping =
  | { readonly kind: "ring" | "line"; readonly order: string[] }
  | { readonly kind: "lattice"; readonly dims: number[]; readonly periodic: boolean; readonly coords: Record<string, number[]> }
  | { readonly kind: "hypercube"; readonly dim: number; readonly labels: Record<string, number> }
  | { readonly kind: "tree"; readonly root: string; readonly depth: number; readonly arity: number; readonly parents: Record<string, string> }
  | { readonly kind: "star"; readonly centre: string; readonly leaves: string[] }
  | { readonly kind: "all-to-all"; readonly members: string[] }
  | { readonly kind: "bipartite"; readonly servers: string[]; readonly clients: string[] };

export function nameMapping(m: ShapeMapping, ids: readonly string[]): NamedMapping {
  const id = (v: number): string => ids[v] ?? String(v);
  switch (m.kind) {
    case "ring":
    case "line":
      return { kind: m.kind, order: m.order.map(id) };
    case "lattice":
      return { kind: "lattice", dims: m.dims, periodic: m.periodic, coords: Object.fromEntries(m.nodes.map((v, k) => [id(v), m.coords[k]!])) };
    case "hypercube":
      return { kind: "hypercube", dim: m.dim, labels: Object.fromEntries(m.nodes.map((v, k) => [id(v), m.labels[k]!])) };
    case "tree": {
      const parents: Record<string, string> = {};
      m.nodes.forEach((v, k) => {
        const p = m.parents[k]!;
        if (p >= 0) parents[id(v)] = id(p);
      });
      return { kind: "tree", root: id(m.root), depth: m.depth, arity: m.arity, parents };
    }
    case "star":
      return { kind: "star", centre: id(m.centre), leaves: m.leaves.map(id) };
    case "all-to-all":
      return { kind: "all-to-all", members: m.nodes.map(id) };
    case "bipartite":
      return { kind: "bipartite", servers: m.servers.map(id), clients: m.clients.map(id) };
  }
}

function list(xs: readonly string[], max: number): string {
  return xs.length <= max ? xs.join(" ") : `${xs.slice(0, max).join(" ")} ... (${xs.length} in all)`;
}

/** One line saying how the VMs map onto the shape (at most `max` VMs named). */
export function mappingLine(m: ShapeMapping, ids: readonly string[], max = 12): string {
  const id = (v: number): string => ids[v] ?? String(v);
  switch (m.kind) {
    case "ring":
      return `ring order: ${list(m.order.map(id), max)}`;
    case "line":
      return `line order: ${list(m.order.map(id), max)}`;
    case "lattice": {
      const shown = m.nodes.slice(0, max).map((v, k) => `${id(v)}=(${m.coords[k]!.join(",")})`);
      return `${m.dims.join("x")} ${m.periodic ? "periodic" : "non-periodic"}; coordinates: ${list(shown, max)}${m.nodes.length > max ? ` ... (${m.nodes.length} in all)` : ""}`;
    }
    case "hypercube":
      return `dimension ${m.dim}; labels: ${list(m.nodes.slice(0, max).map((v, k) => `${id(v)}=${m.labels[k]!.toString(2).padStart(m.dim, "0")}`), max)}`;
    case "tree":
      return `root ${id(m.root)}, depth ${m.depth}, largest fan-out ${m.arity}`;
    case "star":
      return `centre ${id(m.centre)}, ${m.leaves.length} leaves`;
    case "all-to-all":
      return `${m.nodes.length} VMs, every pair`;
    case "bipartite":
      return `servers: ${list(m.servers.map(id), max)}; ${m.clients.length} clients`;
  }
}

/** The classification as JSON-ready data, positions named by VM id. */
export function describeClassification(c: Classification, ids: readonly string[]): Record<string, unknown> {
  return {
    class: c.class,
    confidence: c.confidence,
    fit: c.fit,
    separation: c.separation,
    coverage: c.coverage,
    alternatives: c.alternatives,
    flowShare: c.flowShare,
    cut: c.cut,
    graph: c.graph,
    mapping: c.mapping === null ? null : nameMapping(c.mapping, ids),
  };
}
