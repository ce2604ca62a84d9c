/** `vadapt solve instance.json`: solve an adaptation problem instance and print the solution JSON (the spec's). */
import { readFile, writeFile } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_LP_SOLVER, lpSolvers } from "../../adapters/lp/index.js";
import { InputError, IoError } from "../../core/errors.js";
import { Instance, ObjectiveName, type Objective } from "../../core/model/problem.js";
import { compileNet } from "../../core/solve/net.js";
import { solvers, type SolveOptions } from "../../core/solve/plugin.js";
import { relaxationBound } from "../../core/solve/relaxation.js";
import { parseInput } from "../../core/validate.js";
import { nonNegativeInt, positiveInt } from "../options.js";

interface SolveCliOptions {
  solver: string;
  lp: string;
  deadlineMs?: number;
  iterations?: number;
  objective?: Objective;
  seed: number;
  bound?: boolean;
  output?: string;
}

/** Reads a JSON file (`-` for stdin); a syntax error names the file and line. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = path === "-" ? await readStdin() : await readFile(path, "utf8");
  } catch (e) {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    const line = at === null ? undefined : text.slice(0, Number(at[1])).split("\n").length;
    throw new InputError({ file: path, line }, `not valid JSON: ${message}`, { cause: e });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const choice = (names: readonly string[]) => (v: string): string => {
  if (!names.includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${names.join(", ")}`);
  return v;
};

export function registerSolve(program: Command): void {
  program
    .command("solve")
    .description("solve a VADAPT instance (placement + overlay routing) and print the solution JSON")
    .argument("<instance>", "instance JSON file (see shared/spec/adaptation-problem.md; - for stdin)")
    .option("--solver <name>", `${Object.keys(solvers).join(" | ")} (see below)`, choice(Object.keys(solvers)), "auto")
    .option("--lp <name>", `LP/MIP solver for mip, auto and --bound: ${Object.keys(lpSolvers).join(" | ")}`, choice(Object.keys(lpSolvers)), DEFAULT_LP_SOLVER)
    .option("--deadline-ms <n>", "time budget from the start: annealing stops, branch and bound and the MIP return their best plan (the MIP with its proven bound)", positiveInt)
    .option("--iterations <n>", "annealing's move budget (bit-for-bit reproducible runs)", positiveInt)
    .option("--objective <name>", `override the instance's objective: ${ObjectiveName.options.join(" | ")}`, choice(ObjectiveName.options))
    .option("--seed <n>", "annealing's random seed", nonNegativeInt, 1)
    .option("--bound", "also compute the aggregated LP relaxation's bound when the solver proves none")
    .option("-o, --output <file>", "write the solution here instead of stdout")
    .addHelpText(
      "after",
      `
Solvers:
${Object.values(solvers)
  .map((s) => `  ${s.name.padEnd(7)} ${s.description}`)
  .join("\n")}

The solution JSON (shared/spec/adaptation-problem.md) carries the mapping, one path per demand, all three
objectives, the migrations, the score (objective with the migration penalty) and, where one is proven, a bound.
An infeasible instance is an answer, not an error: "feasible": false with the violated constraints named
("proven": true when shown infeasible, false when the heuristic merely found no plan), exit code 0.
Exit codes: 0 answered, 1 failure (unreadable file, solver fault), 2 bad instance or usage (the error names the
file and the field). Algorithms, the auto policy and the LP solver choice: docs/solver.md; the MIP: models/mip.md.

Examples:
  vadapt gen-instance --random --vms 6 --hosts 3 --seed 4 -o small.json
  vadapt solve small.json --solver mip
  vadapt solve small.json --solver bnb --deadline-ms 2000
  vadapt solve big.json --solver anneal --deadline-ms 10000 --bound
  vadapt solve big.json --objective traffic-cost --lp glpk -o plan.json`,
    )
    .action(async (path: string, opts: SolveCliOptions) => {
      const instance = parseInput(Instance, await readJsonFile(path), { file: path });
      const clock = (): number => performance.now();
      const lp = lpSolvers[opts.lp]!;
      const options: SolveOptions = {
        lp,
        clock,
        seed: opts.seed,
        ...(opts.objective !== undefined ? { objective: opts.objective } : {}),
        ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
        ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
      };
      let solution = await solvers[opts.solver]!.solve(instance, options);
      if (opts.bound === true && solution.bound === null && solution.feasible) {
        const bound = await relaxationBound(compileNet(instance, opts.objective ?? instance.objective), lp);
        solution = { ...solution, bound };
      }
      const text = `${JSON.stringify(solution, null, 2)}\n`;
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      await writeFile(opts.output, text).catch((e: unknown) => {
        throw new IoError(opts.output ?? "", `cannot write: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
    });
}
