import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_ZOO_LATENCY_MS, DEFAULT_ZOO_MBPS, openGraphml } from "../../importers/graphml.js";
import { nonNegativeNumber } from "../options.js";
import { finishImport, withOutput } from "./import-common.js";

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return n;
}

/** `vadapt import graphml <file>`: an Internet Topology Zoo GraphML file → hosts and overlay links. */
export function registerImportGraphml(parent: Command): void {
  withOutput(
    parent
      .command("graphml")
      .description("Topology Zoo GraphML → hosts (nodes, with lat/lon) and overlay links (speed from LinkSpeedRaw, latency from distance)")
      .argument("<file>", "a .graphml file, e.g. ../shared/data/topology-zoo/graphml/Geant2009.graphml")
      .option("--default-mbps <n>", `speed of edges without LinkSpeedRaw (or LinkSpeed + LinkSpeedUnits), Mbit/s (default ${DEFAULT_ZOO_MBPS})`, positiveNumber)
      .option("--default-latency-ms <ms>", `latency of links with an endpoint lacking Latitude/Longitude (default ${DEFAULT_ZOO_LATENCY_MS})`, nonNegativeNumber),
  )
    .addHelpText(
      "after",
      `
Each edge becomes an overlay link both ways (one way for a directed edge) with speed LinkSpeedRaw / 1e6 Mbit/s;
parallel edges are merged (speeds summed); self-loops are skipped. Latency is the great-circle distance between
the endpoints at 2/3 c. Every default used is reported in a warning naming the nodes or edges. Host ids are the
GraphML node ids; the node's label becomes the host's site. The trace has no VMs and no events.
See docs/importers.md#graphml.

Example:
  vadapt import graphml ../shared/data/topology-zoo/graphml/Geant2009.graphml -o geant2009.trace`,
    )
    .action(async (file: string, opts: { output: string; defaultMbps?: number; defaultLatencyMs?: number }) => {
      const imported = await openGraphml(file, {
        ...(opts.defaultMbps !== undefined ? { defaultMbps: opts.defaultMbps } : {}),
        ...(opts.defaultLatencyMs !== undefined ? { defaultLatencyMs: opts.defaultLatencyMs } : {}),
      });
      await finishImport(opts.output, imported);
    });
}
