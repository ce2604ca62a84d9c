/** `vadapt report <results|plan|trace>`: a self-contained HTML report with inline SVG plots (docs/harness.md). */
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { IoError } from "../../core/errors.js";
import { parseSpec } from "../../core/predict/spec.js";
import { buildReport } from "../../report/build.js";
import { readModeOption } from "../options.js";

interface ReportCliOptions {
  output?: string;
  plan: boolean;
  model?: string;
  strict?: boolean;
  lenient?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write a self-contained HTML report (inline SVG plots, no network needed): of an experiment's results, a what-if plan, or a trace")
    .argument("<input>", "results.json or a results directory (vadapt experiment), a plan report (vadapt plan --json / -o), or a trace (.trace, .trace.gz)")
    .option("-o, --output <file>", "the HTML file (default: <input name>.html in the current directory)")
    .option("--no-plan", "traces: do not replay the trace through the what-if planner")
    .option("--model <spec>", "traces: the prediction model, e.g. ar:8 (RPS spec; default ar:8)")
    .option("--strict", "traces: stop at the first malformed line (default)")
    .option("--lenient", "traces: skip malformed lines, count them")
    .addHelpText("after", "\nPlots by input: results: algorithm comparison with 95% t-intervals, objective before/after, gain, migrations, runtime, table.\nplan: objective before/after per plan, decisions and migrations on a timeline, placement before/after.\ntrace: inferred topology (VTTIF), traffic-matrix heatmaps over time, prediction vs actual with intervals, and the plan plots of a what-if replay.")
    .action(async (input: string, opts: ReportCliOptions) => {
      if (opts.model !== undefined) parseSpec(opts.model);
      const { kind, html } = await buildReport(input, { mode: readModeOption(opts), plan: opts.plan, ...(opts.model !== undefined ? { model: opts.model } : {}) });
      const out = opts.output ?? `${basename(input).replace(/\.(json|trace|trace\.gz|gz)$/, "")}.html`;
      await writeFile(out, html).catch((e: unknown) => {
        throw new IoError(out, `cannot write: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      const svgs = html.match(/<svg /g)?.length ?? 0;
      process.stderr.write(`wrote ${out}: ${kind} report, ${svgs} plot(s), ${(html.length / 1024).toFixed(0)} KiB\n`);
    });
}
