/**
 * {@link LpSolver} over GLPK (Makhorin, GNU Linear Programming Kit; the `glpk.js` WebAssembly build): the model
 * is handed over as glpk.js's JSON form; a MIP is solved by GLPK's branch-and-cut after presolve. GLPK reports no
 * dual bound for a MIP stopped at its time limit, and glpk.js exposes no way to pass a MIP start (its options are
 * msglev, tmlim, mipgap, presol and an LP-only callback), so `options.start` is ignored: the caller keeps its start
 * plan and returns it when GLPK finds nothing better within the limit.
 */
import GLPKFactory from "glpk.js/node";
import { ExternalError } from "../../core/errors.js";
import { isMip, VarKind, type LpModel } from "../../core/solve/lp-model.js";
import { LpStatus, type LpResult, type LpSolveOptions, type LpSolver } from "../../core/solve/lp-solver.js";

type Factory = typeof GLPKFactory;
type Glpk = Awaited<ReturnType<Factory>>;

let runtime: Promise<Glpk> | undefined;

/**
 * Loads the WebAssembly runtime once (unwrapping a `.default` that `nodenext` types do not show). GLPK prints some
 * messages ("Constructing initial basis...", "Size of triangular part is ...") whatever the message level, through
 * the `console.log` its runtime binds while it is being created (glpk.js's factory takes no print hook). So
 * `console.log` is silenced until the runtime is ready, and GLPK's messages never reach stdout, where
 * `vadapt solve` writes its JSON (vadapt itself never writes through `console.log`).
 */
function load(): Promise<Glpk> {
  if (runtime === undefined) {
    const mod = GLPKFactory as unknown as Factory | { default: Factory };
    const factory = typeof mod === "function" ? mod : mod.default;
    const log = console.log;
    console.log = (): void => {};
    runtime = factory().finally(() => {
      console.log = log;
    });
  }
  return runtime;
}

export const glpkSolver: LpSolver = {
  name: "glpk",
  async solve(model: LpModel, options: LpSolveOptions = {}): Promise<LpResult> {
    const glpk = await load();
    const name = (v: number): string => model.vars[v]!.name;
    const bnds = (lb: number, ub: number): { type: number; lb: number; ub: number } => {
      if (lb === -Infinity && ub === Infinity) return { type: glpk.GLP_FR, lb: 0, ub: 0 };
      if (ub === Infinity) return { type: glpk.GLP_LO, lb, ub: 0 };
      if (lb === -Infinity) return { type: glpk.GLP_UP, lb: 0, ub };
      if (lb === ub) return { type: glpk.GLP_FX, lb, ub };
      return { type: glpk.GLP_DB, lb, ub };
    };
    const lp = {
      name: model.name,
      objective: {
        direction: model.direction === "max" ? glpk.GLP_MAX : glpk.GLP_MIN,
        name: "obj",
        vars: model.objective.map((t) => ({ name: name(t.v), coef: t.coef })),
      },
      subjectTo: model.constraints.map((c) => ({
        name: c.name,
        vars: c.terms.map((t) => ({ name: name(t.v), coef: t.coef })),
        bnds: c.sense === "<=" ? bnds(-Infinity, c.rhs) : c.sense === ">=" ? bnds(c.rhs, Infinity) : bnds(c.rhs, c.rhs),
      })),
      bounds: model.vars.filter((x) => x.kind !== VarKind.Binary).map((x) => ({ name: x.name, ...bnds(x.lb, x.ub) })),
      binaries: model.vars.filter((x) => x.kind === VarKind.Binary).map((x) => x.name),
      generals: model.vars.filter((x) => x.kind === VarKind.Integer).map((x) => x.name),
    };
    let r: ReturnType<Glpk["solve"]>;
    try {
      r = glpk.solve(lp, {
        msglev: glpk.GLP_MSG_OFF,
        presol: true,
        mipgap: options.relativeGap ?? 1e-6,
        ...(options.timeLimitMs !== undefined ? { tmlim: options.timeLimitMs / 1000 } : {}),
      });
    } catch (e) {
      throw new ExternalError("glpk", e instanceof Error ? e.message : String(e), { cause: e });
    }
    const s = r.result.status;
    const values = Float64Array.from(model.vars, (x) => r.result.vars[x.name] ?? 0);
    if (s === glpk.GLP_OPT) return { status: LpStatus.Optimal, objective: r.result.z, bound: r.result.z, values };
    if (s === glpk.GLP_FEAS) return { status: LpStatus.Feasible, objective: r.result.z, bound: isMip(model) ? null : r.result.z, values };
    if (s === glpk.GLP_NOFEAS || s === glpk.GLP_INFEAS) return { status: LpStatus.Infeasible, objective: null, bound: null, values: null };
    if (s === glpk.GLP_UNBND) return { status: LpStatus.Unbounded, objective: null, bound: null, values: null };
    return { status: LpStatus.Unknown, objective: null, bound: null, values: null };
  },
};
