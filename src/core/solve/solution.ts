/** Turning a complete plan, or a failure, into the spec's solution JSON. */
import type { Migration, ObjectiveValues, Solution, Violation } from "../model/problem.js";
import type { Plan } from "./plan.js";
import type { Net } from "./net.js";

/** What every answer carries besides the plan. */
export interface AnswerInfo {
  readonly solver: string;
  readonly millis: number;
  readonly bound?: number | null;
}

/** The solution of a complete, feasible plan. */
export function planSolution(plan: Plan, info: AnswerInfo): Solution {
  const n = plan.net;
  const mapping: Record<string, Solution["mapping"][string]> = {};
  const migrations: Migration[] = [];
  n.vmIds.forEach((id, v) => {
    const h = plan.hostOf[v]!;
    mapping[id] = n.hostIds[h]!;
    const cur = n.current[v]!;
    if (cur >= 0 && cur !== h) migrations.push({ vm: id, from: n.hostIds[cur]!, to: n.hostIds[h]! });
  });
  const paths = n.instance.demands.map((dem, d) => {
    const edges = plan.route[d]!;
    const hosts = [n.hostIds[plan.hostOf[n.src[d]!]!]!];
    for (const e of edges) hosts.push(n.hostIds[n.to[e]!]!);
    return { src: dem.src, dst: dem.dst, hosts };
  });
  return {
    feasible: true,
    mapping,
    paths,
    objectives: plan.objectives(),
    migrations,
    bound: info.bound ?? null,
    solver: info.solver,
    millis: roundMillis(info.millis),
    objective: n.objective,
    migrationSeconds: plan.moveSeconds,
    score: plan.score(),
  };
}

const roundMillis = (ms: number): number => Math.round(ms * 1000) / 1000;

const ZERO: ObjectiveValues = { "residual-bottleneck": 0, "traffic-cost": 0, "max-utilization": 0 };

/**
 * The answer when no feasible plan is given: empty mapping and paths, zero objectives, and the violated
 * constraints; `proven` says whether the instance is shown infeasible or the solver merely found no plan.
 */
export function infeasibleSolution(net: Net, violations: Violation[], proven: boolean, info: AnswerInfo): Solution {
  return {
    feasible: false,
    mapping: {},
    paths: [],
    objectives: { ...ZERO },
    migrations: [],
    bound: info.bound ?? null,
    solver: info.solver,
    millis: roundMillis(info.millis),
    objective: net.objective,
    violations,
    proven,
  };
}
