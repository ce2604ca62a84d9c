/**
 * Every placement algorithm the research harness can run, by name: VADAPT's solvers (src/core/solve/plugin.ts:
 * greedy, anneal, mip, auto) and the baselines beside them (random, round-robin, load-only, traffic-aware, and
 * stay: no adaptation).
 * Baselines take a routing (widest or shortest paths); VADAPT's solvers route themselves.
 */
import { ConfigError } from "../errors.js";
import { solvers, type SolverPlugin } from "../solve/plugin.js";
import { clusterAndCutBaseline } from "./cluster-and-cut.js";
import { ROUTINGS, type Routing } from "./common.js";
import { loadOnlyBaseline } from "./load-only.js";
import { randomBaseline } from "./random.js";
import { roundRobinBaseline } from "./round-robin.js";
import { stayBaseline } from "./stay.js";

export { Routing, ROUTINGS } from "./common.js";

/** The baselines by name, each a factory over the routing (its default routing when none is given). */
export const baselines: Readonly<Record<string, (routing?: Routing) => SolverPlugin>> = {
  random: randomBaseline,
  "round-robin": roundRobinBaseline,
  "load-only": loadOnlyBaseline,
  "traffic-aware": clusterAndCutBaseline,
  stay: stayBaseline,
};

/** Every algorithm name: VADAPT's solvers, then the baselines. */
export const ALGORITHM_NAMES: readonly string[] = [...Object.keys(solvers), ...Object.keys(baselines)];

/** Whether an algorithm takes a routing (the baselines do). */
export function takesRouting(name: string): boolean {
  return name in baselines;
}

/** The plugin of an algorithm; `routing` only for baselines. Throws a ConfigError naming the known ones. */
export function algorithm(name: string, routing?: Routing): SolverPlugin {
  const baseline = baselines[name];
  if (baseline !== undefined) return baseline(routing);
  const solver = solvers[name];
  if (solver === undefined) throw new ConfigError("algorithm", [`'${name}' is not one of ${ALGORITHM_NAMES.join(", ")}`]);
  if (routing !== undefined) throw new ConfigError("algorithm", [`'${name}' routes by itself: routing (${ROUTINGS.join(", ")}) is for the baselines`]);
  return solver;
}
