import type { Command } from "commander";
import { registerImportPcap } from "./import-pcap.js";
import { registerImportBw } from "./import-bw.js";
import { registerImportLoad } from "./import-load.js";
import { registerImportMpi } from "./import-mpi.js";
import { registerImportRtt } from "./import-rtt.js";
import { registerImportSndlib } from "./import-sndlib.js";
import { registerImportGraphml } from "./import-graphml.js";

/**
 * `vadapt import <kind> <path> -o out.trace`: one subcommand per source kind, each with its own options and
 * --help. Importer modules register their subcommand here.
 */
export const importers: Array<(parent: Command) => void> = [registerImportPcap, registerImportMpi, registerImportLoad, registerImportRtt, registerImportBw, registerImportSndlib, registerImportGraphml];

export function registerImport(program: Command): void {
  const cmd = program
    .command("import")
    .description("convert a real data set into a vadapt trace (see `vadapt import <kind> --help`)");
  for (const register of importers) register(cmd);
}
