/**
 * {@link LpSolver} over HiGHS (Huangfu & Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp.
 * 2018; the `highs` package: HiGHS compiled to WebAssembly). The model goes in as CPLEX LP text; the persistent
 * API takes a MIP start and reports the MIP's dual bound, so a time-limited solve still yields a proven bound.
 */
import highsModule, { type Highs } from "highs";
import { ExternalError } from "../../core/errors.js";
import { toCplexLp, isMip, type LpModel } from "../../core/solve/lp-model.js";
import { LpStatus, type LpResult, type LpSolveOptions, type LpSolver } from "../../core/solve/lp-solver.js";

type Loader = () => Promise<Highs>;

let runtime: Promise<Highs> | undefined;

/** Loads the WebAssembly runtime once. The package is CommonJS whose default export `nodenext` types wrongly. */
function load(): Promise<Highs> {
  if (runtime === undefined) {
    const mod = highsModule as unknown as Loader | { default: Loader };
    const loader = typeof mod === "function" ? mod : mod.default;
    runtime = loader();
  }
  return runtime;
}

/** Pure LPs with more variables than this are solved by HiGHS's interior-point method. */
const IPM_FROM_VARIABLES = 5000;

export const highsSolver: LpSolver = {
  name: "highs",
  async solve(model: LpModel, options: LpSolveOptions = {}): Promise<LpResult> {
    const highs = await load();
    const text = toCplexLp(model);
    const mip = isMip(model);
    try {
      return highs.withModel({ format: "lp", data: text }, (m) => {
        m.options.set({
          output_flag: false,
          // large pure LPs (the aggregated relaxation at scale) solve several times faster by interior point, with
          // crossover to an exact vertex, than by dual simplex (18.5 s vs 3.2 s at 1024 VMs: docs/solver.md)
          ...(!mip && model.vars.length > IPM_FROM_VARIABLES ? { solver: "ipm" } : {}),
          mip_rel_gap: options.relativeGap ?? 1e-6,
          ...(options.timeLimitMs !== undefined ? { time_limit: options.timeLimitMs / 1000 } : {}),
        });
        if (options.start !== undefined && mip) {
          const byName = new Map(model.vars.map((x, i) => [x.name, i]));
          const n = m.getDimensions().numCols;
          const colValue = new Float64Array(n);
          for (let j = 0; j < n; j++) colValue[j] = options.start[byName.get(m.getColName(j)) ?? -1] ?? 0;
          m.setSolution({ colValue });
        }
        const status = m.run().modelStatus;
        const codes = highs.constants.modelStatus;
        const hasPrimal = Number(m.info.get("primal_solution_status")) === 2;
        let values: Float64Array | null = null;
        if (hasPrimal) {
          const byName = new Map(model.vars.map((x, i) => [x.name, i]));
          values = new Float64Array(model.vars.length);
          const col = m.getSolution().colValue;
          for (let j = 0; j < col.length; j++) {
            const i = byName.get(m.getColName(j));
            if (i !== undefined) values[i] = col[j]!;
          }
        }
        const objective = hasPrimal ? m.getObjectiveValue() : null;
        const dual = mip ? Number(m.info.get("mip_dual_bound")) : NaN;
        if (status === codes.empty) return { status: LpStatus.Optimal, objective: 0, bound: 0, values: new Float64Array(model.vars.length) };
        if (status === codes.optimal) return { status: LpStatus.Optimal, objective, bound: mip && Number.isFinite(dual) ? dual : objective, values };
        if (status === codes.infeasible) return { status: LpStatus.Infeasible, objective: null, bound: null, values: null };
        if (status === codes.unbounded) return { status: LpStatus.Unbounded, objective: null, bound: null, values: null };
        const bound = mip && Number.isFinite(dual) ? dual : null;
        return { status: hasPrimal ? LpStatus.Feasible : LpStatus.Unknown, objective, bound, values };
      });
    } catch (e) {
      throw new ExternalError("highs", e instanceof Error ? e.message : String(e), { cause: e });
    }
  },
};
