/**
 * The adaptation problem instance and solution, exactly as `shared/spec/adaptation-problem.md` defines them
 * (Sundararaj & Dinda VM'04; Sundararaj et al. ICAC'06). Units: Mbit/s, ms, MB.
 */
import { z } from "zod";
import { HostId, VmId } from "./ids.js";

/** The objectives a solver can optimise; all are reported for every solution. */
export const Objective = {
  ResidualBottleneck: "residual-bottleneck",
  TrafficCost: "traffic-cost",
  MaxUtilization: "max-utilization",
} as const;
export type Objective = (typeof Objective)[keyof typeof Objective];
export const ObjectiveName = z.enum([Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization]);

/** Whether a larger value of the objective is better. */
export function maximizes(o: Objective): boolean {
  return o === Objective.ResidualBottleneck;
}

export const ProblemHost = z.object({
  id: HostId,
  cpu: z.number().nonnegative(),
  memMB: z.number().nonnegative(),
  localMbps: z.number().nonnegative().default(10_000),
});
export type ProblemHost = z.infer<typeof ProblemHost>;

export const ProblemLink = z.object({
  from: HostId,
  to: HostId,
  mbps: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  active: z.boolean().default(true),
});
export type ProblemLink = z.infer<typeof ProblemLink>;

export const ProblemVm = z.object({
  id: VmId,
  cpu: z.number().nonnegative(),
  memMB: z.number().nonnegative(),
  host: HostId.nullable().optional(),
  pin: HostId.nullable().optional(),
  allowed: z.array(HostId).nullable().optional(),
});
export type ProblemVm = z.infer<typeof ProblemVm>;

export const Demand = z.object({
  src: VmId,
  dst: VmId,
  mbps: z.number().nonnegative(),
  maxLatencyMs: z.number().nonnegative().nullable().optional(),
});
export type Demand = z.infer<typeof Demand>;

/** One adaptation problem instance (the `solve` command's input file). */
export const Instance = z
  .object({
    hosts: z.array(ProblemHost).min(1),
    links: z.array(ProblemLink),
    vms: z.array(ProblemVm),
    demands: z.array(Demand),
    objective: ObjectiveName.default(Objective.ResidualBottleneck),
    maxMigrations: z.number().int().nonnegative().nullable().default(null),
    migrationWeight: z.number().nonnegative().default(0),
  })
  .superRefine((inst, ctx) => {
    const hosts = new Set<string>();
    inst.hosts.forEach((h, i) => {
      if (hosts.has(h.id)) ctx.addIssue({ code: "custom", path: ["hosts", i, "id"], message: `duplicate host id '${h.id}'` });
      hosts.add(h.id);
    });
    const vms = new Set<string>();
    inst.vms.forEach((v, i) => {
      if (vms.has(v.id)) ctx.addIssue({ code: "custom", path: ["vms", i, "id"], message: `duplicate VM id '${v.id}'` });
      vms.add(v.id);
      for (const key of ["host", "pin"] as const) {
        const h = v[key];
        if (h != null && !hosts.has(h)) ctx.addIssue({ code: "custom", path: ["vms", i, key], message: `unknown host '${h}'` });
      }
      v.allowed?.forEach((h, k) => {
        if (!hosts.has(h)) ctx.addIssue({ code: "custom", path: ["vms", i, "allowed", k], message: `unknown host '${h}'` });
      });
    });
    const linkKeys = new Set<string>();
    inst.links.forEach((l, i) => {
      const linkKey = `${l.from}\u0000${l.to}`;
      if (linkKeys.has(linkKey)) ctx.addIssue({ code: "custom", path: ["links", i], message: `duplicate link ${l.from} -> ${l.to}` });
      linkKeys.add(linkKey);
      for (const key of ["from", "to"] as const) {
        if (!hosts.has(l[key])) ctx.addIssue({ code: "custom", path: ["links", i, key], message: `unknown host '${l[key]}'` });
      }
      if (l.from === l.to) ctx.addIssue({ code: "custom", path: ["links", i], message: "a link may not be a self-loop" });
    });
    inst.demands.forEach((d, i) => {
      for (const key of ["src", "dst"] as const) {
        if (!vms.has(d[key])) ctx.addIssue({ code: "custom", path: ["demands", i, key], message: `unknown VM '${d[key]}'` });
      }
    });
  });
export type Instance = z.infer<typeof Instance>;
export type InstanceInput = z.input<typeof Instance>;

export const PathOut = z.object({ src: VmId, dst: VmId, hosts: z.array(HostId).min(1) });
export type PathOut = z.infer<typeof PathOut>;

export const Migration = z.object({ vm: VmId, from: HostId, to: HostId });
export type Migration = z.infer<typeof Migration>;

export const ObjectiveValues = z.object({
  "residual-bottleneck": z.number(),
  "traffic-cost": z.number(),
  "max-utilization": z.number(),
});
export type ObjectiveValues = z.infer<typeof ObjectiveValues>;

/** The constraints of the spec's feasibility list (plus the migration limits), named in infeasible answers. */
export const Constraint = {
  /** Every VM is mapped to a known host (and only VMs are mapped). */
  Mapping: "mapping",
  Pin: "pin",
  Allowed: "allowed",
  Cpu: "cpu",
  Memory: "memory",
  /** Per edge, the routed load is within `bw(e)`. */
  LinkBandwidth: "link-bandwidth",
  /** Per host, the co-located demands' total is within `localMbps`. */
  LocalBandwidth: "local-bandwidth",
  Latency: "latency",
  /** One simple directed path per demand, over existing links, from the source's host to the destination's. */
  Path: "path",
  MaxMigrations: "max-migrations",
  /** A moved VM's memory must be copied: a path with positive bandwidth from the old host to the new one. */
  MigrationPath: "migration-path",
} as const;
export type Constraint = (typeof Constraint)[keyof typeof Constraint];

/** One violated constraint, with a message naming the VMs, hosts, links or demands involved. */
export const Violation = z.object({
  constraint: z.enum(Object.values(Constraint) as [Constraint, ...Constraint[]]),
  message: z.string(),
});
export type Violation = z.infer<typeof Violation>;

/**
 * Whether `amount` is within `capacity` up to a relative tolerance of 1e-9 (floating-point sums of Mbit/s, cores
 * and MB). This is what "≤" means in every feasibility constraint, for solvers and checker alike.
 */
export function fitsWithin(amount: number, capacity: number): boolean {
  return amount <= capacity + 1e-9 * Math.max(1, Math.abs(capacity));
}

/** A solution (the `solve` command's output). Fields may be added; these keep their meaning. */
export const Solution = z.looseObject({
  feasible: z.boolean(),
  mapping: z.record(z.string(), HostId),
  paths: z.array(PathOut),
  objectives: ObjectiveValues,
  migrations: z.array(Migration),
  bound: z.number().nullable(),
  solver: z.string(),
  millis: z.number().nonnegative(),
  /** The objective the solver optimised (the instance's unless overridden). */
  objective: ObjectiveName.optional(),
  /** Migration cost: Σ over moved VMs of memMB · 8 / bw(widest path old → new host), seconds. */
  migrationSeconds: z.number().nonnegative().optional(),
  /** The optimised objective with the migration penalty applied (see the spec). */
  score: z.number().optional(),
  /** On an infeasible answer: the violated constraints (empty mapping and paths; objectives are then 0). */
  violations: z.array(Violation).optional(),
  /** On an infeasible answer: true when the instance is proven infeasible, false when the solver found no plan. */
  proven: z.boolean().optional(),
});
export type Solution = z.infer<typeof Solution>;
