/** The interface every LP/MIP solver adapter implements (src/adapters/lp: glpk.js, HiGHS). */
import type { LpModel } from "./lp-model.js";

export const LpStatus = {
  /** Optimal (within the relative gap asked for). */
  Optimal: "optimal",
  /** Stopped at a limit with a feasible solution (not proven optimal). */
  Feasible: "feasible",
  Infeasible: "infeasible",
  Unbounded: "unbounded",
  /** Stopped at a limit without a feasible solution, or the solver could not decide. */
  Unknown: "unknown",
} as const;
export type LpStatus = (typeof LpStatus)[keyof typeof LpStatus];

export interface LpSolveOptions {
  /** Wall-clock limit for the solve, ms. */
  readonly timeLimitMs?: number;
  /** Relative MIP gap at which to stop (default 1e-6). */
  readonly relativeGap?: number;
  /** A feasible solution to start from (values by variable index); solvers that cannot take one ignore it. */
  readonly start?: Float64Array;
}

export interface LpResult {
  readonly status: LpStatus;
  /** Objective of the solution found (null without one). */
  readonly objective: number | null;
  /** Proven bound on the optimum (upper when maximising, lower when minimising), null when the solver gives none. */
  readonly bound: number | null;
  /** Values by variable index (null without a solution). */
  readonly values: Float64Array | null;
}

export interface LpSolver {
  readonly name: string;
  solve(model: LpModel, options?: LpSolveOptions): Promise<LpResult>;
}
