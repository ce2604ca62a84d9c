/**
 * Solvers as plugins (in the manner of the Kubernetes scheduler framework's plugins, kubernetes-sigs/
 * scheduler-plugins): each has a name and one `solve(instance, options)` returning the spec's solution. The CLI
 * and the optimizer service pick one by name from {@link solvers}.
 */
import { ConfigError, ErrorCode, VadaptError } from "../errors.js";
import { maximizes, type Instance, type Objective, type Solution, type Violation } from "../model/problem.js";
import { createRng } from "../rng.js";
import { anneal, type AnnealProgress } from "./anneal.js";
import { BRANCH_AND_BOUND_MAX_VMS, branchAndBound, simplePathTable, type BranchAndBoundOutcome, type SimplePathTable } from "./branch-and-bound.js";
import { greedyPlan, routedPlan, type GreedyOutcome } from "./greedy.js";
import { placementSearchApplies, searchPlacement } from "./placement-search.js";
import { provenViolations } from "./infeasibility.js";
import type { LpSolver } from "./lp-solver.js";
import { diagnoseInfeasible, solveMip } from "./mip.js";
import { mipVariableCount } from "./mip-model.js";
import { compileNet, type Net } from "./net.js";
import type { Plan } from "./plan.js";
import { infeasibleSolution, planSolution } from "./solution.js";

export interface SolveOptions {
  /** Overrides the instance's objective. */
  readonly objective?: Objective;
  /** Seed of annealing's generator (default 1). */
  readonly seed?: number;
  /** Time budget, ms from the start of `solve` (needs `clock`). */
  readonly deadlineMs?: number;
  /** Annealing's move budget (reproducible runs). */
  readonly iterations?: number;
  /** Milliseconds from any origin, injected by the shell (core has no clock). */
  readonly clock?: () => number;
  /** The LP/MIP solver for `mip` (and `auto` on small instances). */
  readonly lp?: LpSolver;
  /** Annealing's improvement curve. */
  readonly onProgress?: (p: AnnealProgress) => void;
}

export interface SolverPlugin {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  solve(instance: Instance, options?: SolveOptions): Promise<Solution>;
}

/** The exact MIP is attempted by `auto` up to this many variables, and refused by `mip` beyond `MIP_MAX_VARIABLES`. */
export const AUTO_MIP_VARIABLES = 20_000;
export const MIP_MAX_VARIABLES = 500_000;

/** Runs `body` with a compiled net and the elapsed-time function; handles proven infeasibility first. */
async function withNet(
  name: string,
  instance: Instance,
  options: SolveOptions,
  body: (net: Net, elapsed: () => number) => Promise<Solution> | Solution,
): Promise<Solution> {
  const clock = options.clock;
  const start = clock?.() ?? 0;
  const elapsed = (): number => (clock === undefined ? 0 : Math.max(0, clock() - start));
  const net = compileNet(instance, options.objective ?? instance.objective);
  const proven = provenViolations(net);
  if (proven.length > 0) return infeasibleSolution(net, proven, true, { solver: name, millis: elapsed() });
  return body(net, elapsed);
}

/**
 * The share of annealing's time the placement search ({@link searchPlacement}) may take under a deadline (it stops
 * earlier at its move budget, on small instances long before).
 */
export const PLACEMENT_SHARE = 0.85;

/**
 * Annealing from a feasible plan: first the placement search on its surrogate (its best mapping routed, kept when
 * the routed plan is better), then simulated annealing with every move routed. The improvement curve reports
 * milliseconds since the start of `solve`, each point better than the last.
 */
function annealFrom(net: Net, plan: Plan, options: SolveOptions, elapsed: () => number): Plan {
  const rng = createRng(options.seed ?? 1);
  const { clock, onProgress } = options;
  const sign = maximizes(net.objective) ? 1 : -1;
  let reported = -Infinity;
  const report = (iteration: number, gain: number): void => {
    if (gain <= reported) return;
    reported = gain;
    onProgress?.({ iteration, millis: clock === undefined ? null : elapsed(), score: sign * gain });
  };
  report(0, plan.gain());
  let start = plan;
  if (placementSearchApplies(net)) {
    const share = options.deadlineMs === undefined || clock === undefined ? undefined : Math.max(0, options.deadlineMs - elapsed()) * PLACEMENT_SHARE;
    const { mapping } = searchPlacement(net, plan.hostOf, { rng: rng.fork(), ...(share !== undefined ? { deadlineMs: share, clock } : {}) });
    const routed = mapping === plan.hostOf ? null : routedPlan(net, mapping);
    if (routed !== null && routed.gain() > plan.gain()) {
      start = routed;
      report(0, routed.gain());
    }
  }
  const remaining = options.deadlineMs === undefined ? undefined : Math.max(0, options.deadlineMs - elapsed());
  return anneal(start, {
    rng,
    ...(options.iterations !== undefined ? { iterations: options.iterations } : {}),
    ...(remaining !== undefined ? { deadlineMs: remaining } : {}),
    ...(clock !== undefined ? { clock } : {}),
    onImprove: (p) => report(p.iteration, sign * p.score),
  }).best;
}

