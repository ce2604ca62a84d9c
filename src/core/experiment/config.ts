/**
 * The research harness's experiment configuration (`vadapt experiment <config.json>`; docs/harness.md): a grid
 * of topologies × application patterns × load traces × algorithms × objectives × seeds, and the instance and
 * solver parameters shared by every cell. Validated with zod; every problem is reported at once, each with its
 * field path.
 */
import { z } from "zod";
import { ALGORITHM_NAMES, ROUTINGS, takesRouting } from "../baselines/index.js";
import { CurrentPlacement } from "../instances/generate.js";
import { ObjectiveName } from "../model/problem.js";
import { parseConfig } from "../validate.js";

const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "a name of letters, digits and . _ + - (used in cell ids and file names)");
const Positive = z.number().positive();
const NonNegative = z.number().nonnegative();
const Count = z.number().int().positive();

/** Host and LAN parameters a topology may set (defaults: the experiment's `instance` section). */
const HostParams = {
  /** Hosts in all, spread over the sites round-robin (default: one per site). */
  hosts: Count.optional(),
  hostCpu: NonNegative.optional(),
  hostMemMB: NonNegative.optional(),
  localMbps: NonNegative.optional(),
  lanMbps: NonNegative.optional(),
};

export const SyntheticShape = { Ring: "ring", Star: "star", Full: "full", Random: "random" } as const;
export type SyntheticShape = (typeof SyntheticShape)[keyof typeof SyntheticShape];

export const SyntheticTopology = z.strictObject({
  shape: z.enum([SyntheticShape.Ring, SyntheticShape.Star, SyntheticShape.Full, SyntheticShape.Random]),
  sites: z.number().int().min(2).max(10_000),
  /** Bandwidth of every link, Mbit/s. */
  mbps: Positive,
  /** Latency of every link, ms (random shape: drawn uniformly from [latencyMs/2, 3·latencyMs/2]). */
  latencyMs: NonNegative,
  /** Random shape: links per site beyond a spanning ring. */
  degree: z.number().int().nonnegative().default(2),
  /** Random shape: the generator's seed (the topology stays fixed across the experiment's seeds). */
  seed: z.number().int().default(1),
});
export type SyntheticTopology = z.infer<typeof SyntheticTopology>;

export const TopologySpec = z
  .strictObject({
    name: Name,
    /** An SNDlib network (native .txt or .xml) or a Topology Zoo .graphml, relative to the data directory. */
    file: z.string().min(1).optional(),
    synthetic: SyntheticTopology.optional(),
    ...HostParams,
  })
  .refine((t) => (t.file === undefined) !== (t.synthetic === undefined), { message: "give exactly one of 'file' and 'synthetic'" });
export type TopologySpec = z.infer<typeof TopologySpec>;

export const PatternKind = { Ring: "ring", Line: "line", Mesh: "mesh", Star: "star", AllToAll: "all-to-all", Random: "random", Mpi: "mpi" } as const;
export type PatternKind = (typeof PatternKind)[keyof typeof PatternKind];

export const PatternSpec = z
  .strictObject({
    name: Name,
    kind: z.enum(Object.values(PatternKind) as [PatternKind, ...PatternKind[]]),
    /** VMs of a synthetic pattern (not for mpi: one VM per rank). */
    vms: z.number().int().min(1).max(100_000).optional(),
    /** random: demands per VM. */
    degree: z.number().int().positive().optional(),
    /** mpi: a graphStats.txt of shared/data/mpi-comm-graphs, relative to the data directory. */
    file: z.string().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.kind === PatternKind.Mpi) {
      if (p.file === undefined) ctx.addIssue({ code: "custom", path: ["file"], message: "an mpi pattern needs 'file' (a graphStats.txt)" });
      if (p.vms !== undefined) ctx.addIssue({ code: "custom", path: ["vms"], message: "an mpi pattern has one VM per rank: drop 'vms'" });
    } else {
      if (p.vms === undefined) ctx.addIssue({ code: "custom", path: ["vms"], message: `a ${p.kind} pattern needs 'vms'` });
      if (p.file !== undefined) ctx.addIssue({ code: "custom", path: ["file"], message: "'file' is for mpi patterns only" });
    }
    if (p.degree !== undefined && p.kind !== PatternKind.Random) ctx.addIssue({ code: "custom", path: ["degree"], message: "'degree' is for random patterns only" });
  });
export type PatternSpec = z.infer<typeof PatternSpec>;

export const LoadStatistic = { Peak: "peak", Mean: "mean" } as const;
export type LoadStatistic = (typeof LoadStatistic)[keyof typeof LoadStatistic];

const NoLoad = z.strictObject({ name: Name, kind: z.literal("none") });
/**
 * Load from a real trace of CPU use (Bitbrains, Azure, PlanetLab, Alibaba; format detected per file): see
 * {@link applyLoad} for how it enters the instance.
 */
const TraceLoad = z
  .strictObject({
    name: Name,
    kind: z.literal("trace"),
    /** Files or directories (walked), relative to the data directory. */
    files: z.array(z.string().min(1)).min(1),
    format: z.enum(["bitbrains", "alibaba", "azure", "planetlab"]).optional(),
    /** Use at most this many series (in natural file order). */
    maxSeries: Count.optional(),
    /** Each VM's cpu becomes its provisioned size × its series' CPU use. */
    vms: z.boolean().default(true),
    /** Each host's cpu shrinks by the background load of its series. */
    hosts: z.boolean().default(false),
    /** Samples in the planning window (Bitbrains: 5 minutes each). */
    windowSamples: Count.default(12),
    /** Window statistic: the peak (provision for the window) or the mean. */
    statistic: z.enum([LoadStatistic.Peak, LoadStatistic.Mean]).default(LoadStatistic.Peak),
    /** The window's first sample; default: drawn per seed. */
    startSample: z.number().int().nonnegative().optional(),
    /** Floor of a VM's CPU use, percent (an idle VM still needs some cpu). */
    minVmCpuPct: z.number().min(0).max(100).default(5),
    /** Multiplies the host background (1: the series' CPU use is the share of the host taken). */
    backgroundScale: z.number().min(0).max(1).default(1),
  })
  .refine((l) => l.vms || l.hosts, { message: "a trace load applies to 'vms', 'hosts' or both" });

