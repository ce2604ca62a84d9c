/**
 * An instance compiled to indices and typed arrays for the solvers (hosts `0 … H−1`, links `0 … E−1`, VMs
 * `0 … V−1`, demands `0 … D−1`), with each VM's candidate hosts and the migration cost of every move. The checker
 * does not use this: it works on the instance as given.
 */
import type { HostId, VmId } from "../model/ids.js";
import { fitsWithin, type Instance, type Objective } from "../model/problem.js";
import { widestWidths, type PathGraph } from "./widest-path.js";

export interface Net extends PathGraph {
  readonly instance: Instance;
  /** The objective being optimised (the instance's unless overridden). */
  readonly objective: Objective;
  readonly hostIds: readonly HostId[];
  readonly cpuCap: Float64Array;
  readonly memCap: Float64Array;
  readonly localMbps: Float64Array;
  readonly E: number;
  readonly bw: Float64Array;
  readonly into: ReadonlyArray<readonly number[]>;
  readonly V: number;
  readonly vmIds: readonly VmId[];
  readonly cpu: Float64Array;
  readonly mem: Float64Array;
  /** Current host, −1 when the VM is new. */
  readonly current: Int32Array;
  /** Hosts each VM may be mapped to: pin and allowed respected, fits an empty host, reachable for a migration. */
  readonly candidates: ReadonlyArray<readonly number[]>;
  /** `moveSeconds[v * H + h]`: seconds to copy VM v from its current host to h (0 when staying or new). */
  readonly moveSeconds: Float64Array;
  readonly D: number;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly mbps: Float64Array;
  /** Latency bound per demand, `Infinity` when none. */
  readonly maxLatencyMs: Float64Array;
  /** Demands incident to each VM (each once). */
  readonly incident: ReadonlyArray<readonly number[]>;
}

/** Compiles an instance; `objective` overrides the instance's. */
export function compileNet(instance: Instance, objective: Objective = instance.objective): Net {
  const H = instance.hosts.length;
  const hostIndex = new Map(instance.hosts.map((h, i) => [h.id as string, i]));
  const hostOf = (id: string): number => hostIndex.get(id)!;
  const E = instance.links.length;
  const from = Int32Array.from(instance.links, (l) => hostOf(l.from));
  const to = Int32Array.from(instance.links, (l) => hostOf(l.to));
  const out: number[][] = Array.from({ length: H }, () => []);
  const into: number[][] = Array.from({ length: H }, () => []);
  for (let e = 0; e < E; e++) {
    out[from[e]!]!.push(e);
    into[to[e]!]!.push(e);
  }
  const graph: PathGraph = { H, from, to, latencyMs: Float64Array.from(instance.links, (l) => l.latencyMs), out };
  const bw = Float64Array.from(instance.links, (l) => l.mbps);
  const cpuCap = Float64Array.from(instance.hosts, (h) => h.cpu);
  const memCap = Float64Array.from(instance.hosts, (h) => h.memMB);

  const V = instance.vms.length;
  const vmIndex = new Map(instance.vms.map((v, i) => [v.id as string, i]));
  const current = Int32Array.from(instance.vms, (v) => (v.host == null ? -1 : hostOf(v.host)));
  const widthsFrom = new Map<number, Float64Array>();
  const moveSeconds = new Float64Array(V * H);
  const candidates = instance.vms.map((vm, v) => {
    const cur = current[v]!;
    let widths: Float64Array | undefined;
    if (cur >= 0) {
      widths = widthsFrom.get(cur);
      if (widths === undefined) {
        widths = widestWidths(graph, cur, bw);
        widthsFrom.set(cur, widths);
      }
    }
    const allowed = vm.allowed == null ? null : new Set<string>(vm.allowed);
    const list: number[] = [];
    for (let h = 0; h < H; h++) {
      const id = instance.hosts[h]!.id;
      if (widths !== undefined) moveSeconds[v * H + h] = h === cur ? 0 : widths[h]! > 0 ? (vm.memMB * 8) / widths[h]! : Infinity;
      if (vm.pin != null && vm.pin !== id) continue;
      if (allowed !== null && !allowed.has(id)) continue;
      if (!fitsWithin(vm.cpu, cpuCap[h]!) || !fitsWithin(vm.memMB, memCap[h]!)) continue;
      if (moveSeconds[v * H + h] === Infinity) continue;
      if (instance.maxMigrations === 0 && cur >= 0 && h !== cur) continue;
      list.push(h);
    }
    return list;
  });

  const D = instance.demands.length;
  const src = Int32Array.from(instance.demands, (d) => vmIndex.get(d.src)!);
  const dst = Int32Array.from(instance.demands, (d) => vmIndex.get(d.dst)!);
  const incident: number[][] = Array.from({ length: V }, () => []);
  for (let d = 0; d < D; d++) {
    incident[src[d]!]!.push(d);
    if (dst[d] !== src[d]) incident[dst[d]!]!.push(d);
  }
  return {
    ...graph,
    instance,
    objective,
    hostIds: instance.hosts.map((h) => h.id),
    cpuCap,
    memCap,
    localMbps: Float64Array.from(instance.hosts, (h) => h.localMbps),
    E,
    bw,
    into,
    V,
    vmIds: instance.vms.map((v) => v.id),
    cpu: Float64Array.from(instance.vms, (v) => v.cpu),
    mem: Float64Array.from(instance.vms, (v) => v.memMB),
    current,
    candidates,
    moveSeconds,
    D,
    src,
    dst,
    mbps: Float64Array.from(instance.demands, (d) => d.mbps),
    maxLatencyMs: Float64Array.from(instance.demands, (d) => d.maxLatencyMs ?? Infinity),
    incident,
  };
}

/** The other VM of demand `d`, seen from its VM `v` (v itself for a VM's demand to itself). */
export function partnerOf(net: Net, d: number, v: number): number {
  return net.src[d] === v ? net.dst[d]! : net.src[d]!;
}
