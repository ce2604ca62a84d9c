import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/rng.js";
import { generatePattern } from "../../../src/core/vttif/patterns.js";
import { autoCuts, fixedCut, keptPairs, otsuSplit, pairWeights } from "../../../src/core/vttif/prune.js";
import { recogniseShapes, SHAPE_CLASSES } from "../../../src/core/vttif/shapes.js";
import { buildUGraph, neighboursOf, type UGraph } from "../../../src/core/vttif/ugraph.js";
import { edgesOf, key } from "./mapping-edges.js";

function graphEdges(g: UGraph): Set<string> {
  const out = new Set<string>();
  for (let v = 0; v < g.n; v++) for (const w of neighboursOf(g, v)) out.add(key(v, w));
  return out;
}

describe("shape recognisers are exact", () => {
  it("every match's mapping reproduces the graph edge for edge (patterns, perturbed patterns, random graphs)", () => {
    let matched = 0;
    fc.assert(
      fc.property(fc.constantFrom(...SHAPE_CLASSES), fc.integer({ min: 8, max: 70 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom("clean", "add", "drop", "random"), (cls, size, seed, how) => {
        const rng = createRng(seed);
        let n = size;
        let edges: Array<readonly [number, number]>;
        if (how === "random") {
          edges = [];
          const p = 3 / n;
          for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < p) edges.push([i, j]);
        } else {
          let pat = null;
          for (; pat === null; n++) {
            try {
              pat = generatePattern(cls, n, rng);
            } catch {
              pat = null;
            }
          }
          n = pat.n;
          edges = [...pat.edges];
          if (how === "add") edges.push([rng.int(n), rng.int(n)]);
          if (how === "drop") edges.splice(rng.int(edges.length), 1);
        }
        const g = buildUGraph(n, edges.map((e) => e[0]), edges.map((e) => e[1]));
        const want = graphEdges(g);
        for (const m of recogniseShapes(g)) {
          matched++;
          expect(edgesOf(m.class, m.mapping), `${m.class} from ${cls}/${how}`).toEqual(want);
        }
        if (how === "clean") expect(recogniseShapes(g).map((m) => m.class)).toContain(cls);
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(matched).toBeGreaterThan(50);
  });
});

describe("pruning", () => {
  const m = (pairs: Array<[number, number, number]>, n: number): Float64Array => {
    const x = new Float64Array(n * n);
    for (const [i, j, w] of pairs) x[i * n + j] = w;
    return x;
  };

  it("sums both directions into undirected weights, sorted descending", () => {
    const pw = pairWeights(m([[0, 1, 3], [1, 0, 2], [2, 3, 1]], 4), 4);
    expect([...pw.sorted]).toEqual([5, 1]);
    expect(pw.total).toBe(6);
  });

  it("a fixed cut keeps pairs >= threshold x heaviest and reports its separation", () => {
    const pw = pairWeights(m([[0, 1, 10], [1, 2, 8], [2, 3, 1]], 4), 4);
    const c = fixedCut(pw, 0.5);
    expect(c).toMatchObject({ kept: 2, threshold: 8, relative: 0.5, rule: "fixed" });
    expect(c.separation).toBeCloseTo(1 - 1 / 8, 12);
    expect(keptPairs(pw, c).count).toBe(2);
  });

  it("the automatic cut offers the largest log gaps, Otsu's split and the floor", () => {
    const pw = pairWeights(m([[0, 1, 100], [1, 2, 90], [2, 3, 80], [3, 4, 5], [4, 5, 4], [5, 6, 0.001]], 7), 7);
    const cuts = autoCuts(pw);
    expect(cuts[0]).toMatchObject({ rule: "gap", kept: 3 });
    expect(cuts.at(-1)).toMatchObject({ rule: "floor", kept: 5 });
    expect(new Set(cuts.map((c) => c.kept)).size).toBe(cuts.length);
    expect(otsuSplit(Float64Array.of(5, 4.9, 1, 0.9).map(Math.log))).toBe(2);
  });
});
