import { describe, expect, it } from "vitest";
import { Instance, type InstanceInput, type Solution } from "../../src/core/model/problem.js";
import { checkSolution, verifySolution } from "../../src/core/solve/checker.js";

/** h1 ⇄ h2 ⇄ h3 (a line), plus h1 → h3 directly (slow but short). */
function line(extra: Partial<InstanceInput> = {}): Instance {
  return Instance.parse({
    hosts: [
      { id: "h1", cpu: 4, memMB: 8192, localMbps: 1000 },
      { id: "h2", cpu: 4, memMB: 8192, localMbps: 1000 },
      { id: "h3", cpu: 2, memMB: 4096, localMbps: 1000 },
    ],
    links: [
      { from: "h1", to: "h2", mbps: 100, latencyMs: 2 },
      { from: "h2", to: "h1", mbps: 100, latencyMs: 2 },
      { from: "h2", to: "h3", mbps: 50, latencyMs: 3 },
      { from: "h3", to: "h2", mbps: 50, latencyMs: 3 },
      { from: "h1", to: "h3", mbps: 10, latencyMs: 1, active: false },
    ],
    vms: [
      { id: "a", cpu: 1, memMB: 1024, host: "h1" },
      { id: "b", cpu: 1, memMB: 1024, host: "h1" },
      { id: "c", cpu: 2, memMB: 2048, host: "h3" },
    ],
    demands: [
      { src: "a", dst: "b", mbps: 30 },
      { src: "a", dst: "c", mbps: 20 },
      { src: "c", dst: "a", mbps: 5, maxLatencyMs: 10 },
    ],
    ...extra,
  } satisfies InstanceInput);
}

type Plan = Pick<Solution, "mapping" | "paths">;
const plan = (mapping: Record<string, string>, paths: string[][], inst = line()): Plan =>
  ({
    mapping,
    paths: inst.demands.map((d, i) => ({ src: d.src, dst: d.dst, hosts: paths[i]! })),
  }) as Plan;

