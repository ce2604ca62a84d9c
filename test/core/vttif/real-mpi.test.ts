/**
 * VTTIF on real MPI communication graphs (mpiP-derived per-rank-pair byte totals of NPB, CloverLeaf, CoMD and
 * miniMD runs at 64 and ~1000 ranks, ../shared/data/mpi-comm-graphs): what the inference finds for each app.
 * Ranks are matrix positions, so the kept pairs' rank offsets reveal the stencil.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { classifyTraffic, type Classification } from "../../../src/core/vttif/classify.js";
import { parseMpiGraph } from "../../../src/importers/mpi.js";
import { dataPath, describeWithData } from "../../helpers/data.js";

function infer(...path: string[]): { n: number; c: Classification } {
  const file = dataPath("mpi-comm-graphs", ...path, "graphStats.txt");
  const g = parseMpiGraph(readFileSync(file, "utf8"), file);
  const n = g.ranks;
  const m = new Float64Array(n * n);
  for (const e of g.entries) m[e.src * n + e.dst]! += e.bytes;
  return { n, c: classifyTraffic(m, n) };
}

const offsets = (c: Classification): Record<number, number> => Object.fromEntries(c.graph.positionOffsets.map((o) => [o.offset, o.pairs]));
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
function keptPairs(c: Classification): Array<[number, number]> {
  return Array.from({ length: c.kept.count }, (_, k) => [c.kept.a[k]!, c.kept.b[k]!]);
}

describeWithData("VTTIF on real MPI communication graphs", () => {
  for (const [size, side] of [["64_ranks", 8], ["C_1024_ranks", 32]] as const) {
    it(`NPB LU ${size}: a ${side}x${side} 2D mesh (5-point stencil, no wrap-around)`, () => {
      const { c } = infer("NPB", "lu_results", size === "64_ranks" ? "C_64_ranks" : size);
      expect(c.class).toBe("mesh2d");
      expect(c.mapping).toMatchObject({ kind: "lattice", dims: [side, side], periodic: false });
      expect(offsets(c)).toEqual({ 1: side * (side - 1), [side]: side * (side - 1) });
      expect(c.confidence).toBeGreaterThan(0.99);
    });
  }

  it("NPB MG: a 3D torus, 4x4x4 at 64 ranks (which is also the 6-cube) and 8x8x16 at 1024", () => {
    const small = infer("NPB", "mg_results", "64_ranks").c;
    expect(small.class).toBe("torus3d");
    expect(small.alternatives).toEqual(["hypercube"]);
    expect(small.mapping).toMatchObject({ dims: [4, 4, 4], periodic: true });
    const big = infer("NPB", "mg_results", "1024_ranks").c;
    expect(big.class).toBe("torus3d");
    expect(sorted((big.mapping as { dims: number[] }).dims)).toEqual([8, 8, 16]);
    // The coarse multigrid levels' lighter pairs are cut off at a gap.
    expect(big.cut.rule).toBe("gap");
    expect(big.cut.kept).toBe(3072);
  });

  it("NPB CG: unknown; per process-grid row a hypercube (recursive doubling) plus transpose partners", () => {
    for (const [size, side] of [["64_ranks", 8], ["1024_ranks", 32]] as const) {
      const { c } = infer("NPB", "cg_results", size);
      expect(c.class).toBe("unknown");
      // The 12-byte reductions to rank 0 are pruned; what is left is exactly the two kinds of pairs.
      const dim = Math.log2(side);
      for (const [a, b] of keptPairs(c)) {
        const [ra, ca] = [Math.floor(a / side), a % side];
        const [rb, cb] = [Math.floor(b / side), b % side];
        const x = ca ^ cb;
        const rowHypercube = ra === rb && x !== 0 && (x & (x - 1)) === 0;
        const transpose = ra === cb && ca === rb;
        expect(rowHypercube || transpose, `${a}-${b}`).toBe(true);
      }
      expect(c.kept.count).toBe((side * side * dim) / 2 + (side * (side - 1)) / 2);
    }
  });

  it("NPB BT: unknown; 6 neighbours each, a 2D torus with one diagonal (the multi-partition scheme)", () => {
    for (const [size, side] of [["64_ranks", 8], ["1024_ranks", 32]] as const) {
      const { c } = infer("NPB", "bt_results", size);
      expect(c.class).toBe("unknown");
      expect([c.graph.minDegree, c.graph.maxDegree]).toEqual([6, 6]);
      const mod = (x: number): number => ((x % side) + side) % side;
      for (const [a, b] of keptPairs(c)) {
        const dr = mod(Math.floor(b / side) - Math.floor(a / side));
        const dc = mod((b % side) - (a % side));
        const step = [[1, 0], [side - 1, 0], [0, 1], [0, side - 1], [1, side - 1], [side - 1, 1]].some(([r, cc]) => r === dr && cc === dc);
        expect(step, `${a}-${b}`).toBe(true);
      }
      expect(c.kept.count).toBe(3 * side * side);
    }
  });

  it("NPB EP and FT: a star around rank 0 (only the reductions are point-to-point; FT's all-to-all is collective)", () => {
    for (const app of ["ep_results", "ft_results"]) {
      for (const size of ["64_ranks", "1024_ranks"]) {
        const { n, c } = infer("NPB", app, size);
        expect(c.class).toBe("star");
        expect(c.mapping).toMatchObject({ kind: "star", centre: 0 });
        expect((c.mapping as { leaves: number[] }).leaves).toHaveLength(n - 1);
      }
    }
  });

  it("NPB IS: a star around rank 0 above a lighter chain of neighbours (pruned at the gap)", () => {
    for (const size of ["64_ranks", "1024_ranks"]) {
      const { n, c } = infer("NPB", "is_results", size);
      expect(c.class).toBe("star");
      expect(c.mapping).toMatchObject({ centre: 0 });
      expect(c.cut.rule).toBe("gap");
      // Star pairs carry 16 bytes, the rank chain 4: separation 1 - 4/16.
      expect(c.separation).toBeCloseTo(0.75, 9);
      expect(c.cut.kept).toBe(n - 1);
    }
  });

  it("CloverLeaf: a 2D mesh, 8x8 at 64 ranks and 32x36 at 1152", () => {
    const small = infer("CloverLeaf", "64_ranks").c;
    expect(small.class).toBe("mesh2d");
    expect(small.mapping).toMatchObject({ dims: [8, 8], periodic: false });
    const big = infer("CloverLeaf", "1152_ranks").c;
    expect(big.class).toBe("mesh2d");
    expect(sorted((big.mapping as { dims: number[] }).dims)).toEqual([32, 36]);
    expect(offsets(big)).toEqual({ 1: 1116, 32: 1120 });
  });

  it("CoMD: a star around rank 0 (its halo exchange is not in the point-to-point graph)", () => {
    for (const size of ["64_ranks", "1000_ranks"]) {
      const { c } = infer("CoMD", size);
      expect(c.class).toBe("star");
      expect(c.mapping).toMatchObject({ centre: 0 });
    }
  });

  it("miniMD: a 3D torus, 4x4x4 at 64 ranks and 16x8x8 at 1024", () => {
    const small = infer("miniMD", "64_ranks").c;
    expect(small.class).toBe("torus3d");
    expect(small.mapping).toMatchObject({ dims: [4, 4, 4], periodic: true });
    const big = infer("miniMD", "1024_ranks").c;
    expect(big.class).toBe("torus3d");
    expect(sorted((big.mapping as { dims: number[] }).dims)).toEqual([8, 8, 16]);
    expect(offsets(big)).toMatchObject({ 1: 960, 16: 896, 128: 896 });
  });
});
