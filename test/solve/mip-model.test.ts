import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { glpkSolver } from "../../src/adapters/lp/glpk.js";
import { highsSolver } from "../../src/adapters/lp/highs.js";
import { randomInstance } from "../../src/core/instances/random.js";
import { createRng } from "../../src/core/rng.js";
import { greedyPlan } from "../../src/core/solve/greedy.js";
import { LpBuilder, relax, toCplexLp, VarKind, type LpModel } from "../../src/core/solve/lp-model.js";
import { solveMip } from "../../src/core/solve/mip.js";
import { buildMip } from "../../src/core/solve/mip-model.js";
import { compileNet } from "../../src/core/solve/net.js";

/** console.log before glpk.js's runtime is loaded (the adapter silences it only while loading). */
const consoleLog = console.log;

/** The largest amount by which `values` breaks a constraint or a bound of the model. */
function worstViolation(model: LpModel, values: Float64Array): number {
  let worst = 0;
  for (const c of model.constraints) {
    let lhs = 0;
    for (const t of c.terms) lhs += t.coef * values[t.v]!;
    const over = c.sense === "<=" ? lhs - c.rhs : c.sense === ">=" ? c.rhs - lhs : Math.abs(lhs - c.rhs);
    worst = Math.max(worst, over / Math.max(1, Math.abs(c.rhs)));
  }
  model.vars.forEach((x, i) => {
    worst = Math.max(worst, x.lb - values[i]!, values[i]! - x.ub);
    if (x.kind !== VarKind.Continuous) worst = Math.max(worst, Math.abs(values[i]! - Math.round(values[i]!)));
  });
  return worst;
}

const planned = fc
  .record({ seed: fc.nat(), hosts: fc.integer({ min: 1, max: 5 }), vms: fc.integer({ min: 1, max: 8 }), demands: fc.integer({ min: 0, max: 10 }) })
  .map((o) => compileNet(randomInstance(createRng(o.seed), o)))
  .map((net) => ({ net, g: greedyPlan(net) }));

describe("the MIP start (a plan written as MIP values)", () => {
  it("satisfies every constraint of the model, and the model's objective is the plan's score", () => {
    fc.assert(
      fc.property(planned, ({ net, g }) => {
        fc.pre(g.ok);
        if (!g.ok) return;
        const form = buildMip(net);
        const start = form.startOf(g.plan);
        expect(worstViolation(form.model, start)).toBeLessThanOrEqual(1e-9);
        let objective = 0;
        for (const t of form.model.objective) objective += t.coef * start[t.v]!;
        expect(objective).toBeCloseTo(g.plan.score(), 6);
      }),
      { numRuns: 150 },
    );
  });

  it("HiGHS takes it; glpk.js (no MIP-start API) ignores it; both still reach the optimum", async () => {
    const net = compileNet(randomInstance(createRng(7), { hosts: 4, vms: 6, demands: 6, objective: "residual-bottleneck" }));
    const g = greedyPlan(net);
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    const cold = await solveMip(net, { lp: highsSolver });
    for (const lp of [highsSolver, glpkSolver]) {
      const warm = await solveMip(net, { lp, start: g.plan });
      expect(warm.kind).toBe("plan");
      if (warm.kind !== "plan" || cold.kind !== "plan") return;
      expect(warm.optimal).toBe(true);
      expect(warm.plan.score()).toBeCloseTo(cold.plan.score(), 6);
      expect(warm.plan.score()).toBeGreaterThanOrEqual(g.plan.score() - 1e-6);
    }
  });
});

describe("LP model", () => {
  it("writes CPLEX LP text that HiGHS reads back to the same optimum as glpk.js", async () => {
    const b = new LpBuilder();
    const x = b.addVar("x", 0, 4, VarKind.Integer);
    const y = b.addVar("y", 0, Infinity);
    const z = b.addVar("z", 0, 1, VarKind.Binary);
    b.addConstraint("c1", [{ v: x, coef: 2 }, { v: y, coef: 1 }], "<=", 7.5);
    b.addConstraint("c2", [{ v: y, coef: 1 }, { v: z, coef: -3 }], ">=", -1);
    const model = b.build("t", "max", [{ v: x, coef: 3 }, { v: y, coef: 1 }, { v: z, coef: 0.5 }]);
    expect(toCplexLp(model)).toContain("General\n x\nBinary\n z\nEnd");
    const [h, g] = await Promise.all([highsSolver.solve(model), glpkSolver.solve(model)]);
    expect(h.status).toBe("optimal");
    expect(g.status).toBe("optimal");
    // x = 3, y = 1.5, z = 0 (z = 1 would need y >= 2): 9 + 1.5
    expect(h.objective).toBeCloseTo(10.5, 9);
    expect(g.objective).toBeCloseTo(10.5, 9);
    // relaxed: x = 3.75, y = 0, z = 1/3
    const r = await highsSolver.solve(relax(model));
    expect(r.objective).toBeCloseTo(11.25 + 0.5 / 3, 9);
    expect(console.log).toBe(consoleLog);
  });
});
