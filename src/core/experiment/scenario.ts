/**
 * Building a cell's adaptation instance from the experiment's inputs (topologies, patterns and load series read
 * once by the harness) with the instance generator of `vadapt gen-instance` (src/core/instances/generate.ts),
 * then the load (./load.ts). The instance depends on the topology, pattern, load, instance parameters and seed
 * only, so every algorithm and objective of a scenario is compared on the same VMs, hosts, demands and current
 * placement. Pure: the seed drives everything random.
 */
import { generateInstance, type Pattern, type Topology } from "../instances/generate.js";
import type { Instance, Objective } from "../model/problem.js";
import { createRng } from "../rng.js";
import type { PatternSpec, TopologySpec } from "./config.js";
import type { Cell } from "./grid.js";
import { applyLoad, type LoadApplied } from "./load.js";

/** The data of an experiment, read once: topologies and patterns by name, CPU load series (percent) by load name. */
export interface ExperimentInputs {
  readonly topologies: Readonly<Record<string, Topology>>;
  readonly patterns: Readonly<Record<string, Pattern>>;
  readonly loads: Readonly<Record<string, readonly Float64Array[]>>;
}

/** A synthetic pattern spec as the generator's pattern (mpi patterns come from a file). */
export function syntheticPattern(p: PatternSpec): Pattern {
  const vms = p.vms ?? 0;
  switch (p.kind) {
    case "mpi":
      throw new RangeError(`pattern '${p.name}': an mpi pattern is read from its file`);
    case "random":
      return { kind: "random", vms, degree: p.degree ?? 3 };
    case "mesh":
      return { kind: "mesh2d", vms };
    default:
      return { kind: p.kind, vms };
  }
}

export interface Scenario {
  readonly instance: Instance;
  readonly load: LoadApplied | null;
}

/** The instance of a cell (its objective set), with what the load did. */
export function buildScenario(inputs: ExperimentInputs, cell: Cell): Scenario {
  const t: TopologySpec = cell.topology;
  const topology = inputs.topologies[t.name];
  const pattern = inputs.patterns[cell.pattern.name];
  if (topology === undefined || pattern === undefined) throw new RangeError(`cell ${cell.id}: inputs lack topology '${t.name}' or pattern '${cell.pattern.name}'`);
  const p = cell.instance;
  const rng = createRng(cell.seed);
  const genRng = rng.fork();
  const loadRng = rng.fork();
  const hostCpu = t.hostCpu ?? p.hostCpu;
  let instance = generateInstance(genRng, {
    topology,
    pattern,
    ...(t.hosts !== undefined ? { hosts: t.hosts } : {}),
    hostCpu,
    hostMemMB: t.hostMemMB ?? p.hostMemMB,
    localMbps: t.localMbps ?? p.localMbps,
    lanMbps: t.lanMbps ?? p.lanMbps,
    vmCpu: p.vmCpu,
    vmMemMB: p.vmMemMB,
    meanMbps: p.meanMbps,
    maxLatencyMs: p.maxLatencyMs,
    current: p.current,
    objective: cell.objective as Objective,
    maxMigrations: p.maxMigrations,
    migrationWeight: p.migrationWeight,
  });
  let load: LoadApplied | null = null;
  if (cell.load.kind === "trace") {
    const series = inputs.loads[cell.load.name];
    if (series === undefined) throw new RangeError(`cell ${cell.id}: inputs lack load '${cell.load.name}'`);
    const r = applyLoad(instance, series, cell.load, { vmCpu: p.vmCpu, hostCpu: () => hostCpu }, loadRng);
    instance = r.instance;
    load = r.applied;
  }
  return { instance, load };
}
