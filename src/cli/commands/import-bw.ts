import type { Command } from "commander";
import { openBw } from "../../importers/bw.js";
import { positiveInt, readModeOption } from "../options.js";
import { finishImport, withOutput } from "./import-common.js";

/** `vadapt import bw <files...>`: mahimahi capacity traces → binned bandwidth link events. */
export function registerImportBw(parent: Command): void {
  withOutput(
    parent
      .command("bw")
      .description("mahimahi capacity traces (one line = one 1500-byte delivery opportunity at that ms) → link events with mbps per bin")
      .argument("<files...>", "trace files, at most one per direction (e.g. X.up and X.down)")
      .option("--bin-ms <ms>", "bin width in ms (e.g. 100, 1000, 10000)", positiveInt, 1000)
      .option("--from <host>", "the mobile side: .up traces run from → to, .down traces to → from", "mobile")
      .option("--to <host>", "the network side", "server")
      .option("--strict", "stop at the first malformed line (default)")
      .option("--lenient", "skip malformed lines, count them and warn"),
  )
    .addHelpText(
      "after",
      `
Bin k covers [k * bin-ms, (k + 1) * bin-ms) and is written at tMs = (k + 1) * bin-ms with
mbps = opportunities * 1500 * 8 / (bin-ms * 1000). The trace's period is its last timestamp D (mahimahi replays
it), so only the floor(D / bin-ms) complete bins are written. See docs/importers.md#bw.

Example:
  vadapt import bw ../shared/data/mahimahi-bw/ATT-LTE-driving-2016.up ../shared/data/mahimahi-bw/ATT-LTE-driving-2016.down -o att.trace`,
    )
    .action(async (files: string[], opts: { output: string; binMs: number; from: string; to: string; strict?: boolean; lenient?: boolean }) => {
      const imported = await openBw(files, { mode: readModeOption(opts), binMs: opts.binMs, from: opts.from, to: opts.to });
      await finishImport(opts.output, imported);
    });
}