export const greedySolver: SolverPlugin = {
  name: "greedy",
  description: "Sundararaj et al.'s greedy heuristic (ICAC'06): map talkers together by demand and connectivity, route along widest paths, repair by moving a VM",
  solve: (instance, options = {}) =>
    withNet("greedy", instance, options, (net, elapsed) => {
      const g = greedyPlan(net);
      return g.ok ? planSolution(g.plan, { solver: "greedy", millis: elapsed() }) : infeasibleSolution(net, g.violations, false, { solver: "greedy", millis: elapsed() });
    }),
};

export const annealSolver: SolverPlugin = {
  name: "anneal",
  description: "simulated annealing from the greedy plan (remap, swap, reroute); anytime within --deadline-ms",
  solve: (instance, options = {}) =>
    withNet("anneal", instance, options, (net, elapsed) => {
      const g = greedyPlan(net);
      if (!g.ok) return infeasibleSolution(net, g.violations, false, { solver: "anneal", millis: elapsed() });
      return planSolution(annealFrom(net, g.plan, options, elapsed), { solver: "anneal", millis: elapsed() });
    }),
};

/**
 * The MIP from a feasible start (when there is one), then the better of the MIP's plan and the start; the MIP's
 * bound; its proof of infeasibility (with the constraints named), which no plan may contradict.
 */
async function exact(net: Net, start: Plan | null, lp: LpSolver, timeLimitMs: number | undefined, solver: string, elapsed: () => number, fallback: Violation[]): Promise<Solution> {
  const r = await solveMip(net, { lp, ...(timeLimitMs !== undefined ? { timeLimitMs } : {}), ...(start !== null ? { start } : {}) });
  if (r.kind === "infeasible") {
    if (start !== null) throw new VadaptError(ErrorCode.Internal, `${solver}: the MIP claims infeasibility but a feasible plan exists`);
    return infeasibleSolution(net, r.violations, true, { solver, millis: elapsed() });
  }
  if (r.kind === "plan") {
    const plan = !r.optimal && start !== null && start.gain() > r.plan.gain() ? start : r.plan;
    return planSolution(plan, { solver, millis: elapsed(), bound: r.bound });
  }
  return start !== null
    ? planSolution(start, { solver, millis: elapsed(), bound: r.bound })
    : infeasibleSolution(net, fallback, false, { solver, millis: elapsed(), bound: r.bound });
}

function mipSizeCheck(net: Net): void {
  const size = mipVariableCount(net);
  if (size > MIP_MAX_VARIABLES) {
    throw new ConfigError("solve", [`the exact MIP would have ${size} variables (limit ${MIP_MAX_VARIABLES}); use --solver anneal or auto`]);
  }
}

export const mipSolver: SolverPlugin = {
  name: "mip",
  description: "the exact MIP (HiGHS or glpk.js) from the greedy plan; proves optimality or infeasibility, or returns its best plan and bound at --deadline-ms",
  solve: (instance, options = {}) =>
    withNet("mip", instance, options, async (net, elapsed) => {
      const lp = options.lp;
      if (lp === undefined) throw new ConfigError("solve", ["the mip solver needs an LP solver (glpk or highs)"]);
      mipSizeCheck(net);
      const g = greedyPlan(net);
      const remaining = options.deadlineMs === undefined ? undefined : Math.max(1, options.deadlineMs - elapsed());
      return exact(net, g.ok ? g.plan : null, lp, remaining, `mip/${lp.name}`, elapsed, g.ok ? [] : g.violations);
    }),
};

/**
 * Branch and bound's answer when it settles the instance: the proven optimum (its own bound), or proven
 * infeasibility with the constraint families named by the MIP's deletion filter when an LP solver is given (else by
 * where greedy stopped). Null when it stopped at its limit.
 */
async function settled(net: Net, r: BranchAndBoundOutcome, g: GreedyOutcome, options: SolveOptions, solver: string, elapsed: () => number): Promise<Solution | null> {
  if (r.kind === "optimal") return planSolution(r.plan, { solver, millis: elapsed(), bound: r.plan.score() });
  if (r.kind === "limit") return null;
  if (g.ok) throw new VadaptError(ErrorCode.Internal, `${solver}: branch and bound claims infeasibility but a feasible plan exists`);
  const violations = options.lp === undefined ? g.violations : await diagnoseInfeasible(net, { lp: options.lp });
  return infeasibleSolution(net, violations, true, { solver, millis: elapsed() });
}

/** The simple paths for `auto`'s branch and bound when it is tried (few VMs, few simple paths between the hosts), else null. */
const searchPaths = (net: Net): SimplePathTable | null => (net.V <= BRANCH_AND_BOUND_MAX_VMS ? simplePathTable(net) : null);

