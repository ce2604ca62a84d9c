import { InvalidArgumentError, type Command } from "commander";
import { LOAD_FORMATS, openLoad, type LoadFormat } from "../../importers/load.js";
import { readModeOption } from "../options.js";
import { finishImport, withOutput } from "./import-common.js";

function formatOption(v: string): LoadFormat {
  if (!(LOAD_FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${LOAD_FORMATS.join(", ")}`);
  return v as LoadFormat;
}

/** `vadapt import load <paths...>`: host/VM load series → load events. */
export function registerImportLoad(parent: Command): void {
  withOutput(
    parent
      .command("load")
      .description("host/VM load series (Bitbrains Rnd, Alibaba 2018, Azure V1, PlanetLab CPU) → load events (cpuPct, memPct, netIn/OutMbps)")
      .argument("<paths...>", "files or directories (walked recursively; README/LICENSE/archives skipped); all of one format")
      .option("--format <f>", `source format, instead of detecting it from each file's first line: ${LOAD_FORMATS.join(", ")}`, formatOption)
      .option("--strict", "stop at the first malformed line (default)")
      .option("--lenient", "skip malformed lines, count them and warn"),
  )
    .addHelpText(
      "after",
      `
Sources and what they become (details: docs/importers.md#load):
  bitbrains  one VM per file (<n>.csv.gz), 5-min samples: cpuPct, memPct (usage / provisioned),
             netIn/OutMbps (KB/s, 1 KB = 1024 B); tMs from the earliest sample (header startTime)
  alibaba    machine_usage.csv: one host per machine: cpuPct, memPct (net_in/net_out are normalised
             cumulative values, not rates: not imported); cpu capacity from machine_meta.csv beside it
  azure      microsoft_{avg,max}_100.csv.gz: one VM per column, reading r at tMs = (r - 1) * 5 min
  planetlab  one VM per file, line k at tMs = (k - 1) * 5 min (+ whole days for YYYYMMDD folders)
A VM id is its file name (or column); where two inputs give the same id, ids become <folder or file>/<id>.

Examples:
  vadapt import load ../shared/data/bitbrains-rnd/2013-7 -o bitbrains-jul.trace.gz
  vadapt import load ../shared/data/alibaba-2018-16hosts -o alibaba.trace`,
    )
    .action(async (paths: string[], opts: { output: string; format?: LoadFormat; strict?: boolean; lenient?: boolean }) => {
      const imported = await openLoad(paths, { mode: readModeOption(opts), ...(opts.format !== undefined ? { format: opts.format } : {}) });
      await finishImport(opts.output, imported);
    });
}
