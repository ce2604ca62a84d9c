import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomInstance } from "../../src/core/instances/random.js";
import { Instance, Objective } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { anneal } from "../../src/core/solve/anneal.js";
import { greedyPlan } from "../../src/core/solve/greedy.js";
import { compileNet } from "../../src/core/solve/net.js";
import { Plan } from "../../src/core/solve/plan.js";

describe("Plan.gain (incremental objective)", () => {
  it("after thousands of annealing moves and rollbacks, equals the objective recomputed from scratch", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.constantFrom(Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization),
        fc.integer({ min: 2, max: 8 }),
        (seed, objective, hosts) => {
          const net = compileNet(randomInstance(createRng(seed), { hosts, vms: 3 * hosts, demands: 5 * hosts, objective, constraints: false }));
          const g = greedyPlan(net);
          fc.pre(g.ok);
          if (!g.ok) return;
          const plan = g.plan;
          anneal(plan, { rng: createRng(seed), iterations: 2000 });
          const fresh = plan.clone().gain();
          expect(Math.abs(plan.gain() - fresh)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(fresh)));
          expect(Math.abs(fresh - (objective === Objective.ResidualBottleneck ? plan.score() : -plan.score()))).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(fresh)));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("Plan.routeDemand", () => {
  // h1 -> h2 directly: wide (10 Gbit/s) but slow (10 ms); via h3: 1 Gbit/s, 1 + 1 ms
  const instance = (objective: Objective) =>
    Instance.parse({
      hosts: ["h1", "h2", "h3"].map((id) => ({ id, cpu: 1, memMB: 1024 })),
      links: [
        { from: "h1", to: "h2", mbps: 10_000, latencyMs: 10 },
        { from: "h1", to: "h3", mbps: 1000, latencyMs: 1 },
        { from: "h3", to: "h2", mbps: 1000, latencyMs: 1 },
      ],
      vms: [
        { id: "vm1", cpu: 1, memMB: 1024, pin: "h1" },
        { id: "vm2", cpu: 1, memMB: 1024, pin: "h2" },
      ],
      demands: [{ src: "vm1", dst: "vm2", mbps: 100 }],
      objective,
    });
  it.each([
    [Objective.TrafficCost, ["h1", "h3", "h2"]],
    [Objective.ResidualBottleneck, ["h1", "h2"]],
    [Objective.MaxUtilization, ["h1", "h2"]],
  ])("under %s takes %j (least latency for traffic-cost, widest otherwise)", (objective, hosts) => {
    const net = compileNet(instance(objective));
    const plan = new Plan(net);
    plan.place(0, 0);
    plan.place(1, 1);
    expect(plan.routeDemand(0)).toBe(true);
    const path = [net.hostIds[net.from[plan.route[0]![0]!]!], ...plan.route[0]!.map((e) => net.hostIds[net.to[e]!])];
    expect(path).toEqual(hosts);
  });
});