export const LoadSpec = z.discriminatedUnion("kind", [NoLoad, TraceLoad]);
export type LoadSpec = z.infer<typeof LoadSpec>;
export type TraceLoadSpec = Extract<LoadSpec, { kind: "trace" }>;

const AlgorithmObject = z.strictObject({
  name: z.string().min(1),
  /** Column label in results (default: name, or name/routing). Must be unique. */
  label: Name.optional(),
  /** Baselines only: widest or shortest paths. */
  routing: z.enum(ROUTINGS as [string, ...string[]]).optional(),
  /** Overrides of the solver section for this algorithm. */
  iterations: Count.optional(),
  deadlineMs: Count.optional(),
});
export const AlgorithmSpec = z.union([z.string().min(1).transform((name) => ({ name })), AlgorithmObject]);
export type AlgorithmSpec = z.infer<typeof AlgorithmObject>;

export const InstanceParams = z.strictObject({
  hostCpu: NonNegative.default(8),
  hostMemMB: NonNegative.default(32768),
  localMbps: NonNegative.default(10_000),
  lanMbps: NonNegative.default(1000),
  /** A VM's provisioned cpu (its size; a trace load scales it by the VM's use). */
  vmCpu: NonNegative.default(1),
  vmMemMB: NonNegative.default(2048),
  /** Mean Mbit/s of a demand (MPI bytes are scaled to this mean). */
  meanMbps: NonNegative.default(10),
  maxLatencyMs: NonNegative.nullable().default(null),
  /** Where the VMs run before adaptation (migrations are counted from here). */
  current: z.enum([CurrentPlacement.None, CurrentPlacement.Block, CurrentPlacement.Random]).default(CurrentPlacement.Random),
  maxMigrations: z.number().int().nonnegative().nullable().default(null),
  migrationWeight: NonNegative.default(0),
});
export type InstanceParams = z.infer<typeof InstanceParams>;

export const SolverParams = z.strictObject({
  /** LP/MIP solver of mip and auto. */
  lp: z.enum(["highs", "glpk"]).default("highs"),
  /** Annealing's move budget (reproducible). */
  iterations: Count.default(20_000),
  /** Time budget of mip and auto, ms (anneal runs its move budget: reproducible whatever the machine's load). */
  deadlineMs: Count.default(5_000),
  /** Also compute the aggregated LP relaxation's bound when the solver proves none. */
  bound: z.boolean().default(false),
});
export type SolverParams = z.infer<typeof SolverParams>;

const Seeds = z.union([
  z.array(z.number().int()).min(1),
  z.strictObject({ from: z.number().int().default(1), count: Count }).transform((s) => Array.from({ length: s.count }, (_, i) => s.from + i)),
]);

export const ExperimentConfig = z
  .strictObject({
    name: Name,
    description: z.string().optional(),
    /** Base of relative data paths, relative to the config file (default: the config file's directory). */
    dataDir: z.string().min(1).optional(),
    topologies: z.array(TopologySpec).min(1),
    patterns: z.array(PatternSpec).min(1),
    loads: z.array(LoadSpec).min(1).default([{ name: "none", kind: "none" }]),
    algorithms: z.array(AlgorithmSpec).min(1),
    objectives: z.array(ObjectiveName).min(1),
    seeds: Seeds,
    instance: InstanceParams.prefault({}),
    solver: SolverParams.prefault({}),
  })
  .superRefine((c, ctx) => {
    const unique = (items: readonly string[], path: string, what: string): void => {
      const seen = new Set<string>();
      items.forEach((n, i) => {
        if (seen.has(n)) ctx.addIssue({ code: "custom", path: [path, i], message: `duplicate ${what} '${n}'` });
        seen.add(n);
      });
    };
    unique(c.topologies.map((t) => t.name), "topologies", "topology name");
    unique(c.patterns.map((p) => p.name), "patterns", "pattern name");
    unique(c.loads.map((l) => l.name), "loads", "load name");
    unique(c.objectives, "objectives", "objective");
    unique(c.seeds.map(String), "seeds", "seed");
    unique(c.algorithms.map(algorithmLabel), "algorithms", "algorithm label");
    c.algorithms.forEach((a, i) => {
      if (!ALGORITHM_NAMES.includes(a.name)) ctx.addIssue({ code: "custom", path: ["algorithms", i, "name"], message: `'${a.name}' is not one of ${ALGORITHM_NAMES.join(", ")}` });
      else if ("routing" in a && a.routing !== undefined && !takesRouting(a.name)) {
        ctx.addIssue({ code: "custom", path: ["algorithms", i, "routing"], message: `'${a.name}' routes by itself: routing is for the baselines` });
      }
    });
  });
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;

/** An algorithm's label in results: its `label`, else `name` or `name/routing`. */
export function algorithmLabel(a: AlgorithmSpec | { name: string }): string {
  if ("label" in a && a.label !== undefined) return a.label;
  return "routing" in a && a.routing !== undefined ? `${a.name}/${a.routing}` : a.name;
}

/** Validates a parsed JSON config; a {@link ConfigError} lists every problem with its field path. */
export function parseExperimentConfig(data: unknown, source: string): ExperimentConfig {
  return parseConfig(ExperimentConfig, data, source);
}
