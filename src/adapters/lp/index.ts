/** The LP/MIP solvers by name. HiGHS is the default: see docs/solver.md for the benchmark behind the choice. */
import type { LpSolver } from "../../core/solve/lp-solver.js";
import { glpkSolver } from "./glpk.js";
import { highsSolver } from "./highs.js";

export const lpSolvers: Readonly<Record<string, LpSolver>> = { highs: highsSolver, glpk: glpkSolver };
export const DEFAULT_LP_SOLVER = "highs";
