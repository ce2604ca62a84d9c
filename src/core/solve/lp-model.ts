/**
 * A linear (mixed-integer) program as plain data: variables with bounds and kinds, linear constraints, a linear
 * objective. Built by the formulations in core, written as CPLEX LP text, solved behind {@link LpSolver}.
 */

export const VarKind = { Continuous: "continuous", Binary: "binary", Integer: "integer" } as const;
export type VarKind = (typeof VarKind)[keyof typeof VarKind];

export interface LpVar {
  /** A CPLEX-LP-safe name: letters, digits and `_`, not starting with a digit. */
  readonly name: string;
  readonly lb: number;
  readonly ub: number;
  readonly kind: VarKind;
}

/** `coef · vars[v]`. */
export interface LpTerm {
  readonly v: number;
  readonly coef: number;
}

export type Sense = "<=" | ">=" | "=";

export interface LpConstraint {
  readonly name: string;
  readonly terms: readonly LpTerm[];
  readonly sense: Sense;
  readonly rhs: number;
}

export interface LpModel {
  readonly name: string;
  readonly direction: "max" | "min";
  readonly objective: readonly LpTerm[];
  readonly vars: readonly LpVar[];
  readonly constraints: readonly LpConstraint[];
}

/** Collects variables and constraints. */
export class LpBuilder {
  readonly vars: LpVar[] = [];
  readonly constraints: LpConstraint[] = [];
  private readonly names = new Set<string>();

  /** Adds a variable and returns its index. */
  addVar(name: string, lb: number, ub: number, kind: VarKind = VarKind.Continuous): number {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || this.names.has(name)) throw new RangeError(`LpBuilder: bad or duplicate variable name '${name}'`);
    this.names.add(name);
    this.vars.push({ name, lb, ub, kind });
    return this.vars.length - 1;
  }

  /**
   * Adds `Σ terms sense rhs` (terms on the same variable are summed; zero coefficients are dropped). A constraint
   * left without terms is dropped when 0 satisfies it, and written over a variable fixed at 0 when it does not (so
   * that the model stays infeasible in every solver's file format).
   */
  addConstraint(name: string, terms: readonly LpTerm[], sense: Sense, rhs: number): void {
    const merged = merge(terms);
    if (merged.length === 0) {
      if (sense === "<=" ? 0 <= rhs : sense === ">=" ? 0 >= rhs : rhs === 0) return;
      this.zero ??= this.addVar("fixed_zero", 0, 0);
      merged.push({ v: this.zero, coef: 1 });
    }
    this.constraints.push({ name, terms: merged, sense, rhs });
  }

  private zero: number | undefined;

  build(name: string, direction: "max" | "min", objective: readonly LpTerm[]): LpModel {
    return { name, direction, objective: merge(objective), vars: this.vars, constraints: this.constraints };
  }
}

/** Sums the coefficients of repeated variables and drops zeros, keeping first-appearance order. */
function merge(terms: readonly LpTerm[]): LpTerm[] {
  const at = new Map<number, number>();
  const out: Array<{ v: number; coef: number }> = [];
  for (const t of terms) {
    if (!Number.isFinite(t.coef)) throw new RangeError(`LpBuilder: coefficient ${t.coef} of variable ${t.v} is not finite`);
    const i = at.get(t.v);
    if (i === undefined) {
      at.set(t.v, out.length);
      out.push({ v: t.v, coef: t.coef });
    } else {
      out[i]!.coef += t.coef;
    }
  }
  return out.filter((t) => t.coef !== 0);
}

/** The LP relaxation: every integer and binary variable made continuous within its bounds. */
export function relax(model: LpModel): LpModel {
  return { ...model, name: `${model.name}_relaxed`, vars: model.vars.map((x) => (x.kind === VarKind.Continuous ? x : { ...x, kind: VarKind.Continuous })) };
}

/** Whether a model has integer or binary variables. */
export function isMip(model: LpModel): boolean {
  return model.vars.some((x) => x.kind !== VarKind.Continuous);
}

function num(c: number): string {
  return String(c);
}

function expression(model: LpModel, terms: readonly LpTerm[], out: string[]): void {
  if (terms.length === 0) {
    out.push(" 0");
    return;
  }
  let line = "";
  terms.forEach((t, i) => {
    const name = model.vars[t.v]!.name;
    const sign = t.coef < 0 ? "-" : i === 0 ? "" : "+";
    const abs = Math.abs(t.coef);
    const piece = `${sign ? ` ${sign}` : ""} ${abs === 1 ? "" : `${num(abs)} `}${name}`;
    if (line.length + piece.length > 200) {
      out.push(line);
      line = "";
    }
    line += piece;
  });
  out.push(line);
}

/**
 * Writes CPLEX LP format (as read by HiGHS, GLPK and CPLEX): objective, `Subject To`, `Bounds` (every variable,
 * so that each is declared), `General`, `Binary`, `End`. Lines stay under 255 characters.
 */
export function toCplexLp(model: LpModel): string {
  const out: string[] = [`\\ ${model.name}`, model.direction === "max" ? "Maximize" : "Minimize", " obj:"];
  expression(model, model.objective, out);
  out.push("Subject To");
  for (const c of model.constraints) {
    out.push(` ${c.name}:`);
    expression(model, c.terms, out);
    out.push(` ${c.sense} ${num(c.rhs)}`);
  }
  out.push("Bounds");
  for (const x of model.vars) {
    if (x.kind === VarKind.Binary) continue;
    if (x.lb === -Infinity && x.ub === Infinity) out.push(` ${x.name} free`);
    else if (x.lb === x.ub) out.push(` ${x.name} = ${num(x.lb)}`);
    else out.push(` ${x.lb === -Infinity ? "-inf" : num(x.lb)} <= ${x.name} <= ${x.ub === Infinity ? "+inf" : num(x.ub)}`);
  }
  const general = model.vars.filter((x) => x.kind === VarKind.Integer);
  if (general.length > 0) out.push("General", ...general.map((x) => ` ${x.name}`));
  const binary = model.vars.filter((x) => x.kind === VarKind.Binary);
  if (binary.length > 0) out.push("Binary", ...binary.map((x) => ` ${x.name}`));
  out.push("End", "");
  return out.join("\n");
}
