import { InvalidArgumentError, type Command } from "commander";
import { MpiPlacement, openMpi } from "../../importers/mpi.js";
import { positiveInt, readModeOption } from "../options.js";
import { finishImport, withOutput } from "./import-common.js";

function placementOption(v: string): MpiPlacement {
  const all = Object.values(MpiPlacement) as string[];
  if (!all.includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${all.join(", ")}`);
  return v as MpiPlacement;
}

/** `vadapt import mpi <path>`: an MPI communication graph → one VM per rank + one global traffic matrix. */
export function registerImportMpi(parent: Command): void {
  withOutput(
    parent
      .command("mpi")
      .description("MPI communication graph (graphStats.txt, 'i , j = bytes' lines) → VMs rank0..rankN-1 + one global traffic matrix")
      .argument("<path>", "a graphStats.txt file, or a run directory holding one (e.g. ../shared/data/mpi-comm-graphs/NPB/cg_results/64_ranks)")
      .option("--hosts <n>", "also create hosts h1..hN and place the ranks on them (default: no hosts)", positiveInt)
      .option("--placement <p>", "with --hosts: block (consecutive ranks share a host, sizes differ by at most 1) or round-robin (rank r on host r mod N)", placementOption, MpiPlacement.Block)
      .option("--interval-ms <ms>", "time the matrix covers (default: the run time from the mpiP report beside the graph, else 1000 with a warning)", positiveInt)
      .option("--strict", "stop at the first malformed line (default)")
      .option("--lenient", "skip malformed lines, count them and warn"),
  )
    .addHelpText(
      "after",
      `
Each pair appears once (i < j) in the shipped graphs; its bytes are both directions together, written as one
cell rank<i> → rank<j>. Packets are unknown (0). VM rank<i> has MAC 02:00:xx:xx:xx:xx = syntheticMac(i + 1).
See docs/importers.md#mpi.

Example:
  vadapt import mpi ../shared/data/mpi-comm-graphs/NPB/cg_results/64_ranks --hosts 8 -o cg64.trace`,
    )
    .action(async (path: string, opts: { output: string; hosts?: number; placement: MpiPlacement; intervalMs?: number; strict?: boolean; lenient?: boolean }) => {
      const imported = await openMpi(path, {
        mode: readModeOption(opts),
        placement: opts.placement,
        ...(opts.hosts !== undefined ? { hosts: opts.hosts } : {}),
        ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
      });
      await finishImport(opts.output, imported);
    });
}
