/**
 * The independent checker of the adaptation problem (`shared/spec/adaptation-problem.md`; Sundararaj & Dinda,
 * VM'04). From an instance and a solution's mapping and paths it recomputes feasibility, naming every violated
 * constraint, every objective, the migrations and their cost. It is deliberately plain (maps keyed by ids,
 * straightforward loops) and shares no code with the solvers beyond the model types, so that a solver bug cannot
 * hide behind a shared helper.
 */
import {
  Constraint,
  fitsWithin,
  maximizes,
  type Instance,
  type Migration,
  type Objective,
  type ObjectiveValues,
  type Solution,
  type Violation,
} from "../model/problem.js";

/** What the checker finds in a solution. */
export interface CheckReport {
  readonly feasible: boolean;
  readonly violations: Violation[];
  /** All three objectives, computed over the demands whose paths are well formed. */
  readonly objectives: ObjectiveValues;
  readonly migrations: Migration[];
  /** Σ over moved VMs of memMB · 8 / bw(widest path old → new host), seconds (moves without a path excluded). */
  readonly migrationSeconds: number;
  /** The chosen objective with the migration penalty: `obj − w · s` when maximising, `obj + w · s` otherwise. */
  readonly score: number;
}

/** The score of objective values under an objective and migration weight, as the spec defines it. */
export function penalised(objectives: ObjectiveValues, objective: Objective, migrationWeight: number, migrationSeconds: number): number {
  const penalty = migrationWeight === 0 ? 0 : migrationWeight * migrationSeconds;
  return maximizes(objective) ? objectives[objective] - penalty : objectives[objective] + penalty;
}

/**
 * Checks a plan (mapping and paths; `paths[i]` routes `instance.demands[i]`) against every constraint and
 * evaluates it. `objective` overrides the instance's for the score.
 */
