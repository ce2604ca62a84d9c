/**
 * `vadapt experiment <config.json>`: the research harness. A grid of topology × pattern × load × algorithm ×
 * objective × seed cells, run in worker threads, resumable, with CSV/JSON results (docs/harness.md).
 */
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { ErrorCode, VadaptError } from "../../core/errors.js";
import { parseExperimentConfig } from "../../core/experiment/config.js";
import { expandGrid } from "../../core/experiment/grid.js";
import { summaryMarkdown } from "../../core/experiment/results.js";
import { createProgress } from "../../harness/progress.js";
import { runExperiment } from "../../harness/run.js";
import { codeVersion } from "../../harness/version.js";
import { positiveInt } from "../options.js";
import { readJsonFile } from "./solve.js";

interface ExperimentOptions {
  output?: string;
  threads?: number;
  retryErrors?: boolean;
  dryRun?: boolean;
  progress: boolean;
}

export function registerExperiment(program: Command): void {
  program
    .command("experiment")
    .description("run a research experiment: a grid of topologies × patterns × loads × algorithms × objectives × seeds in worker threads; resumable; CSV/JSON results")
    .argument("<config>", "experiment config (JSON; see docs/harness.md)")
    .option("-o, --output <dir>", "results directory (default: results/<name> beside the config)")
    .option("--threads <n>", `worker threads (default: the machine's cores, ${availableParallelism()})`, positiveInt)
    .option("--retry-errors", "run again the cells whose recorded result is an error")
    .option("--dry-run", "validate the config and list the grid's size; run nothing")
    .option("--no-progress", "no progress on stderr")
    .addHelpText(
      "after",
      "\nResults (in the output directory): results.ndjson (the journal: one line per finished cell, fsynced; a rerun skips the cells it holds), results.csv, results.json, summary.md.\nInterrupt with Ctrl-C and run the same command again to resume.",
    )
    .action(async (path: string, opts: ExperimentOptions) => {
      const config = parseExperimentConfig(await readJsonFile(path), path);
      const configDir = dirname(resolve(path));
      const dataDir = resolve(configDir, config.dataDir ?? ".");
      const outDir = resolve(opts.output ?? join(configDir, "results", config.name));
      if (opts.dryRun === true) {
        const cells = expandGrid(config);
        const n = (xs: readonly unknown[]): number => xs.length;
        process.stdout.write(
          `${config.name}: ${cells.length} cells = ${n(config.topologies)} topologies × ${n(config.patterns)} patterns × ${n(config.loads)} loads × ${n(config.seeds)} seeds × ${n(config.objectives)} objectives × ${n(config.algorithms)} algorithms\nresults: ${outDir}\n`,
        );
        return;
      }
      const abort = new AbortController();
      const onSigint = (): void => {
        process.stderr.write("\ninterrupted: finishing the journal; run the same command again to resume\n");
        abort.abort();
      };
      process.once("SIGINT", onSigint);
      let progress = createProgress(0, process.stderr, { enabled: false, skipped: 0 });
      try {
        const r = await runExperiment({
          config,
          configPath: resolve(path),
          dataDir,
          outDir,
          threads: opts.threads ?? availableParallelism(),
          retryErrors: opts.retryErrors === true,
          version: codeVersion(),
          signal: abort.signal,
          onStart: (toRun, done) => {
            progress = createProgress(toRun, process.stderr, { enabled: opts.progress, skipped: done });
          },
          onCell: (c) => progress.tick(c.status === "ok" ? c.id : `${c.id}: ERROR`),
          warn: (m) => process.stderr.write(`warning: ${m}\n`),
        });
        progress.done();
        const errors = r.results.filter((x) => x.status === "error");
        const disagree = r.results.filter((x) => x.metrics !== null && !x.metrics.agrees);
        process.stdout.write(summaryMarkdown(r.summary));
        process.stdout.write(
          `\n${r.results.length}/${r.cells} cells (${r.ran} run now, ${r.skipped} resumed from the journal)${r.tornLine ? "; a torn last journal line (crash) was dropped and its cell rerun" : ""}${r.stale > 0 ? `; ${r.stale} journal result(s) of cells no longer in the grid left out` : ""}\n` +
            `results: ${r.files.csv}, ${r.files.json}, ${r.files.summary}\n`,
        );
        for (const e of errors.slice(0, 5)) process.stderr.write(`error in ${e.id}: ${e.error}\n`);
        if (errors.length > 5) process.stderr.write(`... and ${errors.length - 5} more cell error(s) (column 'error' of the CSV)\n`);
        for (const d of disagree) process.stderr.write(`WARNING: ${d.id}: the solver's feasibility claim disagrees with the checker\n`);
        if (r.stopped) throw new VadaptError(ErrorCode.External, `interrupted after ${r.results.length}/${r.cells} cells: run the same command again to resume`);
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}
