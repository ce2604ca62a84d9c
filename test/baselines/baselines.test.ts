import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { algorithm, ALGORITHM_NAMES, baselines, Routing, ROUTINGS } from "../../src/core/baselines/index.js";
import { hostCosts } from "../../src/core/baselines/cluster-and-cut.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { generateInstance } from "../../src/core/instances/generate.js";
import { hostId } from "../../src/core/model/ids.js";
import { Instance, type InstanceInput } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { checkSolution, verifySolution } from "../../src/core/solve/checker.js";
import { compileNet } from "../../src/core/solve/net.js";
import { ConfigError } from "../../src/core/errors.js";

const instance = (maxVms: number, maxHosts: number, maxDemands: number, constraints: boolean) =>
  fc
    .record({ seed: fc.nat(), hosts: fc.integer({ min: 1, max: maxHosts }), vms: fc.integer({ min: 1, max: maxVms }), demands: fc.integer({ min: 0, max: maxDemands }) })
    .map((o) => randomInstance(createRng(o.seed), { ...o, constraints }));

const cases = Object.keys(baselines).flatMap((name) => ROUTINGS.map((routing) => [name, routing] as const));

describe("every baseline's answer passes the independent checker (fast-check)", () => {
  it.each(cases)("%s, %s paths", async (name, routing) => {
    const plugin = algorithm(name, routing);
    await fc.assert(
      fc.asyncProperty(instance(10, 6, 14, true), fc.nat(), async (inst, seed) => {
        const s = await plugin.solve(inst, { seed });
        expect(verifySolution(inst, s)).toEqual([]);
        if (s.feasible) expect(checkSolution(inst, s).feasible).toBe(true);
        else expect(s.violations!.length).toBeGreaterThan(0);
      }),
      { numRuns: 80 },
    );
  });

  it.each(Object.keys(baselines))("%s finds a feasible plan whenever capacity is ample", async (name) => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 2, max: 12 }), async (seed, vms) => {
        const inst = generateInstance(createRng(seed), {
          topology: { sites: ["a", "b", "c", "d"], links: ring4(1000) },
          pattern: { kind: "random", vms, degree: 2 },
          hostCpu: 64,
          hostMemMB: 1 << 20,
          meanMbps: 1,
          current: "random",
        });
        const s = await algorithm(name).solve(inst, { seed });
        expect(s.feasible).toBe(true);
        expect(verifySolution(inst, s)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});

function ring4(mbps: number): Array<{ from: string; to: string; mbps: number; latencyMs: number }> {
  const s = ["a", "b", "c", "d"];
  return s.flatMap((x, i) => {
    const y = s[(i + 1) % 4]!;
    return [
      { from: x, to: y, mbps, latencyMs: 1 + i },
      { from: y, to: x, mbps, latencyMs: 1 + i },
    ];
  });
}

/** Two sites far apart, two hosts each on a fast LAN; 4 VMs in two talkative pairs, 2 VMs fit per host. */
function twoSites(): Instance {
  const h = (id: string): InstanceInput["hosts"][number] => ({ id: hostId(id), cpu: 2, memMB: 4096, localMbps: 10_000 });
  const link = (a: string, b: string, latencyMs: number, mbps: number) => [
    { from: a, to: b, mbps, latencyMs },
    { from: b, to: a, mbps, latencyMs },
  ];
  return Instance.parse({
    hosts: [h("a1"), h("a2"), h("b1"), h("b2")],
    links: [...link("a1", "a2", 0.1, 1000), ...link("b1", "b2", 0.1, 1000), ...link("a1", "b1", 50, 100)],
    vms: ["v0", "v1", "v2", "v3"].map((id) => ({ id, cpu: 1, memMB: 1024 })),
    demands: [
      { src: "v0", dst: "v2", mbps: 50 },
      { src: "v2", dst: "v0", mbps: 50 },
      { src: "v1", dst: "v3", mbps: 40 },
      { src: "v0", dst: "v1", mbps: 1 },
    ],
    objective: "traffic-cost",
  });
}

describe("baseline behaviour", () => {
  it("traffic-aware co-locates the talkative pairs; load-only and round-robin spread the VMs", async () => {
    const inst = twoSites();
    const ta = await algorithm("traffic-aware").solve(inst);
    expect(ta.feasible).toBe(true);
    expect(ta.mapping["v0"]).toBe(ta.mapping["v2"]);
    expect(ta.mapping["v1"]).toBe(ta.mapping["v3"]);
    expect(ta.objectives["traffic-cost"]).toBeLessThan(1);
    const lo = await algorithm("load-only").solve(inst);
    expect(new Set(Object.values(lo.mapping)).size).toBe(4);
    const rr = await algorithm("round-robin").solve(inst);
    expect(rr.mapping).toEqual({ v0: "a1", v1: "a2", v2: "b1", v3: "b2" });
    for (const s of [ta, lo, rr]) expect(verifySolution(inst, s)).toEqual([]);
  });

  it("random placement is reproducible per seed and varies across seeds", async () => {
    const inst = generateInstance(createRng(3), { topology: { sites: ["a", "b", "c", "d"], links: ring4(1000) }, pattern: { kind: "ring", vms: 8 } });
    const r = algorithm("random");
    const a = await r.solve(inst, { seed: 5 });
    expect((await r.solve(inst, { seed: 5 })).mapping).toEqual(a.mapping);
    const others = await Promise.all([6, 7, 8, 9].map((seed) => r.solve(inst, { seed })));
    expect(others.some((o) => JSON.stringify(o.mapping) !== JSON.stringify(a.mapping))).toBe(true);
  });

  it("shortest routing takes the least-latency path, widest the widest", async () => {
    const inst = Instance.parse({
      hosts: ["x", "y", "z"].map((id) => ({ id, cpu: 1, memMB: 1024 })),
      links: [
        { from: "x", to: "z", mbps: 100, latencyMs: 1 },
        { from: "x", to: "y", mbps: 1000, latencyMs: 5 },
        { from: "y", to: "z", mbps: 1000, latencyMs: 5 },
      ],
      vms: [
        { id: "a", cpu: 1, memMB: 1024, pin: "x" },
        { id: "b", cpu: 1, memMB: 1024, pin: "z" },
      ],
      demands: [{ src: "a", dst: "b", mbps: 10 }],
    });
    expect((await algorithm("round-robin", Routing.Shortest).solve(inst)).paths[0]!.hosts).toEqual(["x", "z"]);
    expect((await algorithm("round-robin", Routing.Widest).solve(inst)).paths[0]!.hosts).toEqual(["x", "y", "z"]);
    expect((await algorithm("round-robin", Routing.Shortest).solve(inst)).solver).toBe("round-robin/shortest");
  });

  it("names the violated constraint when the VMs cannot fit", async () => {
    const inst = Instance.parse({
      hosts: [{ id: "h", cpu: 1, memMB: 1024 }, { id: "g", cpu: 1, memMB: 1024 }],
      links: [],
      vms: [{ id: "a", cpu: 1, memMB: 512 }, { id: "b", cpu: 1, memMB: 512 }, { id: "c", cpu: 1, memMB: 512 }],
      demands: [],
    });
    for (const name of Object.keys(baselines)) {
      const s = await algorithm(name).solve(inst);
      expect(s.feasible).toBe(false);
      expect(s.violations!.map((v) => v.constraint)).toContain("cpu");
    }
  });

  it("host costs are least-latency distances", () => {
    const net = compileNet(twoSites());
    const c = hostCosts(net);
    expect(c[0 * 4 + 3]!).toBeCloseTo(50.1, 3);
  });

  it("the registry knows VADAPT's solvers and the baselines, and refuses unknown names and misplaced routings", () => {
    expect(ALGORITHM_NAMES).toEqual(expect.arrayContaining(["greedy", "anneal", "mip", "random", "round-robin", "load-only", "traffic-aware"]));
    expect(() => algorithm("nope")).toThrow(ConfigError);
    expect(() => algorithm("greedy", Routing.Shortest)).toThrow(/routes by itself/);
  });
});
