/**
 * What every baseline placement shares: a solver plugin shell (proven infeasibility first, timing through the
 * injected clock, the spec's solution JSON) and routing of the demands once the VMs are placed, along widest
 * paths (VADAPT's adapted Dijkstra, src/core/solve/widest-path.ts) or least-latency paths with room
 * (src/core/solve/k-shortest.ts with k = 1). Baselines place VMs without searching over routes; when a demand
 * cannot be routed the answer is infeasible and names the constraint, never a solution that breaks one.
 */
import { Constraint, type Instance, type Solution, type Violation } from "../model/problem.js";
import type { Rng } from "../rng.js";
import { createRng } from "../rng.js";
import { provenViolations, unroutedViolation } from "../solve/infeasibility.js";
import { compileNet, type Net } from "../solve/net.js";
import { Plan } from "../solve/plan.js";
import type { SolveOptions, SolverPlugin } from "../solve/plugin.js";
import { infeasibleSolution, planSolution } from "../solve/solution.js";

/** How a baseline routes its demands. */
export const Routing = { Widest: "widest", Shortest: "shortest" } as const;
export type Routing = (typeof Routing)[keyof typeof Routing];
export const ROUTINGS: readonly Routing[] = Object.values(Routing);

/** A placement step: maps every VM in `plan` (via `plan.place`) or returns why it could not. */
export type Placer = (net: Net, plan: Plan, rng: Rng) => Violation | null;

/** The hosts VM `v` may go to now: its candidates with room left and within the migration budget. */
export function openHosts(net: Net, plan: Plan, v: number): number[] {
  return net.candidates[v]!.filter((h) => plan.fits(v, h) && plan.withinMigrationBudget(v, h));
}

/** Why VM `v` found no open host (cpu, memory, or the migration budget). */
export function noRoom(net: Net, plan: Plan, v: number, who: string): Violation {
  const id = net.vmIds[v];
  const cands = net.candidates[v]!;
  if (cands.some((h) => plan.fits(v, h))) {
    return { constraint: Constraint.MaxMigrations, message: `${who}: VM '${id}' has room only on hosts it may not move to (maxMigrations ${net.instance.maxMigrations})` };
  }
  const cpuShort = cands.every((h) => plan.cpuUsed[h]! + net.cpu[v]! > net.cpuCap[h]!);
  return cpuShort
    ? { constraint: Constraint.Cpu, message: `${who}: VM '${id}' (cpu ${net.cpu[v]}) found no host with cpu to spare` }
    : { constraint: Constraint.Memory, message: `${who}: VM '${id}' (memMB ${net.mem[v]}) found no host with memory to spare` };
}

/** Routes one demand between its VMs' hosts; false (nothing changed) when no route has room. */
function routeOne(plan: Plan, d: number, routing: Routing): boolean {
  return routing === Routing.Widest ? plan.routeWidest(d) : plan.routeShortest(d);
}

/** Routes every demand, largest first; the violation of the first that cannot be routed, or null. */
export function routeAll(plan: Plan, routing: Routing): Violation | null {
  const n = plan.net;
  const order = Array.from({ length: n.D }, (_, d) => d).sort((a, b) => n.mbps[b]! - n.mbps[a]! || a - b);
  for (const d of order) {
    if (!routeOne(plan, d, routing)) return unroutedViolation(plan, d);
  }
  return null;
}

/**
 * Makes a solver plugin of a placement step and a routing. The plugin's seed drives the step's generator. The
 * solver is named `name`, or `name/routing` when the routing is not the baseline's default.
 */
export function baselinePlugin(name: string, description: string, place: Placer, routing: Routing, defaultRouting: Routing): SolverPlugin {
  const solver = routing === defaultRouting ? name : `${name}/${routing}`;
  return {
    name: solver,
    description: `${description}; routes along ${routing} paths`,
    solve(instance: Instance, options: SolveOptions = {}): Promise<Solution> {
      const clock = options.clock;
      const start = clock?.() ?? 0;
      const elapsed = (): number => (clock === undefined ? 0 : Math.max(0, clock() - start));
      const net = compileNet(instance, options.objective ?? instance.objective);
      const proven = provenViolations(net);
      if (proven.length > 0) return Promise.resolve(infeasibleSolution(net, proven, true, { solver, millis: elapsed() }));
      const plan = new Plan(net);
      const why = place(net, plan, createRng(options.seed ?? 1)) ?? routeAll(plan, routing);
      return Promise.resolve(
        why === null ? planSolution(plan, { solver, millis: elapsed() }) : infeasibleSolution(net, [why], false, { solver, millis: elapsed() }),
      );
    },
  };
}
