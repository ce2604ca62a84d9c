import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { highsSolver } from "../../src/adapters/lp/highs.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { Instance, maximizes, Objective, type InstanceInput } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { bruteForce } from "../../src/core/solve/brute-force.js";
import { communicatingPairs, densityBound } from "../../src/core/solve/co-location.js";
import { compileNet } from "../../src/core/solve/net.js";
import { relaxationBound } from "../../src/core/solve/relaxation.js";

/** n VMs talking along a ring (one demand per neighbour pair), on 4 roomy hosts with `perHost` cpu. */
function ring(n: number, perHost: number): Instance {
  return Instance.parse({
    hosts: Array.from({ length: 4 }, (_, i) => ({ id: `h${i}`, cpu: perHost, memMB: 1 << 20 })),
    links: [],
    vms: Array.from({ length: n }, (_, i) => ({ id: `v${i}`, cpu: 1, memMB: 1 })),
    demands: Array.from({ length: n }, (_, i) => ({ src: `v${i}`, dst: `v${(i + 1) % n}`, mbps: 1 })),
  } satisfies InstanceInput);
}

describe("density bound on co-located pairs", () => {
  it.each([
    // a ring of 6 with 2 VMs per host: a perfect matching, 3 pairs
    [6, 2, 3],
    // with 3 per host: two paths of three, 4 pairs
    [6, 3, 4],
    // 12 with 4 per host: three paths of four, 3 pairs each
    [12, 4, 9],
  ])("ring of %i, %i VMs per host: %i pairs at most (the star bound says more)", (n, k, expected) => {
    const net = compileNet(ring(n, k));
    const { pairs } = communicatingPairs(net);
    const bound = densityBound(net, pairs, new Float64Array(pairs.length).fill(1), () => true, k);
    expect(bound).toBeCloseTo(expected, 9);
  });

  it("gives up (null) beyond its budget", () => {
    const net = compileNet(ring(12, 4));
    const { pairs } = communicatingPairs(net);
    expect(densityBound(net, pairs, new Float64Array(pairs.length).fill(1), () => true, 4, 10)).toBeNull();
  });
});

describe("the aggregated relaxation bounds the optimum", () => {
  it("for every objective, on random instances (brute force)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ seed: fc.nat(), hosts: fc.integer({ min: 1, max: 4 }), vms: fc.integer({ min: 1, max: 6 }), demands: fc.integer({ min: 0, max: 7 }) }),
        fc.constantFrom(Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization),
        async (o, objective) => {
          const inst = randomInstance(createRng(o.seed), { ...o, objective });
          const best = bruteForce(inst);
          fc.pre(best !== null);
          const bound = await relaxationBound(compileNet(inst), highsSolver);
          expect(bound).not.toBeNull();
          const opt = best!.report.score;
          const slack = 1e-6 * Math.max(1, Math.abs(opt));
          if (maximizes(objective)) expect(bound!).toBeGreaterThanOrEqual(opt - slack);
          else expect(bound!).toBeLessThanOrEqual(opt + slack);
        },
      ),
      { numRuns: 150 },
    );
  });
});
