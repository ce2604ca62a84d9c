import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateInstance, type Topology } from "../../src/core/instances/generate.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { Objective } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { branchAndBound as searchWith, simplePathTable, type BranchAndBoundOptions } from "../../src/core/solve/branch-and-bound.js";
import { bruteForce } from "../../src/core/solve/brute-force.js";
import { checkSolution } from "../../src/core/solve/checker.js";
import { greedyPlan } from "../../src/core/solve/greedy.js";
import { compileNet, type Net } from "../../src/core/solve/net.js";
import { planSolution } from "../../src/core/solve/solution.js";

/** Branch and bound over the net's simple paths (these instances have few). */
const branchAndBound = (net: Net, options?: BranchAndBoundOptions) => searchWith(net, simplePathTable(net)!, options);
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
const objectives = [Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization] as const;

describe("branch and bound equals brute force (<= 6 VMs, <= 4 hosts, every constraint of the spec)", () => {
  it.each(objectives)("%s, from no start and from greedy's plan", (objective) => {
    fc.assert(
      fc.property(
        fc.record({ seed: fc.nat(), hosts: fc.integer({ min: 1, max: 4 }), vms: fc.integer({ min: 1, max: 6 }), demands: fc.integer({ min: 0, max: 6 }), self: fc.boolean() }),
        (o) => {
          const random = randomInstance(createRng(o.seed), { ...o, objective });
          // sometimes a VM's demand to itself (always co-located: it loads its host's local bandwidth)
          const vm = random.vms[0]!.id;
          const inst = o.self ? { ...random, demands: [...random.demands, { src: vm, dst: vm, mbps: 40, maxLatencyMs: null }] } : random;
          const best = bruteForce(inst);
          const net = compileNet(inst);
          const g = greedyPlan(net);
          for (const start of [null, g.ok ? g.plan : null]) {
            const r = branchAndBound(net, { start });
            if (best === null) {
              expect(r.kind).toBe("infeasible");
              continue;
            }
            expect(r.kind).toBe("optimal");
            if (r.kind !== "optimal") continue;
            const report = checkSolution(inst, planSolution(r.plan, { solver: "bnb", millis: 0 }), objective);
            expect(report.feasible).toBe(true);
            expect(close(report.score, best.report.score)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** The 4-site WAN of bench/solve-exact12, smaller: 1000 Mbit/s links, 2-9 ms. */
const wan: Topology = {
  sites: ["a", "b", "c", "d"],
  links: (
    [
      ["a", "b", 2],
      ["b", "c", 3],
      ["c", "d", 5],
      ["d", "a", 4],
      ["a", "c", 9],
    ] as const
  ).flatMap(([x, y, l]) => [
    { from: x, to: y, mbps: 1000, latencyMs: l },
    { from: y, to: x, mbps: 1000, latencyMs: l },
  ]),
};

/** Three sites in a triangle: two paths between any two hosts. */
const triangle: Topology = {
  sites: ["a", "b", "c"],
  links: wan.links.filter((l) => l.from !== "d" && l.to !== "d"),
};

describe("patterns over a WAN (table-driven, against brute force)", () => {
  const table = [
    { pattern: "ring", vms: 5 },
    { pattern: "star", vms: 5 },
    { pattern: "mesh2d", vms: 4 },
    { pattern: "all-to-all", vms: 4 },
  ] as const;
  it.each(table.flatMap((t) => objectives.map((objective) => ({ ...t, objective }))))("$pattern of $vms VMs, $objective", ({ pattern, vms, objective }) => {
    // 2 cores per host: co-location is scarce, the WAN's links are shared
    const inst = generateInstance(createRng(5), { topology: triangle, pattern: { kind: pattern, vms }, hostCpu: 2, current: "random", objective, meanMbps: 300 });
    const best = bruteForce(inst);
    const r = branchAndBound(compileNet(inst));
    expect(r.kind).toBe(best === null ? "infeasible" : "optimal");
    if (r.kind === "optimal") expect(close(r.plan.score(), best!.report.score)).toBe(true);
  });
});

describe("limits", () => {
  const inst = generateInstance(createRng(7), { topology: wan, pattern: { kind: "ring", vms: 12 }, hostCpu: 4, current: "random", objective: Objective.ResidualBottleneck, meanMbps: 100 });
  const net = compileNet(inst);
  it("a node limit stops the search with the start as its best plan", () => {
    const g = greedyPlan(net);
    expect(g.ok).toBe(true);
    const r = branchAndBound(net, { start: g.ok ? g.plan : null, maxNodes: 5 });
    expect(r.kind).toBe("limit");
    if (r.kind === "limit") expect(r.plan).toBe(g.ok ? g.plan : null);
  });
  it("the deadline is read from the injected clock", () => {
    let now = 0;
    // the clock is read every 1024 nodes; the whole search takes ~47 000
    const r = branchAndBound(net, { clock: () => (now += 100), deadlineMs: 2000 });
    expect(r.kind).toBe("limit");
  });
  it("the ring of 12 VMs on 4 hosts of 4 cores: the optimum co-locates 9 of its 12 pairs", () => {
    const g = greedyPlan(net);
    const r = branchAndBound(net, { start: g.ok ? g.plan : null });
    expect(r.kind).toBe("optimal");
    if (r.kind !== "optimal") return;
    const together = inst.demands.filter((d) => r.plan.hostOf[net.vmIds.indexOf(d.src)] === r.plan.hostOf[net.vmIds.indexOf(d.dst)]).length;
    expect(together).toBe(18);
  });
  it("applies only where the hosts' simple paths can be enumerated", () => {
    expect(simplePathTable(net)).not.toBeNull();
    const dense = randomInstance(createRng(1), { hosts: 12, vms: 4, demands: 2, linkProbability: 1 });
    expect(simplePathTable(compileNet(dense))).toBeNull();
  });
});
