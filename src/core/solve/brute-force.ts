/**
 * Exhaustive search for tiny instances, the reference the exact MIP is tested against: every mapping of VMs to
 * hosts and, for each, every combination of simple paths for the demands, each complete plan scored by the
 * independent checker. Partial plans are cut only when they already break a constraint that more choices cannot
 * repair (a pin, an allowed set, a capacity, a link's or host's bandwidth, a latency bound, the migration budget).
 * It shares nothing with the solvers but the model types and the checker.
 */
import { fitsWithin, maximizes, type Instance, type Objective, type Solution } from "../model/problem.js";
import { checkSolution, type CheckReport } from "./checker.js";

export interface BruteForceResult {
  readonly mapping: Solution["mapping"];
  readonly paths: Solution["paths"];
  readonly report: CheckReport;
  /** Complete plans scored. */
  readonly plans: number;
}

/**
 * The best feasible plan by exhaustive search, or null when there is none. Throws a RangeError when more than
 * `maxPlans` complete plans would have to be scored.
 */
export function bruteForce(instance: Instance, objective: Objective = instance.objective, maxPlans = 5_000_000): BruteForceResult | null {
  const hosts = instance.hosts;
  const vms = instance.vms;
  const demands = instance.demands;
  const linkList = instance.links;
  const outLinks = new Map<string, number[]>();
  linkList.forEach((l, i) => outLinks.set(l.from, [...(outLinks.get(l.from) ?? []), i]));
  const pathCache = new Map<string, number[][]>();
  /** All simple paths a → b as link indices. */
  const simplePaths = (a: string, b: string): number[][] => {
    const key = `${a} ${b}`;
    const hit = pathCache.get(key);
    if (hit !== undefined) return hit;
    const found: number[][] = [];
    const visit = (at: string, seen: Set<string>, path: number[]): void => {
      if (at === b) {
        found.push([...path]);
        return;
      }
      for (const i of outLinks.get(at) ?? []) {
        const next = linkList[i]!.to;
        if (seen.has(next)) continue;
        seen.add(next);
        path.push(i);
        visit(next, seen, path);
        path.pop();
        seen.delete(next);
      }
    };
    visit(a, new Set([a]), []);
    pathCache.set(key, found);
    return found;
  };

  const better = maximizes(objective) ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  let best: BruteForceResult | null = null;
  let plans = 0;
  const mapping = new Map<string, string>();
  const cpu = new Map<string, number>();
  const mem = new Map<string, number>();
  let moves = 0;

  const routeAll = (): void => {
    const load = new Float64Array(linkList.length);
    const local = new Map<string, number>();
    const chosen: number[][] = [];
    const visit = (k: number): void => {
      if (k === demands.length) {
        if (++plans > maxPlans) throw new RangeError(`bruteForce: more than ${maxPlans} plans`);
        const candidate = {
          mapping: Object.fromEntries(mapping) as Solution["mapping"],
          paths: demands.map((d, i) => {
            const start = mapping.get(d.src)!;
            return { src: d.src, dst: d.dst, hosts: [start, ...chosen[i]!.map((l) => linkList[l]!.to)] as Solution["paths"][number]["hosts"] };
          }),
        };
        const report = checkSolution(instance, candidate, objective);
        if (report.feasible && (best === null || better(report.score, best.report.score))) best = { ...candidate, report, plans: 0 };
        return;
      }
      const d = demands[k]!;
      const a = mapping.get(d.src)!;
      const b = mapping.get(d.dst)!;
      if (a === b) {
        const host = hosts.find((h) => h.id === a)!;
        const used = (local.get(a) ?? 0) + d.mbps;
        if (!fitsWithin(used, host.localMbps)) return;
        local.set(a, used);
        chosen.push([]);
        visit(k + 1);
        chosen.pop();
        local.set(a, used - d.mbps);
        return;
      }
      for (const path of simplePaths(a, b)) {
        let latency = 0;
        for (const l of path) latency += linkList[l]!.latencyMs;
        if (d.maxLatencyMs != null && !fitsWithin(latency, d.maxLatencyMs)) continue;
        let fits = true;
        for (const l of path) fits &&= fitsWithin(load[l]! + d.mbps, linkList[l]!.mbps);
        if (!fits) continue;
        for (const l of path) load[l]! += d.mbps;
        chosen.push(path);
        visit(k + 1);
        chosen.pop();
        for (const l of path) load[l]! -= d.mbps;
      }
    };
    visit(0);
  };

  const place = (i: number): void => {
    if (i === vms.length) {
      routeAll();
      return;
    }
    const vm = vms[i]!;
    for (const h of hosts) {
      if (vm.pin != null && vm.pin !== h.id) continue;
      if (vm.allowed != null && !vm.allowed.some((a) => a === h.id)) continue;
      const c = (cpu.get(h.id) ?? 0) + vm.cpu;
      const m = (mem.get(h.id) ?? 0) + vm.memMB;
      if (!fitsWithin(c, h.cpu) || !fitsWithin(m, h.memMB)) continue;
      const moved = vm.host != null && vm.host !== h.id ? 1 : 0;
      if (instance.maxMigrations !== null && moves + moved > instance.maxMigrations) continue;
      cpu.set(h.id, c);
      mem.set(h.id, m);
      moves += moved;
      mapping.set(vm.id, h.id);
      place(i + 1);
      mapping.delete(vm.id);
      moves -= moved;
      cpu.set(h.id, c - vm.cpu);
      mem.set(h.id, m - vm.memMB);
    }
  };
  place(0);
  const found = best as BruteForceResult | null;
  return found === null ? null : { ...found, plans };
}
