import type { Command } from "commander";
import { DEFAULT_SLICE_MS, openRtt } from "../../importers/rtt.js";
import { positiveInt, readModeOption } from "../options.js";
import { finishImport, withOutput } from "./import-common.js";

/** `vadapt import rtt <paths...>`: Seattle RTT matrices → hosts + one-way latency link events. */
export function registerImportRtt(parent: Command): void {
  withOutput(
    parent
      .command("rtt")
      .description("RTT matrices (Seattle SeattleData_t, n×n TSV, seconds) → hosts n1..nN + link events with one-way latencyMs = RTT / 2")
      .argument("<paths...>", "slice files or directories of them (unpack the .tar.xz archive first); slice t = the file name's trailing number")
      .option("--slice-ms <ms>", `time between slices; slice t is at (t - 1) * slice-ms (default ${DEFAULT_SLICE_MS}: ~3 h / 688 slices, an assumption; the README gives none)`, positiveInt)
      .option("--strict", "stop at the first malformed row (default)")
      .option("--lenient", "skip malformed rows, count them and warn"),
  )
    .addHelpText(
      "after",
      `
Entry (i, j) is the RTT measured from node i to node j; it becomes link n<i> → n<j>. Off-diagonal entries of 0
or less are missing measurements: skipped and counted in a warning. See docs/importers.md#rtt.

Example:
  vadapt import rtt ../shared/data/rtt-seattle/Seattle_first48 -o seattle48.trace.gz`,
    )
    .action(async (paths: string[], opts: { output: string; sliceMs?: number; strict?: boolean; lenient?: boolean }) => {
      const imported = await openRtt(paths, { mode: readModeOption(opts), ...(opts.sliceMs !== undefined ? { sliceMs: opts.sliceMs } : {}) });
      await finishImport(opts.output, imported);
    });
}
