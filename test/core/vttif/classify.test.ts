import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/rng.js";
import { classifyTraffic } from "../../../src/core/vttif/classify.js";
import { admissible, generatePattern } from "../../../src/core/vttif/patterns.js";
import { SHAPE_CLASSES } from "../../../src/core/vttif/shapes.js";
import { edgesOf, key } from "./mapping-edges.js";

const SIZES = [8, 12, 16, 27, 36, 64, 100, 125, 216, 256, 343, 512, 1000, 1024];

function patternEdgeSet(edges: ReadonlyArray<readonly [number, number]>): Set<string> {
  return new Set(edges.map(([a, b]) => key(a, b)));
}

describe("classification of clean synthetic patterns, 8..1024 VMs", () => {
  for (const cls of SHAPE_CLASSES) {
    const sizes = SIZES.filter((n) => admissible(cls, n));
    it(`recognises ${cls} at ${sizes.join(", ")} VMs, with an exact mapping`, () => {
      expect(sizes.length).toBeGreaterThan(0);
      for (const n of sizes) {
        const p = generatePattern(cls, n, createRng(n));
        const c = classifyTraffic(p.matrix, n);
        expect([c.class, ...c.alternatives], `${cls} at ${n}`).toContain(cls);
        expect(c.confidence).toBeCloseTo(1, 9);
        expect(c.kept.count).toBe(p.edges.length);
        // Lattice mappings are verified edge by edge by the recogniser itself; check their dimensions.
        if (c.class === cls && c.mapping!.kind !== "lattice") expect(edgesOf(c.class, c.mapping!)).toEqual(patternEdgeSet(p.edges));
        if (c.mapping!.kind === "lattice" && c.class === cls) {
          expect([...c.mapping!.dims].sort((a, b) => a - b)).toEqual([...p.dims].sort((a, b) => a - b));
          expect(c.mapping!.periodic).toBe(p.periodic);
        }
      }
    });
  }

  it("recognises the periodic 26-neighbour stencil", () => {
    for (const n of [64, 80, 512]) {
      const p = generatePattern("stencil3d-26", n, createRng(n), { periodic: true });
      const c = classifyTraffic(p.matrix, n);
      expect(c.class).toBe("stencil3d-26");
      expect(c.mapping).toMatchObject({ kind: "lattice", periodic: true });
    }
  });

  it("names the isomorphic alternatives: a 4x4 torus is the 4-cube, a 4x4x4 torus the 6-cube", () => {
    const t2 = classifyTraffic(generatePattern("torus2d", 16, createRng(1)).matrix, 16);
    expect(t2.class).toBe("torus2d");
    expect(t2.alternatives).toEqual(["hypercube"]);
    const t3 = classifyTraffic(generatePattern("torus3d", 64, createRng(1)).matrix, 64);
    expect(t3.class).toBe("torus3d");
    expect(t3.alternatives).toEqual(["hypercube"]);
  });

  it("maps shapes onto the generator's truth: star centre, bipartite servers, tree root", () => {
    const star = generatePattern("star", 50, createRng(3));
    expect(classifyTraffic(star.matrix, 50).mapping).toMatchObject({ kind: "star", centre: star.perm[0] });
    const bip = generatePattern("bipartite", 40, createRng(4));
    const servers = Array.from(bip.perm.slice(0, bip.dims[0]!)).sort((a, b) => a - b);
    expect(classifyTraffic(bip.matrix, 40).mapping).toMatchObject({ kind: "bipartite", servers });
    const tree = generatePattern("tree", 40, createRng(5));
    const c = classifyTraffic(tree.matrix, 40);
    expect(c.mapping).toMatchObject({ kind: "tree", arity: tree.dims[0] });
  });

  it("orients a one-way pipeline and measures a star's outward share", () => {
    const n = 10;
    const m = new Float64Array(n * n);
    for (let i = 0; i + 1 < n; i++) {
      m[(i + 1) * n + i] = 100;
      m[i * n + i + 1] = 1;
    }
    const c = classifyTraffic(m, n);
    expect(c.class).toBe("line");
    expect(c.mapping).toEqual({ kind: "line", order: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] });
    expect(c.flowShare).toBeCloseTo(100 / 101, 9);
  });

  it("says unknown, with a summary, for shapes outside the classes", () => {
    // Two disjoint rings.
    const n = 12;
    const m = new Float64Array(n * n);
    for (let i = 0; i < 6; i++) {
      m[i * n + ((i + 1) % 6)] = 1;
      m[(6 + i) * n + 6 + ((i + 1) % 6)] = 1;
    }
    const c = classifyTraffic(m, n);
    expect(c.class).toBe("unknown");
    expect(c.mapping).toBeNull();
    expect(c.graph.components).toBe(2);
    // An empty matrix.
    expect(classifyTraffic(new Float64Array(16), 4)).toMatchObject({ class: "unknown", confidence: 0 });
  });

  it("a fixed threshold keeps pairs >= threshold x heaviest; too low a threshold lets background through", () => {
    const p = generatePattern("ring", 32, createRng(9), { noise: 0.3, background: 0.1, backgroundLevel: 0.2 });
    const ok = classifyTraffic(p.matrix, 32, { threshold: 0.25 });
    expect(ok.class).toBe("ring");
    expect(ok.cut.rule).toBe("fixed");
    expect(ok.cut.relative).toBe(0.25);
    const low = classifyTraffic(p.matrix, 32, { threshold: 0.01 });
    expect(low.class).toBe("unknown");
  });
});
