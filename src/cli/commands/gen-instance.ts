/**
 * `vadapt gen-instance`: seeded random instances, or pattern instances (ring, mesh, all-to-all, ..., real MPI
 * graphs) over SNDlib and Topology Zoo topologies, written as the spec's instance JSON.
 */
import { writeFile } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { ConfigError, IoError } from "../../core/errors.js";
import { CurrentPlacement, generateInstance, GENERATE_DEFAULTS, type Pattern } from "../../core/instances/generate.js";
import { randomInstance } from "../../core/instances/random.js";
import { ObjectiveName, type Instance, type Objective } from "../../core/model/problem.js";
import { createRng } from "../../core/rng.js";
import { BSP_PATTERNS, type BspPattern } from "../../core/synth/neighbours.js";
import { parseMpiGraph } from "../../importers/mpi.js";
import { readTextFile as readText, readTopologyFile as readTopology } from "../../importers/topology.js";
import { nonNegativeInt, nonNegativeNumber, positiveInt } from "../options.js";

interface GenInstanceOptions {
  random?: boolean;
  topology?: string;
  pattern?: string;
  vms?: number;
  demands?: number;
  degree: number;
  hosts?: number;
  hostCpu?: number;
  hostMemMb?: number;
  localMbps?: number;
  lanMbps?: number;
  vmCpu?: number;
  vmMemMb?: number;
  meanMbps?: number;
  maxLatencyMs?: number;
  current: string;
  objective?: Objective;
  maxMigrations?: number;
  migrationWeight?: number;
  seed: number;
  output?: string;
}

/** Pattern names on the command line (`mesh` is the 2-D mesh). */
const PATTERN_ALIASES: Readonly<Record<string, BspPattern>> = { mesh: "mesh2d" };

async function readPattern(spec: string, opts: GenInstanceOptions): Promise<Pattern> {
  if (spec.startsWith("mpi:")) {
    const file = spec.slice(4);
    const g = parseMpiGraph(await readText(file), file);
    return { kind: "mpi", ranks: g.ranks, traffic: g.entries, directed: g.directed };
  }
  const vms = opts.vms;
  if (vms === undefined) throw new ConfigError("gen-instance", [`--pattern ${spec} needs --vms`]);
  if (spec === "random") return { kind: "random", vms, degree: opts.degree };
  const kind = PATTERN_ALIASES[spec] ?? (BSP_PATTERNS as readonly string[]).find((p) => p === spec);
  if (kind === undefined) throw new ConfigError("gen-instance", [`--pattern: '${spec}' is not one of ${["mesh", ...BSP_PATTERNS, "random", "mpi:FILE"].join(", ")}`]);
  return { kind: kind as BspPattern, vms };
}

