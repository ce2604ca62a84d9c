import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { glpkSolver } from "../../src/adapters/lp/glpk.js";
import { highsSolver } from "../../src/adapters/lp/highs.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { Instance, maximizes, type InstanceInput, type Solution } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { bruteForce } from "../../src/core/solve/brute-force.js";
import { verifySolution } from "../../src/core/solve/checker.js";
import { compileNet } from "../../src/core/solve/net.js";
import { solvers, type SolveOptions } from "../../src/core/solve/plugin.js";
import { relaxationBound } from "../../src/core/solve/relaxation.js";

const options: SolveOptions = { lp: highsSolver, iterations: 2000 };
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** A seeded random instance of the given size (the seed is what fast-check shrinks). */
const instance = (maxVms: number, maxHosts: number, maxDemands: number) =>
  fc
    .record({ seed: fc.nat(), hosts: fc.integer({ min: 1, max: maxHosts }), vms: fc.integer({ min: 1, max: maxVms }), demands: fc.integer({ min: 0, max: maxDemands }) })
    .map((o) => randomInstance(createRng(o.seed), o));

describe("every solver's answer passes the independent checker", () => {
  it.each(Object.keys(solvers))("%s", async (name) => {
    await fc.assert(
      fc.asyncProperty(name === "greedy" || name === "anneal" ? instance(8, 5, 10) : instance(6, 4, 6), async (inst) => {
        const s = await solvers[name]!.solve(inst, options);
        expect(verifySolution(inst, s)).toEqual([]);
        if (!s.feasible) expect(s.violations!.length).toBeGreaterThan(0);
      }),
      { numRuns: name === "greedy" ? 60 : 30 },
    );
  });
});

/**
 * The instance with every VM running where a feasible plan puts it (so the current placement is feasible: it fits
 * and routes) and a migration budget of 0 to 2.
 */
const runningWhere = (inst: Instance, mapping: Solution["mapping"], budget: number): Instance =>
  Instance.parse({ ...inst, vms: inst.vms.map((v) => ({ ...v, host: mapping[v.id] })), maxMigrations: budget });

