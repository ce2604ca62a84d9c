import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomInstance } from "../../src/core/instances/random.js";
import { Objective } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { anneal } from "../../src/core/solve/anneal.js";
import { greedyPlan } from "../../src/core/solve/greedy.js";
import { compileNet } from "../../src/core/solve/net.js";

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
