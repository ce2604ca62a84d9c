/**
 * Proofs of infeasibility that need no search: a VM with no possible host, hosts overfilled by the VMs that can go
 * nowhere else, more forced moves than `maxMigrations`, a demand between two forced hosts that no path can carry.
 * Each names the violated constraint. An empty list proves nothing.
 */
import { Constraint, fitsWithin, type Violation } from "../model/problem.js";
import type { Net } from "./net.js";
import type { Plan } from "./plan.js";
import { widestPath } from "./widest-path.js";

export function provenViolations(net: Net): Violation[] {
  const inst = net.instance;
  const out: Violation[] = [];
  inst.vms.forEach((vm, v) => {
    if (net.candidates[v]!.length > 0) return;
    const ids = net.hostIds;
    const placeable = (h: number): boolean => (vm.pin == null || vm.pin === ids[h]) && (vm.allowed == null || vm.allowed.some((a) => a === ids[h]));
    const open = ids.map((_, h) => h).filter(placeable);
    if (open.length === 0) {
      if (vm.pin != null) out.push({ constraint: Constraint.Pin, message: `VM '${vm.id}' is pinned to '${vm.pin}', which is not among its allowed hosts` });
      else out.push({ constraint: Constraint.Allowed, message: `VM '${vm.id}' has no allowed host` });
      return;
    }
    const fitCpu = open.filter((h) => fitsWithin(net.cpu[v]!, net.cpuCap[h]!));
    if (fitCpu.length === 0) {
      out.push({ constraint: Constraint.Cpu, message: `VM '${vm.id}' needs cpu ${vm.cpu}, more than any host it may run on has` });
      return;
    }
    const fitMem = fitCpu.filter((h) => fitsWithin(net.mem[v]!, net.memCap[h]!));
    if (fitMem.length === 0) {
      out.push({ constraint: Constraint.Memory, message: `VM '${vm.id}' needs memMB ${vm.memMB}, more than any host it may run on has` });
      return;
    }
    if (inst.maxMigrations === 0 && net.current[v]! >= 0) {
      out.push({ constraint: Constraint.MaxMigrations, message: `VM '${vm.id}' cannot stay on '${vm.host}' and maxMigrations is 0` });
      return;
    }
    out.push({ constraint: Constraint.MigrationPath, message: `VM '${vm.id}' cannot stay on '${vm.host}' and no path with positive bandwidth leads from there to a host it may run on` });
  });
  if (out.length > 0) return out;

  // VMs with a single candidate host are forced there.
  const forced = net.candidates.map((c) => (c.length === 1 ? c[0]! : -1));
  const cpu = new Float64Array(net.H);
  const mem = new Float64Array(net.H);
  forced.forEach((h, v) => {
    if (h < 0) return;
    cpu[h]! += net.cpu[v]!;
    mem[h]! += net.mem[v]!;
  });
  for (let h = 0; h < net.H; h++) {
    const id = net.hostIds[h];
    if (!fitsWithin(cpu[h]!, net.cpuCap[h]!)) out.push({ constraint: Constraint.Cpu, message: `the VMs that can only run on '${id}' need cpu ${cpu[h]}, more than its ${net.cpuCap[h]}` });
    if (!fitsWithin(mem[h]!, net.memCap[h]!)) out.push({ constraint: Constraint.Memory, message: `the VMs that can only run on '${id}' need memMB ${mem[h]}, more than its ${net.memCap[h]}` });
  }
  const sum = (a: Float64Array): number => a.reduce((s, x) => s + x, 0);
  if (!fitsWithin(sum(net.cpu), sum(net.cpuCap))) out.push({ constraint: Constraint.Cpu, message: `the VMs need cpu ${sum(net.cpu)} in all, more than the hosts' ${sum(net.cpuCap)}` });
  if (!fitsWithin(sum(net.mem), sum(net.memCap))) out.push({ constraint: Constraint.Memory, message: `the VMs need memMB ${sum(net.mem)} in all, more than the hosts' ${sum(net.memCap)}` });

  const max = inst.maxMigrations;
  if (max !== null) {
    const mustMove = inst.vms.filter((_, v) => net.current[v]! >= 0 && !net.candidates[v]!.includes(net.current[v]!));
    if (mustMove.length > max) {
      out.push({ constraint: Constraint.MaxMigrations, message: `${mustMove.length} VM(s) cannot stay where they are (${mustMove.map((vm) => vm.id).join(", ")}) but maxMigrations is ${max}` });
    }
  }

  // Demands between forced hosts.
  const local = new Float64Array(net.H);
  for (let d = 0; d < net.D; d++) {
    const a = forced[net.src[d]!]!;
    const b = forced[net.dst[d]!]!;
    if (a < 0 || b < 0) continue;
    const name = `demand ${d} (${net.vmIds[net.src[d]!]} -> ${net.vmIds[net.dst[d]!]}, ${net.mbps[d]} Mbit/s)`;
    if (a === b) {
      local[a]! += net.mbps[d]!;
      continue;
    }
    if (widestPath(net, a, b, net.bw, { minMbps: net.mbps[d]!, maxLatencyMs: net.maxLatencyMs[d]! }) !== null) continue;
    out.push(unroutable(net, d, a, b, name));
  }
  for (let h = 0; h < net.H; h++) {
    if (!fitsWithin(local[h]!, net.localMbps[h]!)) {
      out.push({ constraint: Constraint.LocalBandwidth, message: `the demands between VMs that can only run on '${net.hostIds[h]}' need ${local[h]} Mbit/s, more than its localMbps ${net.localMbps[h]}` });
    }
  }
  return out;
}

/**
 * Why demand `d` cannot be routed in a plan as it stands (its VMs mapped): no local bandwidth left on their shared
 * host, or, between hosts, {@link unroutable} over the plan's residuals.
 */
export function unroutedViolation(plan: Plan, d: number): Violation {
  const net = plan.net;
  const a = plan.hostOf[net.src[d]!]!;
  const b = plan.hostOf[net.dst[d]!]!;
  const name = `demand ${d} (${net.vmIds[net.src[d]!]} -> ${net.vmIds[net.dst[d]!]}, ${net.mbps[d]} Mbit/s)`;
  return a === b
    ? { constraint: Constraint.LocalBandwidth, message: `${name}: host '${net.hostIds[a]}' has no local bandwidth left for it` }
    : unroutable(net, d, a, b, name, plan.residual);
}

/**
 * Why demand `d` cannot be routed from host `a` to host `b` over the given residuals: no path at all, none with
 * room for it, or none with room within its latency bound.
 */
export function unroutable(net: Net, d: number, a: number, b: number, name: string, residual: ArrayLike<number> = net.bw): Violation {
  const from = net.hostIds[a];
  const to = net.hostIds[b];
  if (widestPath(net, a, b, residual) === null) return { constraint: Constraint.Path, message: `${name}: no path from '${from}' to '${to}'` };
  if (widestPath(net, a, b, residual, { minMbps: net.mbps[d]! }) === null) {
    return { constraint: Constraint.LinkBandwidth, message: `${name}: no path from '${from}' to '${to}' has ${net.mbps[d]} Mbit/s to spare` };
  }
  return { constraint: Constraint.Latency, message: `${name}: no path from '${from}' to '${to}' with room for it is within ${net.maxLatencyMs[d]} ms` };
}
