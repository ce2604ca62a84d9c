import type { Command } from "commander";
import type { ImportedTrace } from "../../importers/types.js";
import { writeImported } from "../../importers/write.js";

/** Adds the options every importer shares (-o). */
export function withOutput(cmd: Command): Command {
  return cmd.requiredOption("-o, --output <file>", "trace file to write (.trace, or .trace.gz to compress; - for stdout)");
}

/**
 * Writes the imported trace and prints warnings and a one-line summary to stderr. Warnings are printed after the
 * events are written: streaming importers add some (skipped lines, missing values) while their events are read.
 */
export async function finishImport(out: string, imported: ImportedTrace): Promise<void> {
  const n = await writeImported(out, imported);
  for (const w of imported.warnings) process.stderr.write(`warning: ${w}\n`);
  const h = imported.header;
  process.stderr.write(`wrote ${out}: ${h.hosts.length} hosts, ${h.links.length} links, ${h.vms.length} VMs, ${n} events\n`);
}
