import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateInstance, type Topology } from "../../src/core/instances/generate.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { fitsWithin, maximizes, Objective } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { bisectionPlan, greedyPlan } from "../../src/core/solve/greedy.js";
import { compileNet } from "../../src/core/solve/net.js";
import { bisectionMapping, hostTree, type HostTree } from "../../src/core/solve/recursive-bisection.js";

const leaves = (t: HostTree): number[] => (t.left === null || t.right === null ? [t.host] : [...leaves(t.left), ...leaves(t.right)]);

/** Two sites of a LAN each, far apart over one slow link. */
const twoSites: Topology = {
  sites: ["a", "b"],
  links: [
    { from: "a", to: "b", mbps: 100, latencyMs: 20 },
    { from: "b", to: "a", mbps: 100, latencyMs: 20 },
  ],
};

describe("host hierarchy", () => {
  const inst = generateInstance(createRng(1), { topology: twoSites, pattern: { kind: "ring", vms: 4 }, hosts: 8, hostCpu: 2 });
  const net = compileNet(inst);
  const tree = hostTree(net, [0, 1, 2, 3, 4, 5, 6, 7]);

  it("holds every host once, each group with its members' capacity", () => {
    expect(leaves(tree).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const check = (t: HostTree): void => {
      if (t.left === null || t.right === null) return;
      expect(t.cpu).toBe(t.left.cpu + t.right.cpu);
      expect(t.mem).toBe(t.left.mem + t.right.mem);
      check(t.left);
      check(t.right);
    };
    check(tree);
    expect(tree.cpu).toBe(16);
  });

  it("splits first where the paths are narrowest: between the two sites", () => {
    const site = (h: number): string => String(net.hostIds[h]).split("-")[0]!;
    for (const side of [tree.left!, tree.right!]) expect(new Set(leaves(side).map(site)).size).toBe(1);
  });
});

describe("dual recursive bipartitioning", () => {
  it.each([
    // [pattern, VMs, cores per host, hosts, co-located pairs at best]
    ["ring", 12, 3, 4, 8],
    ["ring", 12, 4, 3, 9],
    ["ring", 16, 8, 2, 14],
  ] as const)("%s of %i VMs on hosts of %i cores (%i hosts): the best co-location, %i pairs", (kind, vms, cpu, hosts, best) => {
    const inst = generateInstance(createRng(3), { topology: twoSites, pattern: { kind, vms }, hosts, hostCpu: cpu, objective: Objective.ResidualBottleneck });
    const net = compileNet(inst);
    const mapping = bisectionMapping(net, hostTree(net, Array.from({ length: hosts }, (_, h) => h)), new Float64Array(net.D).fill(1));
    expect(mapping).not.toBeNull();
    const pairs = new Set<string>();
    for (let d = 0; d < net.D; d++) {
      if (mapping![net.src[d]!] === mapping![net.dst[d]!]) pairs.add([net.src[d]!, net.dst[d]!].sort().join());
    }
    expect(pairs.size).toBe(best);
  });

  it("maps every VM onto the tree's hosts within their cpu and memory, or answers null (random instances)", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2, max: 24 }), (seed, hosts, vms) => {
        const net = compileNet(randomInstance(createRng(seed), { hosts, vms, demands: 2 * vms }));
        const chosen = Array.from({ length: hosts }, (_, h) => h).filter((h) => h % 3 !== 2 || hosts < 3);
        const mapping = bisectionMapping(net, hostTree(net, chosen), net.mbps);
        if (mapping === null) return;
        const cpu = new Float64Array(net.H);
        const mem = new Float64Array(net.H);
        for (let v = 0; v < net.V; v++) {
          expect(chosen).toContain(mapping[v]);
          cpu[mapping[v]!]! += net.cpu[v]!;
          mem[mapping[v]!]! += net.mem[v]!;
        }
        for (const h of chosen) {
          expect(fitsWithin(cpu[h]!, net.cpuCap[h]!)).toBe(true);
          expect(fitsWithin(mem[h]!, net.memCap[h]!)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a 3-D stencil of 64 VMs on hosts of 8 cores: every host a 2×2×2 cube", () => {
    const traffic = [];
    const at = (x: number, y: number, z: number): number => ((x + 4) % 4) + 4 * ((y + 4) % 4) + 16 * ((z + 4) % 4);
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) for (let z = 0; z < 4; z++) for (const [dx, dy, dz] of [[1, 0, 0], [0, 1, 0], [0, 0, 1]] as const) traffic.push({ src: at(x, y, z), dst: at(x + dx, y + dy, z + dz), bytes: 1e6 });
    const inst = generateInstance(createRng(2), {
      topology: twoSites,
      pattern: { kind: "mpi", ranks: 64, traffic, directed: false },
      hosts: 8,
      hostCpu: 8,
      lanMbps: 10_000,
      meanMbps: 1,
      objective: Objective.ResidualBottleneck,
    });
    const net = compileNet(inst);
    const mapping = bisectionMapping(net, hostTree(net, Array.from({ length: 8 }, (_, h) => h)), new Float64Array(net.D).fill(1));
    expect(mapping).not.toBeNull();
    let colocated = 0;
    for (let d = 0; d < net.D; d++) if (mapping![net.src[d]!] === mapping![net.dst[d]!]) colocated++;
    // 8 hosts × 12 pairs × 2 directions
    expect(colocated).toBe(192);
  });

  it("greedy answers the better of its own plan and the bisection's, which passes the checker (random instances)", () => {
    let applied = 0;
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2, max: 20 }), fc.constantFrom(...Object.values(Objective)), (seed, hosts, vms, objective) => {
        const inst = randomInstance(createRng(seed), { hosts, vms, demands: 2 * vms, objective, constraints: false });
        const net = compileNet({ ...inst, maxMigrations: null, migrationWeight: 0 });
        const split = bisectionPlan(net);
        if (split === null) return;
        applied++;
        expect(split.violations()).toEqual([]);
        const g = greedyPlan(net);
        expect(g.ok).toBe(true);
        if (!g.ok) return;
        if (maximizes(objective)) expect(g.plan.score()).toBeGreaterThanOrEqual(split.score());
        else expect(g.plan.score()).toBeLessThanOrEqual(split.score());
      }),
      { numRuns: 200 },
    );
    expect(applied).toBeGreaterThan(10);
  });
});
