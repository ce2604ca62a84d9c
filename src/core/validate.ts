import type { z } from "zod";
import { ConfigError, InputError, type InputLocation } from "./errors.js";

/** One problem found by a schema: a dotted field path and what is wrong there. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Formats a zod path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else s += (s === "" ? "" : ".") + String(p);
  }
  return s;
}

/** Lists every problem in a zod error, each with its field path. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({ field: formatPath(i.path), message: i.message }));
}

/** The result of validating untrusted data: the value, or every problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** Validates untrusted data against a schema without throwing. */
export function check<S extends z.ZodType>(schema: S, data: unknown): Checked<z.output<S>> {
  const r = schema.safeParse(data);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: fieldProblems(r.error) };
}

/**
 * Validates untrusted data; on failure throws an {@link InputError} naming the location and the first bad field
 * (with the count of further problems).
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, where: InputLocation): z.output<S> {
  const r = check(schema, data);
  if (r.ok) return r.value;
  const [first, ...rest] = r.problems;
  const field = [where.field, first?.field].filter((x) => x !== undefined && x !== "").join(".");
  const more = rest.length > 0 ? ` (and ${rest.length} more problem(s): ${rest.map((p) => `${p.field}: ${p.message}`).join("; ")})` : "";
  throw new InputError({ ...where, field }, `${first?.message ?? "invalid"}${more}`);
}

/** Validates a configuration object; on failure throws a {@link ConfigError} listing every problem. */
export function parseConfig<S extends z.ZodType>(schema: S, data: unknown, source: string): z.output<S> {
  const r = check(schema, data);
  if (r.ok) return r.value;
  throw new ConfigError(source, r.problems.map((p) => `${p.field === "" ? "(root)" : p.field}: ${p.message}`));
}
