import type { Command } from "commander";
import { registerNeeded, type Loaders } from "./lazy.js";

/** Importer subcommands by kind, loaded on demand like the top-level commands (src/cli/commands/index.ts). */
export const importers: Loaders = {
  bw: async () => (await import("./import-bw.js")).registerImportBw,
  graphml: async () => (await import("./import-graphml.js")).registerImportGraphml,
  load: async () => (await import("./import-load.js")).registerImportLoad,
  mpi: async () => (await import("./import-mpi.js")).registerImportMpi,
  pcap: async () => (await import("./import-pcap.js")).registerImportPcap,
  rtt: async () => (await import("./import-rtt.js")).registerImportRtt,
  sndlib: async () => (await import("./import-sndlib.js")).registerImportSndlib,
};

/**
 * `vadapt import <kind> <path> -o out.trace`: one subcommand per source kind, each with its own options and
 * --help. `args` are the arguments after `import`.
 */
export async function registerImport(program: Command, args: readonly string[]): Promise<void> {
  const cmd = program
    .command("import")
    .description("convert a real data set into a vadapt trace (see `vadapt import <kind> --help`)");
  await registerNeeded(cmd, importers, args);
}

