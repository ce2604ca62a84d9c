/**
 * Solving the exact MIP (mip-model.ts) with an {@link LpSolver}: the optimum with its proof, the best plan and bound
 * at a time limit, or a proof of infeasibility with the constraint families that cause it, found by a deletion
 * filter over the families (Chinneck & Dravnieks, "Locating minimal infeasible constraint sets in linear programs",
 * ORSA J. Computing 1991, applied to whole families).
 */
import { Constraint, type Violation } from "../model/problem.js";
import type { LpSolver } from "./lp-solver.js";
import { LpStatus } from "./lp-solver.js";
import { buildMip, decodeMip, OMITTABLE, type OmittableConstraint } from "./mip-model.js";
import type { Net } from "./net.js";
import { Plan } from "./plan.js";
import { ExternalError } from "../errors.js";

export type MipOutcome =
  /** A feasible plan; `optimal` when proven; `bound` the solver's proven bound on the score. */
  | { readonly kind: "plan"; readonly plan: Plan; readonly optimal: boolean; readonly bound: number | null }
  /** Proven infeasible, with the responsible constraint families. */
  | { readonly kind: "infeasible"; readonly violations: Violation[] }
  /** No plan within the limit. */
  | { readonly kind: "unknown"; readonly bound: number | null };

export interface MipSolveOptions {
  readonly lp: LpSolver;
  readonly timeLimitMs?: number;
  readonly relativeGap?: number;
  /** A feasible plan to start from (used by solvers that take a MIP start). */
  readonly start?: Plan;
}

/** Solves the instance's MIP. */
export async function solveMip(net: Net, options: MipSolveOptions): Promise<MipOutcome> {
  const form = buildMip(net);
  const r = await options.lp.solve(form.model, {
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    ...(options.relativeGap !== undefined ? { relativeGap: options.relativeGap } : {}),
    ...(options.start !== undefined ? { start: form.startOf(options.start) } : {}),
  });
  if (r.status === LpStatus.Infeasible) return { kind: "infeasible", violations: await diagnoseInfeasible(net, options) };
  if (r.status === LpStatus.Unbounded) throw new ExternalError(options.lp.name, "the VADAPT MIP cannot be unbounded (a solver fault)");
  if (r.values === null || (r.status !== LpStatus.Optimal && r.status !== LpStatus.Feasible)) return { kind: "unknown", bound: r.bound };
  const decoded = decodeMip(net, form, r.values);
  if (decoded === null) throw new ExternalError(options.lp.name, "the MIP solution does not describe a plan");
  const plan = new Plan(net);
  decoded.hostOf.forEach((h, v) => plan.place(v, h));
  decoded.routes.forEach((edges, d) => plan.setRoute(d, edges));
  const broken = plan.violations();
  if (broken.length > 0) {
    throw new ExternalError(options.lp.name, `the MIP solution breaks ${broken.map((v) => v.constraint).join(", ")} once rounded (solver tolerances)`);
  }
  return { kind: "plan", plan, optimal: r.status === LpStatus.Optimal, bound: r.bound };
}

/**
 * Which constraint families make the instance infeasible: the deletion filter keeps a family only when the
 * instance becomes feasible without it (given the others kept). With every family dropped and still infeasible,
 * the cause is structural: some demand cannot reach its destination over the links.
 */
export async function diagnoseInfeasible(net: Net, options: MipSolveOptions): Promise<Violation[]> {
  const inst = net.instance;
  const relevant = OMITTABLE.filter(
    (c) =>
      (c !== Constraint.Latency || inst.demands.some((d) => d.maxLatencyMs != null)) &&
      (c !== Constraint.MaxMigrations || inst.maxMigrations !== null),
  );
  /** true = shown infeasible; false = feasible or undecided within the limit. */
  const infeasible = async (omit: ReadonlySet<OmittableConstraint>): Promise<boolean> => {
    const r = await options.lp.solve(buildMip(net, { omit, feasibilityOnly: true }).model, {
      ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    });
    return r.status === LpStatus.Infeasible;
  };
  if (await infeasible(new Set(relevant))) {
    return [{ constraint: Constraint.Path, message: "no placement of the VMs lets every demand reach its destination over the links (proven by the MIP)" }];
  }
  let kept: OmittableConstraint[] = [...relevant];
  for (const c of relevant) {
    const without = kept.filter((k) => k !== c);
    if (await infeasible(new Set(relevant.filter((k) => !without.includes(k))))) kept = without;
  }
  const names = kept.join(", ");
  return kept.map((c) => ({
    constraint: c,
    message:
      kept.length === 1
        ? `no plan satisfies the ${c} constraints (proven by the MIP)`
        : `no plan satisfies the ${names} constraints together (proven by the MIP)`,
  }));
}
