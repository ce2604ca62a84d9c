/**
 * An adaptation plan: an ordered DAG of actions with preconditions, reverts, ack timeouts and retries, and the
 * efficacy indicators that justify it (OpenStack Watcher's action plans and efficacy indicators).
 */
import { z } from "zod";
import { HostId, VmId } from "../model/ids.js";
import { ObjectiveName } from "../model/problem.js";
import { ErrorCode, VadaptError } from "../errors.js";
import { ActionSpec } from "./actions.js";

export const PlanAction = z.object({
  /** Idempotent id, unique across plans (`<planId>/<n>`): an agent executes an id at most once. */
  id: z.string().min(1),
  spec: ActionSpec,
  /** The agent that executes it. */
  host: HostId,
  /** Ids of the actions that must have succeeded first. */
  after: z.array(z.string()),
  /** The action that undoes this one on rollback (null: nothing to undo). */
  revert: ActionSpec.nullable(),
  ackTimeoutMs: z.number().int().positive(),
  retries: z.number().int().nonnegative(),
  /** Why the action is in the plan. */
  explain: z.string(),
});
export type PlanAction = z.infer<typeof PlanAction>;

/** The plan's efficacy indicators: what it is predicted to achieve and what it costs. */
export const Efficacy = z.object({
  objective: ObjectiveName,
  before: z.number(),
  after: z.number(),
  /** Improvement of the objective, percent of |before| (positive = better). */
  predictedGainPct: z.number(),
  /** The improvement over the horizon minus the migration cost, in the objective's units × s. */
  netBenefit: z.number(),
  horizonS: z.number().nonnegative(),
  /** Pre-copy lower bound on the migrations' time, s (memMB × 8 / path Mbit/s, summed). */
  migrationSeconds: z.number().nonnegative(),
  migrations: z.array(z.object({ vm: VmId, from: HostId, to: HostId })),
  linksAdded: z.number().int().nonnegative(),
  linksRemoved: z.number().int().nonnegative(),
  rulesChanged: z.number().int().nonnegative(),
});
export type Efficacy = z.infer<typeof Efficacy>;

export const Plan = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  overlay: z.string().min(1),
  /** Virtual or wall-clock time the plan was made, ms. */
  createdMs: z.number(),
  /** Why the loop decided to act. */
  reason: z.string(),
  solver: z.string(),
  efficacy: Efficacy,
  actions: z.array(PlanAction),
});
export type Plan = z.infer<typeof Plan>;

/** The actions in an order that respects every precondition (Kahn's algorithm, stable by position). */
export function topologicalOrder(actions: readonly PlanAction[]): PlanAction[] {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const indeg = new Map(actions.map((a) => [a.id, a.after.filter((d) => byId.has(d)).length]));
  const children = new Map<string, string[]>();
  for (const a of actions) for (const d of a.after) if (byId.has(d)) children.set(d, [...(children.get(d) ?? []), a.id]);
  const ready = actions.filter((a) => indeg.get(a.id) === 0).map((a) => a.id);
  const out: PlanAction[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(byId.get(id)!);
    for (const c of children.get(id) ?? []) {
      const n = indeg.get(c)! - 1;
      indeg.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  if (out.length !== actions.length) throw new VadaptError(ErrorCode.Internal, "plan has a dependency cycle");
  return out;
}
