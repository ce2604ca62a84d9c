import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kShortestPaths } from "../../src/core/solve/k-shortest.js";
import { widestPath, widestWidths, type PathGraph } from "../../src/core/solve/widest-path.js";

interface G extends PathGraph {
  residual: Float64Array;
}

/** A random directed graph on H hosts (each ordered pair an edge with probability ~1/2). */
const graph = fc
  .record({
    H: fc.integer({ min: 2, max: 6 }),
    edges: fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 9 })), { maxLength: 20 }),
  })
  .map(({ H, edges }): G => {
    const seen = new Set<string>();
    const list = edges.map(([a, b, w, l]) => [a % H, b % H, w * 10, l] as const).filter(([a, b]) => a !== b && !seen.has(`${a},${b}`) && seen.add(`${a},${b}`));
    const out: number[][] = Array.from({ length: H }, () => []);
    list.forEach(([a], e) => out[a]!.push(e));
    return {
      H,
      from: Int32Array.from(list, (x) => x[0]),
      to: Int32Array.from(list, (x) => x[1]),
      residual: Float64Array.from(list, (x) => x[2]),
      latencyMs: Float64Array.from(list, (x) => x[3]),
      out,
    };
  });

/** Every simple path src → dst (edge lists). */
function allPaths(g: G, src: number, dst: number): number[][] {
  const found: number[][] = [];
  const seen = new Set([src]);
  const walk = (at: number, path: number[]): void => {
    if (at === dst) {
      found.push([...path]);
      return;
    }
    for (const e of g.out[at]!) {
      const next = g.to[e]!;
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(e);
      walk(next, path);
      path.pop();
      seen.delete(next);
    }
  };
  walk(src, []);
  return found;
}
const width = (g: G, p: number[]): number => Math.min(...p.map((e) => g.residual[e]!));
const latency = (g: G, p: number[]): number => p.reduce((s, e) => s + g.latencyMs[e]!, 0);
const isPath = (g: G, p: number[], src: number, dst: number): boolean => {
  const hosts = [src, ...p.map((e) => g.to[e]!)];
  return p.every((e, i) => g.from[e] === hosts[i]) && hosts[hosts.length - 1] === dst && new Set(hosts).size === hosts.length;
};

describe("widest paths (adapted Dijkstra)", () => {
  it("finds the maximum bottleneck over all simple paths, with and without latency bounds and minimum widths", () => {
    fc.assert(
      fc.property(graph, fc.nat(5), fc.nat(5), fc.option(fc.integer({ min: 0, max: 20 })), fc.integer({ min: 0, max: 150 }), (g, s0, t0, bound, minMbps) => {
        const src = s0 % g.H;
        const dst = t0 % g.H;
        fc.pre(src !== dst);
        const maxLatencyMs = bound ?? Infinity;
        const ok = allPaths(g, src, dst).filter((p) => latency(g, p) <= maxLatencyMs && width(g, p) >= minMbps);
        const r = widestPath(g, src, dst, g.residual, { minMbps, maxLatencyMs });
        if (ok.length === 0) {
          expect(r).toBeNull();
          return;
        }
        expect(r).not.toBeNull();
        expect(isPath(g, r!.edges, src, dst)).toBe(true);
        expect(r!.widthMbps).toBe(Math.max(...ok.map((p) => width(g, p))));
        expect(r!.widthMbps).toBe(width(g, r!.edges));
        expect(r!.latencyMs).toBe(latency(g, r!.edges));
        expect(r!.latencyMs).toBeLessThanOrEqual(maxLatencyMs);
      }),
      { numRuns: 300 },
    );
  });

  it("widestWidths gives the bottleneck to every host", () => {
    fc.assert(
      fc.property(graph, fc.nat(5), (g, s0) => {
        const src = s0 % g.H;
        const w = widestWidths(g, src, g.residual);
        for (let t = 0; t < g.H; t++) {
          if (t === src) continue;
          const paths = allPaths(g, src, t);
          expect(w[t]).toBe(paths.length === 0 ? 0 : Math.max(...paths.map((p) => width(g, p))));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("k shortest paths (Yen)", () => {
  it("returns the k least-latency simple paths that have room and meet the bound", () => {
    fc.assert(
      fc.property(graph, fc.nat(5), fc.nat(5), fc.integer({ min: 1, max: 5 }), fc.option(fc.integer({ min: 0, max: 25 })), fc.integer({ min: 0, max: 100 }), (g, s0, t0, k, bound, minMbps) => {
        const src = s0 % g.H;
        const dst = t0 % g.H;
        fc.pre(src !== dst);
        const maxLatencyMs = bound ?? Infinity;
        const usable = allPaths(g, src, dst).filter((p) => p.every((e) => g.residual[e]! >= minMbps) && latency(g, p) <= maxLatencyMs);
        const expected = usable.map((p) => latency(g, p)).sort((a, b) => a - b).slice(0, k);
        const got = kShortestPaths(g, src, dst, k, g.residual, { minMbps, maxLatencyMs });
        expect(got.map((r) => r.latencyMs)).toEqual(expected);
        expect(new Set(got.map((r) => r.edges.join(","))).size).toBe(got.length);
        for (const r of got) expect(isPath(g, r.edges, src, dst)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
