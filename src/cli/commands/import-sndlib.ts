import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_LINK_LATENCY_MS, DEFAULT_SNDLIB_CAPACITY_MBPS, DEFAULT_STATIC_INTERVAL_MS, openSndlib } from "../../importers/sndlib.js";
import { nonNegativeNumber, positiveInt } from "../options.js";
import { finishImport, withOutput } from "./import-common.js";

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return n;
}

interface SndlibCliOptions {
  output: string;
  network?: string;
  intervalMs?: number;
  defaultCapacityMbps?: number;
  defaultLatencyMs?: number;
}

/** `vadapt import sndlib <path>`: an SNDlib network, or a dynamic series of demand matrices. */
export function registerImportSndlib(parent: Command): void {
  withOutput(
    parent
      .command("sndlib")
      .description("SNDlib network (native .txt or .xml) or demand-matrix series (directory or tar archive of demandMatrix XML) → hosts, one VM per node, links, traffic")
      .argument("<path>", "a network file (.txt native, .xml), a directory of demandMatrix-*.xml files, or a .tar.xz/.tar.gz/.tar of them")
      .option("--network <file>", "take hosts, coordinates and links from this SNDlib network file (a series' matrices carry no links)")
      .option("--interval-ms <ms>", `time a network's demand matrix covers (default: META granularity if a fixed length, else ${DEFAULT_STATIC_INTERVAL_MS}); for a series, overrides the files' granularity`, positiveInt)
      .option("--default-capacity-mbps <n>", `capacity of links with neither pre-installed capacity nor modules (default ${DEFAULT_SNDLIB_CAPACITY_MBPS})`, positiveNumber)
      .option("--default-latency-ms <ms>", `latency of links whose length is unknown: planar (pixel) coordinates or none (default ${DEFAULT_LINK_LATENCY_MS})`, nonNegativeNumber),
  )
    .addHelpText(
      "after",
      `
Hosts are the nodes; each runs one VM named after its node with MAC syntheticMac(i + 1), so node-to-node demands
become MAC-pair traffic. A link's capacity is its pre-installed capacity when > 0, else its smallest installable
module. Capacities and demands are converted to Mbit/s from META unit (Mbit/s assumed when absent, with a
warning). Links are undirected: each becomes two overlay links with the full capacity, except in networks that
list both orientations of a pair (then each is one direction). Latency: great-circle distance at 2/3 c for
geographical coordinates. Each matrix is one traffic event: bytes = Mbit/s x interval, packets 0. A series is
ordered by the YYYYMMDD[-HHMM] stamp in the file names; SNDlib times are taken as UTC.
See docs/importers.md#sndlib.

Examples:
  vadapt import sndlib ../shared/data/sndlib/instances/native/abilene/abilene.txt -o abilene.trace
  vadapt import sndlib ../shared/data/sndlib/dynamic/geant_15min_20050505 \\
      --network ../shared/data/sndlib/instances/xml/geant/geant.xml -o geant-day.trace
  vadapt import sndlib ../shared/data/sndlib/dynamic/abilene_5min_17days_xml.tar.xz \\
      --network ../shared/data/sndlib/instances/xml/abilene/abilene.xml -o abilene-17d.trace.gz`,
    )
    .action(async (path: string, opts: SndlibCliOptions) => {
      const imported = await openSndlib(path, {
        ...(opts.network !== undefined ? { network: opts.network } : {}),
        ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
        ...(opts.defaultCapacityMbps !== undefined ? { defaultCapacityMbps: opts.defaultCapacityMbps } : {}),
        ...(opts.defaultLatencyMs !== undefined ? { defaultLatencyMs: opts.defaultLatencyMs } : {}),
      });
      await finishImport(opts.output, imported);
    });
}