export function checkSolution(
  instance: Instance,
  solution: Pick<Solution, "mapping" | "paths">,
  objective: Objective = instance.objective,
): CheckReport {
  const violations: Violation[] = [];
  const flag = (constraint: Constraint, message: string): void => {
    violations.push({ constraint, message });
  };
  const hosts = new Map(instance.hosts.map((h) => [h.id as string, h]));
  const vms = new Map(instance.vms.map((v) => [v.id as string, v]));
  const links = new Map(instance.links.map((l) => [`${l.from} ${l.to}`, l]));
  const mapping = new Map<string, string>(Object.entries(solution.mapping));

  // 1. every VM mapped to a known host; pins and allowed sets respected
  for (const [vm, host] of mapping) {
    if (!vms.has(vm)) flag(Constraint.Mapping, `mapping names unknown VM '${vm}'`);
    if (!hosts.has(host)) flag(Constraint.Mapping, `VM '${vm}' is mapped to unknown host '${host}'`);
  }
  for (const vm of instance.vms) {
    const host = mapping.get(vm.id);
    if (host === undefined) {
      flag(Constraint.Mapping, `VM '${vm.id}' is not mapped`);
      continue;
    }
    if (vm.pin != null && host !== vm.pin) flag(Constraint.Pin, `VM '${vm.id}' is pinned to '${vm.pin}' but mapped to '${host}'`);
    if (vm.allowed != null && !vm.allowed.some((a) => a === host)) {
      flag(Constraint.Allowed, `VM '${vm.id}' may run on ${vm.allowed.map((a) => `'${a}'`).join(", ") || "no host"} but is mapped to '${host}'`);
    }
  }

  // 2. host capacities
  const cpuUsed = new Map<string, number>();
  const memUsed = new Map<string, number>();
  for (const vm of instance.vms) {
    const host = mapping.get(vm.id);
    if (host === undefined || !hosts.has(host)) continue;
    cpuUsed.set(host, (cpuUsed.get(host) ?? 0) + vm.cpu);
    memUsed.set(host, (memUsed.get(host) ?? 0) + vm.memMB);
  }
  for (const h of instance.hosts) {
    const cpu = cpuUsed.get(h.id) ?? 0;
    const mem = memUsed.get(h.id) ?? 0;
    if (!fitsWithin(cpu, h.cpu)) flag(Constraint.Cpu, `host '${h.id}' has cpu ${h.cpu} but its VMs need ${cpu}`);
    if (!fitsWithin(mem, h.memMB)) flag(Constraint.Memory, `host '${h.id}' has memMB ${h.memMB} but its VMs need ${mem}`);
  }

  // paths: one per demand, in demand order, well formed
  if (solution.paths.length !== instance.demands.length) {
    flag(Constraint.Path, `${instance.demands.length} demand(s) but ${solution.paths.length} path(s)`);
  }
  /** Per demand, the links of its path (empty when co-located), or null when the path is not usable. */
  const routes: Array<{ host: string | null; links: string[] } | null> = [];
  instance.demands.forEach((d, i) => {
    const p = solution.paths[i];
    const name = `demand ${i} (${d.src} -> ${d.dst})`;
    const a = mapping.get(d.src);
    const b = mapping.get(d.dst);
    if (p === undefined || a === undefined || b === undefined) {
      routes.push(null);
      return;
    }
    if (p.src !== d.src || p.dst !== d.dst) {
      flag(Constraint.Path, `path ${i} is for ${p.src} -> ${p.dst}, not ${name}`);
      routes.push(null);
      return;
    }
    const first = p.hosts[0];
    const last = p.hosts[p.hosts.length - 1];
    if (first !== a || last !== b) {
      flag(Constraint.Path, `${name}: path runs ${first} -> ${last} but the VMs are on ${a} and ${b}`);
      routes.push(null);
      return;
    }
    if (new Set(p.hosts).size !== p.hosts.length) {
      flag(Constraint.Path, `${name}: path ${p.hosts.join(" > ")} repeats a host`);
      routes.push(null);
      return;
    }
    const used: string[] = [];
    for (let k = 0; k + 1 < p.hosts.length; k++) {
      const key = `${p.hosts[k]} ${p.hosts[k + 1]}`;
      if (!links.has(key)) {
        flag(Constraint.Path, `${name}: no link ${p.hosts[k]} -> ${p.hosts[k + 1]}`);
        routes.push(null);
        return;
      }
      used.push(key);
    }
    routes.push({ host: a === b ? a : null, links: used });
  });

  // 3, 4. link and local loads
  const load = new Map<string, number>();
  const localLoad = new Map<string, number>();
  instance.demands.forEach((d, i) => {
    const r = routes[i];
    if (r == null) return;
    if (r.host !== null) localLoad.set(r.host, (localLoad.get(r.host) ?? 0) + d.mbps);
    for (const key of r.links) load.set(key, (load.get(key) ?? 0) + d.mbps);
  });
  for (const l of instance.links) {
    const used = load.get(`${l.from} ${l.to}`) ?? 0;
    if (!fitsWithin(used, l.mbps)) flag(Constraint.LinkBandwidth, `link ${l.from} -> ${l.to} carries ${used} Mbit/s over its ${l.mbps}`);
  }
  for (const h of instance.hosts) {
    const used = localLoad.get(h.id) ?? 0;
    if (!fitsWithin(used, h.localMbps)) flag(Constraint.LocalBandwidth, `host '${h.id}' carries ${used} Mbit/s of co-located traffic over its localMbps ${h.localMbps}`);
  }

  // 5. latency bounds; and the objectives
  let residual = 0;
  let trafficCost = 0;
  instance.demands.forEach((d, i) => {
    const r = routes[i];
    if (r == null) return;
    let latencyMs = 0;
    let rb = Infinity;
    for (const key of r.links) {
      const l = links.get(key)!;
      latencyMs += l.latencyMs;
      rb = Math.min(rb, l.mbps - (load.get(key) ?? 0));
    }
    if (r.host !== null) rb = hosts.get(r.host)!.localMbps - (localLoad.get(r.host) ?? 0);
    if (d.maxLatencyMs != null && !fitsWithin(latencyMs, d.maxLatencyMs)) {
      flag(Constraint.Latency, `demand ${i} (${d.src} -> ${d.dst}): path latency ${latencyMs} ms exceeds ${d.maxLatencyMs} ms`);
    }
    residual += rb;
    trafficCost += d.mbps * latencyMs;
  });
  let maxUtilization = 0;
  for (const l of instance.links) {
    const used = load.get(`${l.from} ${l.to}`) ?? 0;
    if (used > 0 && l.mbps > 0) maxUtilization = Math.max(maxUtilization, used / l.mbps);
  }

  // migrations
  const migrations: Migration[] = [];
  let migrationSeconds = 0;
  for (const vm of instance.vms) {
    const to = mapping.get(vm.id);
    if (vm.host == null || to === undefined || to === vm.host || !hosts.has(to)) continue;
    migrations.push({ vm: vm.id, from: vm.host, to: to as Migration["to"] });
    const bw = widestBandwidth(instance, vm.host, to);
    if (bw > 0) migrationSeconds += (vm.memMB * 8) / bw;
    else flag(Constraint.MigrationPath, `VM '${vm.id}' moves ${vm.host} -> ${to} but no path with positive bandwidth joins them`);
  }
  if (instance.maxMigrations !== null && migrations.length > instance.maxMigrations) {
    flag(Constraint.MaxMigrations, `${migrations.length} migrations exceed maxMigrations ${instance.maxMigrations}`);
  }

  const objectives: ObjectiveValues = {
    "residual-bottleneck": residual,
    "traffic-cost": trafficCost,
    "max-utilization": maxUtilization,
  };
  return {
    feasible: violations.length === 0,
    violations,
    objectives,
    migrations,
    migrationSeconds,
    score: penalised(objectives, objective, instance.migrationWeight, migrationSeconds),
  };
}