export function registerGenInstance(program: Command): void {
  program
    .command("gen-instance")
    .description("generate a VADAPT instance (JSON): --random, or --topology FILE --pattern P")
    .option("--random", "a random instance of every feature (capacities, pins, allowed sets, latency bounds, migrations)")
    .option("--topology <file>", "SNDlib network (native .txt or .xml) or Topology Zoo .graphml: its nodes are sites, its links the WAN")
    .option("--pattern <p>", "ring | line | mesh | star | all-to-all | random | mpi:FILE (a graphStats.txt of shared/data/mpi-comm-graphs)")
    .option("--vms <n>", "VMs of a pattern; --random: VMs (default 6)", positiveInt)
    .option("--demands <n>", "--random: demands (default 8)", positiveInt)
    .option("--degree <n>", "random pattern: demands per VM", positiveInt, 3)
    .option("--hosts <n>", "hosts, spread over the sites round-robin; several per site share a LAN (default: one per site; --random: 4)", positiveInt)
    .option("--host-cpu <n>", `cpu per host (default ${GENERATE_DEFAULTS.hostCpu})`, nonNegativeNumber)
    .option("--host-mem-mb <n>", `memory per host (default ${GENERATE_DEFAULTS.hostMemMB})`, nonNegativeNumber)
    .option("--local-mbps <n>", `bandwidth between VMs on one host (default ${GENERATE_DEFAULTS.localMbps})`, nonNegativeNumber)
    .option("--lan-mbps <n>", `LAN links between hosts of a site (default ${GENERATE_DEFAULTS.lanMbps})`, nonNegativeNumber)
    .option("--vm-cpu <n>", `cpu per VM (default ${GENERATE_DEFAULTS.vmCpu})`, nonNegativeNumber)
    .option("--vm-mem-mb <n>", `memory per VM (default ${GENERATE_DEFAULTS.vmMemMB})`, nonNegativeNumber)
    .option("--mean-mbps <n>", `mean demand; MPI bytes are scaled to it (default ${GENERATE_DEFAULTS.meanMbps})`, nonNegativeNumber)
    .option("--max-latency-ms <n>", "latency bound on every demand", nonNegativeNumber)
    .option("--current <p>", "where the VMs run now: none | block | random", (v) => {
      if (!(Object.values(CurrentPlacement) as string[]).includes(v)) throw new InvalidArgumentError(`'${v}' is not none, block or random`);
      return v;
    }, "none")
    .option("--objective <name>", ObjectiveName.options.join(" | "), (v) => {
      if (!(ObjectiveName.options as readonly string[]).includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${ObjectiveName.options.join(", ")}`);
      return v;
    })
    .option("--max-migrations <n>", "migration budget", nonNegativeInt)
    .option("--migration-weight <w>", "penalty per second of migration copy time", nonNegativeNumber)
    .option("--seed <n>", "random seed (the same seed and options give the same instance)", nonNegativeInt, 1)
    .option("-o, --output <file>", "write here instead of stdout")
    .addHelpText(
      "after",
      `
The instance is the spec's JSON (shared/spec/adaptation-problem.md), validated before it is written. With
--topology, each network node is a site: with more hosts than sites, a site's hosts share a LAN (a full mesh of
--lan-mbps links) and its first host carries the site's wide-area links. MPI graphs give one VM per rank, their
bytes scaled so that the mean demand is --mean-mbps. A warning goes to stderr when the VMs need more cpu than
the hosts have. See docs/solver.md.

Examples:
  vadapt gen-instance --random --vms 6 --hosts 4 --seed 7 -o small.json
  vadapt gen-instance --topology ../shared/data/sndlib/instances/native/abilene/abilene.txt \\
      --pattern ring --vms 12 --hosts 24 --current block -o ring.json
  vadapt gen-instance --topology ../shared/data/topology-zoo/graphml/Geant2009.graphml \\
      --pattern mpi:../shared/data/mpi-comm-graphs/miniMD/1024_ranks/graphStats.txt \\
      --hosts 256 --host-cpu 6 --current random -o minimd.json`,
    )
    .action(async (opts: GenInstanceOptions) => {
      const rng = createRng(opts.seed);
      let instance: Instance;
      if (opts.random === true) {
        if (opts.topology !== undefined || opts.pattern !== undefined) throw new ConfigError("gen-instance", ["--random excludes --topology and --pattern"]);
        instance = randomInstance(rng, {
          hosts: opts.hosts ?? 4,
          vms: opts.vms ?? 6,
          demands: opts.demands ?? 8,
          ...(opts.objective !== undefined ? { objective: opts.objective } : {}),
        });
      } else {
        if (opts.topology === undefined || opts.pattern === undefined) throw new ConfigError("gen-instance", ["give --random, or both --topology and --pattern"]);
        const { topology, warnings } = await readTopology(opts.topology);
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        instance = generateInstance(rng, {
          topology,
          pattern: await readPattern(opts.pattern, opts),
          current: opts.current as CurrentPlacement,
          ...(opts.hosts !== undefined ? { hosts: opts.hosts } : {}),
          ...(opts.hostCpu !== undefined ? { hostCpu: opts.hostCpu } : {}),
          ...(opts.hostMemMb !== undefined ? { hostMemMB: opts.hostMemMb } : {}),
          ...(opts.localMbps !== undefined ? { localMbps: opts.localMbps } : {}),
          ...(opts.lanMbps !== undefined ? { lanMbps: opts.lanMbps } : {}),
          ...(opts.vmCpu !== undefined ? { vmCpu: opts.vmCpu } : {}),
          ...(opts.vmMemMb !== undefined ? { vmMemMB: opts.vmMemMb } : {}),
          ...(opts.meanMbps !== undefined ? { meanMbps: opts.meanMbps } : {}),
          ...(opts.maxLatencyMs !== undefined ? { maxLatencyMs: opts.maxLatencyMs } : {}),
          ...(opts.objective !== undefined ? { objective: opts.objective } : {}),
          ...(opts.maxMigrations !== undefined ? { maxMigrations: opts.maxMigrations } : {}),
          ...(opts.migrationWeight !== undefined ? { migrationWeight: opts.migrationWeight } : {}),
        });
      }
      const cpu = instance.vms.reduce((s, v) => s + v.cpu, 0);
      const cap = instance.hosts.reduce((s, h) => s + h.cpu, 0);
      if (cpu > cap) process.stderr.write(`warning: the VMs need cpu ${cpu}, more than the hosts' ${cap}: the instance is infeasible\n`);
      const text = `${JSON.stringify(instance)}\n`;
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      await writeFile(opts.output, text).catch((e: unknown) => {
        throw new IoError(opts.output ?? "", `cannot write: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      process.stderr.write(`wrote ${opts.output}: ${instance.hosts.length} hosts, ${instance.links.length} links, ${instance.vms.length} VMs, ${instance.demands.length} demands\n`);
    });
}