describe("a feasible current placement is never answered infeasible (maxMigrations respected)", () => {
  it.each(Object.keys(solvers))("%s (current placement from brute force, <= 6 VMs, <= 4 hosts)", async (name) => {
    await fc.assert(
      fc.asyncProperty(instance(6, 4, 6), fc.integer({ min: 0, max: 2 }), async (inst, budget) => {
        const free = bruteForce({ ...inst, maxMigrations: null });
        fc.pre(free !== null);
        const running = runningWhere(inst, free!.mapping, budget);
        const s = await solvers[name]!.solve(running, options);
        expect(s.violations ?? []).toEqual([]);
        expect(s.feasible).toBe(true);
        expect(s.migrations.length).toBeLessThanOrEqual(budget);
        expect(verifySolution(running, s)).toEqual([]);
      }),
      { numRuns: name === "greedy" ? 200 : name === "anneal" ? 80 : 30 },
    );
  });
  it.each(["greedy", "anneal"])("%s (current placement from greedy, up to 14 VMs on 6 hosts)", async (name) => {
    await fc.assert(
      fc.asyncProperty(instance(14, 6, 20), fc.integer({ min: 0, max: 2 }), async (inst, budget) => {
        const free = await solvers.greedy!.solve({ ...inst, maxMigrations: null }, options);
        fc.pre(free.feasible);
        const running = runningWhere(inst, free.mapping, budget);
        const s = await solvers[name]!.solve(running, options);
        expect(s.feasible).toBe(true);
        expect(s.migrations.length).toBeLessThanOrEqual(budget);
        expect(verifySolution(running, s)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});

describe("the exact MIP equals brute force (<= 6 VMs, <= 4 hosts)", () => {
  it("HiGHS: same optimum score, same verdict on feasibility", async () => {
    await fc.assert(
      fc.asyncProperty(instance(6, 4, 5), async (inst) => {
        const best = bruteForce(inst);
        const s = await solvers.mip!.solve(inst, { lp: highsSolver });
        expect(s.feasible).toBe(best !== null);
        if (best === null) {
          expect(s.proven).toBe(true);
          return;
        }
        expect(close(s.score!, best.report.score)).toBe(true);
        expect(s.bound).not.toBeNull();
        expect(close(s.bound!, best.report.score)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("glpk.js agrees on a few", async () => {
    const rng = createRng(11);
    for (let i = 0; i < 12; i++) {
      const inst = randomInstance(rng.fork(), { hosts: 3, vms: 5, demands: 4 });
      const best = bruteForce(inst);
      const s = await solvers.mip!.solve(inst, { lp: glpkSolver });
      expect(s.feasible).toBe(best !== null);
      if (best !== null) expect(close(s.score!, best.report.score)).toBe(true);
    }
  });
});

describe("heuristics and bounds against the optimum", () => {
  it("greedy and annealing never beat the optimum; annealing never loses to greedy; the LP bound holds", async () => {
    await fc.assert(
      fc.asyncProperty(instance(6, 4, 6), async (inst) => {
        const best = bruteForce(inst);
        fc.pre(best !== null);
        const opt = best!.report.score;
        const better = (a: number, b: number): boolean => (maximizes(inst.objective) ? a > b : a < b) && !close(a, b);
        const g = await solvers.greedy!.solve(inst, options);
        const a = await solvers.anneal!.solve(inst, options);
        if (g.feasible) {
          expect(better(g.score!, opt)).toBe(false);
          expect(a.feasible).toBe(true);
          expect(better(g.score!, a.score!)).toBe(false);
        }
        if (a.feasible) expect(better(a.score!, opt)).toBe(false);
        const bound = await relaxationBound(compileNet(inst), highsSolver);
        expect(bound).not.toBeNull();
        expect(better(opt, bound!)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

/** Two hosts joined both ways; two VMs; builders for infeasible variants. */
function pair(over: Partial<InstanceInput> = {}): Instance {
  return Instance.parse({
    hosts: [
      { id: "h1", cpu: 2, memMB: 4096, localMbps: 1000 },
      { id: "h2", cpu: 2, memMB: 4096, localMbps: 1000 },
    ],
    links: [
      { from: "h1", to: "h2", mbps: 100, latencyMs: 5 },
      { from: "h2", to: "h1", mbps: 100, latencyMs: 5 },
    ],
    vms: [
      { id: "a", cpu: 1, memMB: 1024, host: "h1" },
      { id: "b", cpu: 1, memMB: 1024, host: "h2" },
    ],
    demands: [{ src: "a", dst: "b", mbps: 50 }],
    ...over,
  } satisfies InstanceInput);
}

describe("infeasible instances are answered with the violated constraint named", () => {
  const cases: Array<[string, Instance, string]> = [
    ["a VM bigger than any host", pair({ vms: [{ id: "a", cpu: 3, memMB: 1 }, { id: "b", cpu: 1, memMB: 1 }] }), "cpu"],
    ["pinned outside its allowed set", pair({ vms: [{ id: "a", cpu: 1, memMB: 1, pin: "h1", allowed: ["h2"] }, { id: "b", cpu: 1, memMB: 1 }] }), "pin"],
    ["too much memory in all", pair({ vms: [{ id: "a", cpu: 1, memMB: 3000 }, { id: "b", cpu: 1, memMB: 3000 }, { id: "c", cpu: 1, memMB: 3000 }] }), "memory"],
    [
      "a demand larger than links and local bandwidth",
      pair({ demands: [{ src: "a", dst: "b", mbps: 5000 }] }),
      "link-bandwidth",
    ],
    [
      "a latency bound no link meets, co-location forbidden",
      pair({ vms: [{ id: "a", cpu: 2, memMB: 1024 }, { id: "b", cpu: 2, memMB: 1024 }], demands: [{ src: "a", dst: "b", mbps: 1, maxLatencyMs: 1 }] }),
      "latency",
    ],
    [
      "pinned apart with no link between",
      pair({ links: [], vms: [{ id: "a", cpu: 1, memMB: 1, pin: "h1" }, { id: "b", cpu: 1, memMB: 1, pin: "h2" }] }),
      "path",
    ],
    [
      "co-location forced beyond local bandwidth",
      pair({ links: [], demands: [{ src: "a", dst: "b", mbps: 2000 }], vms: [{ id: "a", cpu: 1, memMB: 1 }, { id: "b", cpu: 1, memMB: 1 }] }),
      "local-bandwidth",
    ],
    [
      "more forced moves than maxMigrations",
      pair({ maxMigrations: 0, vms: [{ id: "a", cpu: 1, memMB: 1, host: "h1", pin: "h2" }, { id: "b", cpu: 1, memMB: 1 }] }),
      "max-migrations",
    ],
  ];
  it.each(cases)("%s: mip, bnb and auto prove it", async (_, inst, constraint) => {
    for (const name of ["mip", "bnb", "auto"]) {
      const s = await solvers[name]!.solve(inst, options);
      expect(s.feasible).toBe(false);
      expect(s.proven).toBe(true);
      expect(s.violations!.map((v) => v.constraint)).toContain(constraint);
      expect(s.mapping).toEqual({});
    }
  });
  it.each(cases)("%s: greedy and anneal answer infeasible, never a broken plan", async (_, inst) => {
    for (const name of ["greedy", "anneal"]) {
      const s = await solvers[name]!.solve(inst, options);
      expect(s.feasible).toBe(false);
      expect(s.violations!.length).toBeGreaterThan(0);
    }
  });
});

describe("solver plugins (table-driven)", () => {
  const inst = pair({ demands: [{ src: "a", dst: "b", mbps: 50 }, { src: "b", dst: "a", mbps: 20 }] });
  const table: Array<{ name: string; solver: RegExp; opt: boolean }> = [
    { name: "greedy", solver: /^greedy$/, opt: true },
    { name: "anneal", solver: /^anneal$/, opt: true },
    { name: "mip", solver: /^mip\/highs$/, opt: true },
    { name: "bnb", solver: /^bnb$/, opt: true },
    { name: "auto", solver: /^auto\/bnb$/, opt: true },
  ];
  it.each(table)("$name solves the two-VM case optimally (co-located: 2 · (1000 − 70))", async ({ name, solver }) => {
    const s = await solvers[name]!.solve(inst, options);
    expect(s.solver).toMatch(solver);
    expect(s.feasible).toBe(true);
    expect(s.objectives["residual-bottleneck"]).toBe(1860);
    expect(new Set(Object.values(s.mapping)).size).toBe(1);
  });
  it("the objective option overrides the instance's, and the solution says which was optimised", async () => {
    const s = await solvers.mip!.solve(inst, { ...options, objective: "max-utilization" });
    expect(s.objective).toBe("max-utilization");
    expect(s.score).toBe(0);
  });
  it("mip without an LP solver is a configuration error", async () => {
    await expect(solvers.mip!.solve(inst, {})).rejects.toThrow(/needs an LP solver/);
  });
  it("auto without an LP solver proves a small instance by branch and bound, and anneals a larger one", async () => {
    const small = await solvers.auto!.solve(inst, { iterations: 100 });
    expect(small.solver).toBe("auto/bnb");
    expect(small.bound).toBe(small.score);
    const larger = randomInstance(createRng(0), { hosts: 8, vms: 18, demands: 16, constraints: false });
    expect((await solvers.auto!.solve(larger, { iterations: 100 })).solver).toBe("auto/anneal");
  });
});

describe("annealing", () => {
  const inst = randomInstance(createRng(5), { hosts: 8, vms: 14, demands: 24, constraints: false, objective: "residual-bottleneck" });
  it("is reproducible from its seed with an iteration budget", async () => {
    const a = await solvers.anneal!.solve(inst, { seed: 3, iterations: 3000 });
    const b = await solvers.anneal!.solve(inst, { seed: 3, iterations: 3000 });
    expect(a.feasible).toBe(true);
    expect(b).toEqual(a);
  });
  it("stops at the deadline by the injected clock and reports an improving curve", async () => {
    let now = 0;
    const clock = (): number => (now += 0.01);
    const curve: Array<{ iteration: number; score: number }> = [];
    const s = await solvers.anneal!.solve(inst, { seed: 1, deadlineMs: 50, clock, onProgress: (p) => curve.push(p) });
    expect(s.feasible).toBe(true);
    expect(s.millis).toBeGreaterThanOrEqual(50);
    expect(s.millis).toBeLessThan(60);
    expect(curve.length).toBeGreaterThan(1);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.score).toBeGreaterThan(curve[i - 1]!.score);
    expect(s.score).toBeCloseTo(curve[curve.length - 1]!.score, 6);
  });
  it("respects maxMigrations and pays for migrations", async () => {
    const moved = (s: Solution): number => s.migrations.length;
    const free = await solvers.anneal!.solve({ ...inst, maxMigrations: null, migrationWeight: 0 }, { iterations: 3000 });
    const capped = await solvers.anneal!.solve({ ...inst, maxMigrations: 2, migrationWeight: 0 }, { iterations: 3000 });
    expect(moved(capped)).toBeLessThanOrEqual(2);
    expect(moved(free)).toBeGreaterThan(2);
  });
});
