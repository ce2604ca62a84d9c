import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { highsSolver } from "../../src/adapters/lp/highs.js";
import { generateInstance, type Topology } from "../../src/core/instances/generate.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { Instance, maximizes, Objective, type InstanceInput } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { bruteForce } from "../../src/core/solve/brute-force.js";
import { communicatingPairs, vmDensities } from "../../src/core/solve/co-location.js";
import { compileNet } from "../../src/core/solve/net.js";
import { hostClasses, relaxationBound } from "../../src/core/solve/relaxation.js";

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
    const rho = vmDensities(net, pairs, new Float64Array(pairs.length).fill(1), () => true, k);
    expect(rho!.reduce((s, x) => s + x, 0)).toBeCloseTo(expected, 9);
  });

  it("gives up (null) beyond its budget", () => {
    const net = compileNet(ring(12, 4));
    const { pairs } = communicatingPairs(net);
    expect(vmDensities(net, pairs, new Float64Array(pairs.length).fill(1), () => true, 4, 10)).toBeNull();
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

/** A chain of sites joined both ways by wide-area links of the given Mbit/s. */
function chain(mbps: readonly number[]): Topology {
  const sites = Array.from({ length: mbps.length + 1 }, (_, i) => `s${i}`);
  return { sites, links: mbps.flatMap((m, i) => [{ from: sites[i]!, to: sites[i + 1]!, mbps: m, latencyMs: 5 }, { from: sites[i + 1]!, to: sites[i]!, mbps: m, latencyMs: 5 }]) };
}

/**
 * Sites with LANs: the first host of each site is its gateway on the wide-area links, the others reach it over a
 * 1000 Mbit/s LAN mesh (generateInstance), so hosts fall into several classes of widest path.
 */
const gatewayInstance = fc
  .record({
    seed: fc.nat(),
    wan: fc.array(fc.constantFrom(45, 400, 2500, 10_000), { minLength: 1, maxLength: 2 }),
    extraHosts: fc.integer({ min: 1, max: 2 }),
    vms: fc.integer({ min: 2, max: 5 }),
    degree: fc.integer({ min: 1, max: 2 }),
    hostCpu: fc.integer({ min: 1, max: 3 }),
    meanMbps: fc.constantFrom(20, 150, 400),
    localMbps: fc.constantFrom(500, 10_000),
    migrationWeight: fc.constantFrom(0, 0.001),
  })
  .map((o) =>
    generateInstance(createRng(o.seed), {
      topology: chain(o.wan),
      pattern: { kind: "random", vms: o.vms, degree: o.degree },
      hosts: o.wan.length + 1 + o.extraHosts,
      hostCpu: o.hostCpu,
      vmCpu: 1,
      meanMbps: o.meanMbps,
      localMbps: o.localMbps,
      current: "random",
      migrationWeight: o.migrationWeight,
    }),
  );

describe("the aggregated relaxation bounds the optimum over gateways and site LANs", () => {
  it("for every number of host classes (merged or not), and fewer classes never bound tighter", async () => {
    await fc.assert(
      fc.asyncProperty(gatewayInstance, async (inst) => {
        const best = bruteForce(inst);
        fc.pre(best !== null);
        const net = compileNet(inst);
        const opt = best!.report.score;
        const slack = 1e-6 * Math.max(1, Math.abs(opt));
        const bounds: number[] = [];
        for (const maxClasses of [1, 2, 3, 6]) {
          const bound = await relaxationBound(net, highsSolver, { maxClasses });
          expect(bound).not.toBeNull();
          expect(bound!).toBeGreaterThanOrEqual(opt - slack);
          bounds.push(bound!);
        }
        // merging classes relaxes the model: the bound with all classes is the tightest
        expect(bounds[3]!).toBeLessThanOrEqual(Math.min(...bounds) + slack);
      }),
      { numRuns: 60 },
    );
  });

  it("groups gateways and LAN hosts by widest path, with the widest path between the classes", () => {
    // sites s0 – s1 – s2 over 10 Gbit/s then 45 Mbit/s; 6 hosts: gateways s0-1, s1-1, s2-1 and LAN hosts s0-2, s1-2, s2-2
    const inst = generateInstance(createRng(1), { topology: chain([10_000, 45]), pattern: { kind: "ring", vms: 4 }, hosts: 6 });
    const cls = hostClasses(compileNet(inst), 6);
    const summary = cls.list.map((c) => [c.hosts.map((h) => inst.hosts[h]!.id).join(" "), c.outMbps, c.inMbps]);
    expect(summary).toEqual([
      ["s0-1 s1-1", 10_000, 10_000],
      ["s2-1 s0-2 s1-2 s2-2", 1000, 1000],
    ]);
    // gateway to gateway 10 Gbit/s; anything involving a LAN host (or s2, behind 45 Mbit/s) at most the LAN's 1000
    expect([...cls.width]).toEqual([10_000, 1000, 1000, 1000]);
  });
});