export const branchAndBoundSolver: SolverPlugin = {
  name: "bnb",
  description: "exact branch and bound over placements and paths from the greedy plan, no LP solver, for small instances (a dozen VMs on a few hosts); proves optimality or infeasibility, or returns its best plan at --deadline-ms",
  solve: (instance, options = {}) =>
    withNet("bnb", instance, options, async (net, elapsed) => {
      const paths = simplePathTable(net);
      if (paths === null) throw new ConfigError("solve", ["too many simple paths between the hosts for branch and bound; use --solver mip, anneal or auto"]);
      const g = greedyPlan(net);
      const { clock } = options;
      const remaining = options.deadlineMs === undefined || clock === undefined ? undefined : Math.max(1, options.deadlineMs - elapsed());
      const r = branchAndBound(net, paths, { start: g.ok ? g.plan : null, ...(remaining !== undefined ? { deadlineMs: remaining, clock } : {}) });
      const answer = await settled(net, r, g, options, "bnb", elapsed);
      if (answer !== null) return answer;
      const best = r.kind === "limit" ? r.plan : null;
      return best !== null ? planSolution(best, { solver: "bnb", millis: elapsed() }) : infeasibleSolution(net, g.ok ? [] : g.violations, false, { solver: "bnb", millis: elapsed() });
    }),
};

/** The share of `auto`'s deadline given to annealing before an exact search, and the deadline when none is given. */
export const AUTO_ANNEAL_SHARE = 0.2;
export const AUTO_DEADLINE_MS = 10_000;
/**
 * Where branch and bound follows, annealing (which gives it its first incumbent) runs at most this long: the
 * search itself takes well under a second on a dozen VMs.
 */
export const AUTO_SEARCH_ANNEAL_MS = 300;
/** Without a clock, `auto`'s branch and bound stops after this many nodes and hands over to the MIP. */
export const AUTO_SEARCH_NODES = 2_000_000;

export const autoSolver: SolverPlugin = {
  name: "auto",
  description: `greedy, then annealing, then on small instances the exact searches from the annealed plan: branch and bound (at most ${BRANCH_AND_BOUND_MAX_VMS} VMs), then the MIP (at most ${AUTO_MIP_VARIABLES} variables and an LP solver), within --deadline-ms (default ${AUTO_DEADLINE_MS / 1000} s)`,
  solve: (instance, options = {}) =>
    withNet("auto", instance, options, async (net, elapsed) => {
      const paths = searchPaths(net);
      const search = paths !== null;
      const mip = options.lp !== undefined && mipVariableCount(net) <= AUTO_MIP_VARIABLES;
      const small = search || mip;
      // without a clock there is no deadline: annealing runs its iteration budget
      const deadline = options.clock === undefined ? undefined : (options.deadlineMs ?? AUTO_DEADLINE_MS);
      const g = greedyPlan(net);
      const annealMs = deadline === undefined ? undefined : !small ? deadline : search ? Math.min(AUTO_SEARCH_ANNEAL_MS, deadline * AUTO_ANNEAL_SHARE) : deadline * AUTO_ANNEAL_SHARE;
      const annealBudget = annealMs === undefined ? options : { ...options, deadlineMs: annealMs };
      let best = g.ok ? annealFrom(net, g.plan, annealBudget, elapsed) : null;
      let found = "auto/anneal";
      if (paths !== null) {
        // half of what is left when the MIP follows, all of it otherwise
        const left = deadline === undefined ? undefined : Math.max(1, deadline - elapsed()) * (mip ? 0.5 : 1);
        const r = branchAndBound(net, paths, { start: best, ...(left !== undefined ? { deadlineMs: left, clock: options.clock! } : { maxNodes: AUTO_SEARCH_NODES }) });
        const answer = await settled(net, r, g, options, "auto/bnb", elapsed);
        if (answer !== null) return answer;
        if (r.kind === "limit" && r.plan !== null && r.plan !== best) {
          best = r.plan;
          found = "auto/bnb";
        }
      }
      if (!mip || options.lp === undefined) {
        return best !== null ? planSolution(best, { solver: found, millis: elapsed() }) : infeasibleSolution(net, g.ok ? [] : g.violations, false, { solver: found, millis: elapsed() });
      }
      const remaining = deadline === undefined ? undefined : Math.max(1, deadline - elapsed());
      return exact(net, best, options.lp, remaining, `auto/mip/${options.lp.name}`, elapsed, g.ok ? [] : g.violations);
    }),
};

/** Every solver by name. */
export const solvers: Readonly<Record<string, SolverPlugin>> = {
  greedy: greedySolver,
  anneal: annealSolver,
  mip: mipSolver,
  bnb: branchAndBoundSolver,
  auto: autoSolver,
};