describe("checker", () => {
  it("accepts a feasible plan and computes every objective by the spec's formulas", () => {
    const r = checkSolution(line(), plan({ a: "h1", b: "h1", c: "h3" }, [["h1"], ["h1", "h2", "h3"], ["h3", "h2", "h1"]]));
    expect(r.violations).toEqual([]);
    expect(r.feasible).toBe(true);
    // loads: h1→h2 20, h2→h3 20, h3→h2 5, h2→h1 5; local h1: 30
    // RB: a→b co-located 1000 − 30 = 970; a→c min(100−20, 50−20) = 30; c→a min(50−5, 100−5) = 45
    expect(r.objectives["residual-bottleneck"]).toBe(970 + 30 + 45);
    // traffic cost: 30·0 + 20·(2+3) + 5·(3+2)
    expect(r.objectives["traffic-cost"]).toBe(125);
    // max utilisation: h2→h3 20/50
    expect(r.objectives["max-utilization"]).toBeCloseTo(0.4, 12);
    expect(r.migrations).toEqual([]);
    expect(r.score).toBe(1045);
  });

  it("reports migrations with the pre-copy cost over the widest old → new path", () => {
    const inst = line({ migrationWeight: 2, objective: "traffic-cost" });
    // b moves h1 → h2 (widest path h1→h2: 100 Mbit/s): 1024 MB · 8 / 100 = 81.92 s
    const r = checkSolution(inst, plan({ a: "h1", b: "h2", c: "h3" }, [["h1", "h2"], ["h1", "h2", "h3"], ["h3", "h2", "h1"]], inst), "traffic-cost");
    expect(r.feasible).toBe(true);
    expect(r.migrations).toEqual([{ vm: "b", from: "h1", to: "h2" }]);
    expect(r.migrationSeconds).toBeCloseTo(81.92, 10);
    // traffic cost 30·2 + 20·5 + 5·5 = 185, plus 2 · 81.92
    expect(r.score).toBeCloseTo(185 + 163.84, 10);
  });

  it.each([
    ["mapping", { a: "h1", b: "h1" }, [["h1"], ["h1"], ["h1"]]],
    ["cpu", { a: "h3", b: "h3", c: "h3" }, [["h3"], ["h3"], ["h3"]]],
    ["link-bandwidth", { a: "h1", b: "h1", c: "h3" }, [["h1"], ["h1", "h3"], ["h3", "h2", "h1"]]],
    ["path", { a: "h1", b: "h1", c: "h3" }, [["h1"], ["h1", "h3", "h2", "h3"], ["h3", "h1"]]],
    ["path", { a: "h1", b: "h2", c: "h3" }, [["h1"], ["h1", "h2", "h3"], ["h3", "h2", "h1"]]],
  ] as const)("names a violated %s constraint", (constraint, mapping, paths) => {
    const r = checkSolution(line(), plan({ ...mapping }, paths.map((p) => [...p])));
    expect(r.feasible).toBe(false);
    expect(r.violations.map((v) => v.constraint)).toContain(constraint);
  });

  it("names a violated latency bound", () => {
    const inst = line({ demands: [{ src: "c", dst: "a", mbps: 5, maxLatencyMs: 4 }] });
    const r = checkSolution(inst, { mapping: { a: "h1", b: "h1", c: "h3" }, paths: [{ src: "c", dst: "a", hosts: ["h3", "h2", "h1"] }] } as unknown as Plan);
    expect(r.violations).toEqual([{ constraint: "latency", message: "demand 0 (c -> a): path latency 5 ms exceeds 4 ms" }]);
  });

  it("names pin, allowed, memory, local bandwidth, migration limits", () => {
    const inst = line({
      vms: [
        { id: "a", cpu: 1, memMB: 6000, host: "h1", pin: "h1" },
        { id: "b", cpu: 1, memMB: 6000, host: "h1", allowed: ["h1"] },
        { id: "c", cpu: 1, memMB: 1024, host: "h3" },
      ],
      demands: [{ src: "a", dst: "b", mbps: 2000 }],
      maxMigrations: 0,
    });
    const bad = { mapping: { a: "h2", b: "h2", c: "h2" }, paths: [{ src: "a", dst: "b", hosts: ["h2"] }] } as unknown as Plan;
    const names = checkSolution(inst, bad).violations.map((v) => v.constraint);
    expect(names).toEqual(expect.arrayContaining(["pin", "allowed", "memory", "local-bandwidth", "max-migrations"]));
  });

  it("treats a move without any positive-bandwidth path as infeasible (migration-path)", () => {
    const inst = Instance.parse({
      hosts: [{ id: "h1", cpu: 1, memMB: 1 }, { id: "h2", cpu: 1, memMB: 1 }],
      links: [{ from: "h2", to: "h1", mbps: 10, latencyMs: 1 }],
      vms: [{ id: "a", cpu: 1, memMB: 1, host: "h1" }],
      demands: [],
    });
    const r = checkSolution(inst, { mapping: { a: "h2" }, paths: [] } as unknown as Plan);
    expect(r.violations.map((v) => v.constraint)).toEqual(["migration-path"]);
  });

  it("verifySolution catches dishonest claims and accepts honest ones", () => {
    const inst = line();
    const p = plan({ a: "h1", b: "h1", c: "h3" }, [["h1"], ["h1", "h2", "h3"], ["h3", "h2", "h1"]]);
    const r = checkSolution(inst, p);
    const honest: Solution = { ...p, feasible: true, objectives: r.objectives, migrations: [], bound: null, solver: "t", millis: 0, score: r.score };
    expect(verifySolution(inst, honest)).toEqual([]);
    expect(verifySolution(inst, { ...honest, objectives: { ...r.objectives, "traffic-cost": 1 } })[0]).toMatch(/traffic-cost/);
    const overloaded = plan({ a: "h1", b: "h1", c: "h3" }, [["h1"], ["h1", "h3"], ["h3", "h2", "h1"]]);
    expect(verifySolution(inst, { ...honest, ...overloaded }).join("\n")).toMatch(/claims feasible but violates link-bandwidth/);
    expect(verifySolution(inst, { ...honest, feasible: false })).toEqual(["an infeasible answer names no violated constraint"]);
  });
});
