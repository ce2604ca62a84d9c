/**
 * The loop's decision: given the predicted demands and what the overlay is now, is there a plan worth its cost?
 *
 * 1. The instance: the current placement, with every VM that moved less than `minDwellMs` ago pinned where it is
 *    (no VM ping-pongs), at most `maxMigrations` moves, the current link measurements.
 * 2. `before`: the current placement and paths, evaluated by the independent checker.
 * 3. The solver's solution, `after`, evaluated the same way.
 * 4. Act only if the gain is at least `marginPct` percent of |before| **and** it pays for the migrations over the
 *    horizon: `gain · (horizonS − migrationSeconds) > |before| · migrationSeconds` (pessimistically, the
 *    application earns nothing while its VMs are copied). Otherwise the answer is a value saying why not.
 */
import type { HostId, VmId } from "../model/ids.js";
import { maximizes, type Demand, type Instance, type Objective, type ProblemHost, type ProblemLink, type ProblemVm, type Solution } from "../model/problem.js";
import type { OverlayState } from "../plan/actions.js";
import { buildPlan } from "../plan/build.js";
import type { Plan } from "../plan/plan.js";
import { checkSolution, type CheckReport } from "../solve/checker.js";
import { currentPaths } from "./current-paths.js";

export interface Policy {
  readonly objective: Objective;
  /** How far ahead the benefit of a plan is counted, s. */
  readonly horizonS: number;
  /** The least improvement worth acting on, percent of |before|. */
  readonly marginPct: number;
  /** A VM that moved stays at least this long, ms. */
  readonly minDwellMs: number;
  /** Most VMs one plan may move. */
  readonly maxMigrations: number;
  readonly migrationWeight: number;
}

export interface WorldView {
  readonly hosts: readonly ProblemHost[];
  /** Every link that may exist, with its latest measurement; `active` as it is now. */
  readonly links: readonly ProblemLink[];
  readonly vms: ReadonlyArray<Omit<ProblemVm, "host" | "pin">>;
  readonly state: OverlayState;
  readonly baseLinks: ReadonlySet<string>;
  /** When each VM last moved (virtual or wall-clock ms). */
  readonly lastMovedMs: ReadonlyMap<VmId, number>;
}

export type Decision =
  | { readonly act: false; readonly reason: string; readonly before: CheckReport | null; readonly after: CheckReport | null }
  | { readonly act: true; readonly reason: string; readonly plan: Plan; readonly before: CheckReport; readonly after: CheckReport; readonly solution: Solution };

export interface DecideInput {
  readonly overlay: string;
  readonly planId: string;
  readonly nowMs: number;
  readonly world: WorldView;
  readonly demands: readonly Demand[];
  readonly policy: Policy;
  readonly solve: (instance: Instance) => Promise<Solution>;
  /** Why the loop is deciding now (change detected, periodic). */
  readonly trigger: string;
  /** Ack timeouts and retries of the plan's actions. */
  readonly timing?: PlanTiming;
}

export interface PlanTiming {
  readonly ackTimeoutMs: number;
  readonly migrationTimeoutMs: number;
  readonly retries: number;
}

/** The instance the solver sees now. */
export function buildInstance(input: Pick<DecideInput, "world" | "demands" | "policy" | "nowMs">): Instance {
  const { world, policy, nowMs } = input;
  const vms: ProblemVm[] = world.vms.map((v) => {
    const host = world.state.placement.get(v.id) ?? null;
    const moved = world.lastMovedMs.get(v.id);
    const dwelling = host !== null && moved !== undefined && nowMs - moved < policy.minDwellMs;
    return { ...v, host, pin: dwelling ? host : (v.allowed?.length === 1 ? v.allowed[0]! : null) };
  });
  return {
    hosts: [...world.hosts],
    links: world.links.map((l) => ({ ...l, active: world.state.links.has(`${l.from}>${l.to}`) })),
    vms,
    demands: [...input.demands],
    objective: policy.objective,
    maxMigrations: policy.maxMigrations,
    migrationWeight: policy.migrationWeight,
  };
}

/** Improvement of `after` over `before` in the objective's units (positive = better). */
export function gainOf(objective: Objective, before: number, after: number): number {
  return maximizes(objective) ? after - before : before - after;
}

export async function decide(input: DecideInput): Promise<Decision> {
  const { world, policy } = input;
  if (input.demands.length === 0) return { act: false, reason: "no demands", before: null, after: null };
  const instance = buildInstance(input);
  const paths = currentPaths(world.state, instance.demands);
  const mapping: Record<string, HostId> = {};
  for (const [vm, h] of world.state.placement) mapping[vm] = h;
  const before = paths.every((p) => p !== null)
    ? checkSolution(instance, { mapping, paths: paths as NonNullable<(typeof paths)[number]>[] })
    : null;
  const solution = await input.solve(instance);
  if (!solution.feasible) {
    const why = (solution as { violations?: Array<{ message: string }> }).violations?.map((v) => v.message).join("; ") ?? "no feasible solution";
    return { act: false, reason: `infeasible: ${why}`, before, after: null };
  }
  const after = checkSolution(instance, solution);
  if (!after.feasible) return { act: false, reason: `solver returned an infeasible plan (${after.violations.map((v) => v.message).join("; ")}); ignored`, before, after };
  const objective = policy.objective;
  const beforeValue = before === null ? null : before.objectives[objective];
  const afterValue = after.objectives[objective];
  const gain = beforeValue === null ? Infinity : gainOf(objective, beforeValue, afterValue);
  const scale = beforeValue === null ? 1 : Math.max(Math.abs(beforeValue), 1e-9);
  const gainPct = beforeValue === null ? Infinity : (100 * gain) / scale;
  const migrationSeconds = after.migrationSeconds;
  const netBenefit = gain * (policy.horizonS - migrationSeconds) - scale * migrationSeconds;
  if (before !== null && before.feasible && gainPct < policy.marginPct) {
    return { act: false, reason: `gain ${gainPct.toFixed(2)}% is below the ${policy.marginPct}% margin`, before, after };
  }
  if (before !== null && before.feasible && !(netBenefit > 0)) {
    return { act: false, reason: `gain does not pay for ${migrationSeconds.toFixed(1)} s of migration over a ${policy.horizonS} s horizon`, before, after };
  }
  const target = { mapping: solution.mapping, paths: solution.paths };
  const memOf = new Map(world.vms.map((v) => [v.id, v.memMB]));
  const plan = buildPlan({
    planId: input.planId,
    overlay: input.overlay,
    createdMs: input.nowMs,
    reason: input.trigger,
    solver: solution.solver,
    current: world.state,
    baseLinks: world.baseLinks,
    target,
    memMB: (vm) => memOf.get(vm) ?? 0,
    demands: instance.demands,
    ...input.timing,
    efficacy: {
      objective,
      before: beforeValue ?? Number.NaN,
      after: afterValue,
      predictedGainPct: Number.isFinite(gainPct) ? gainPct : 100,
      netBenefit: Number.isFinite(netBenefit) ? netBenefit : 0,
      horizonS: policy.horizonS,
      migrationSeconds,
      migrations: after.migrations,
    },
  });
  if (plan.actions.length === 0) return { act: false, reason: "the solution is the current configuration", before, after };
  const why = before === null || !before.feasible ? "the current configuration is infeasible" : `gain ${gainPct.toFixed(1)}%`;
  return { act: true, reason: `${input.trigger}: ${why}`, plan, before: before ?? after, after, solution };
}