/** The largest bottleneck bandwidth of any path from `from` to `to` over all links (0 when none). */
function widestBandwidth(instance: Instance, from: string, to: string): number {
  const width = new Map<string, number>([[from, Infinity]]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of instance.links) {
      const wa = width.get(l.from);
      if (wa === undefined) continue;
      const w = Math.min(wa, l.mbps);
      if (w > (width.get(l.to) ?? -Infinity)) {
        width.set(l.to, w);
        changed = true;
      }
    }
  }
  return width.get(to) ?? 0;
}

/**
 * Compares what a solution claims with what the checker finds: a feasible claim must check out and its objectives,
 * migrations, migration cost and score must match (relative tolerance); an infeasible answer must name at least one
 * violated constraint. Returns the discrepancies (empty when the solution is honest).
 */
export function verifySolution(instance: Instance, solution: Solution, tolerance = 1e-6): string[] {
  const problems: string[] = [];
  if (!solution.feasible) {
    if (solution.violations === undefined || solution.violations.length === 0) problems.push("an infeasible answer names no violated constraint");
    return problems;
  }
  const objective = solution.objective ?? instance.objective;
  const r = checkSolution(instance, solution, objective);
  for (const v of r.violations) problems.push(`claims feasible but violates ${v.constraint}: ${v.message}`);
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  for (const k of Object.keys(r.objectives) as Objective[]) {
    if (!close(r.objectives[k], solution.objectives[k])) problems.push(`objective ${k}: claims ${solution.objectives[k]}, checker finds ${r.objectives[k]}`);
  }
  const moved = (ms: readonly Migration[]): string => ms.map((m) => `${m.vm}:${m.from}>${m.to}`).sort().join(",");
  if (moved(r.migrations) !== moved(solution.migrations)) problems.push(`migrations: claims [${moved(solution.migrations)}], checker finds [${moved(r.migrations)}]`);
  if (solution.migrationSeconds !== undefined && !close(r.migrationSeconds, solution.migrationSeconds)) {
    problems.push(`migrationSeconds: claims ${solution.migrationSeconds}, checker finds ${r.migrationSeconds}`);
  }
  if (solution.score !== undefined && !close(r.score, solution.score)) problems.push(`score: claims ${solution.score}, checker finds ${r.score}`);
  return problems;
}
