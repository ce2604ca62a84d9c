/**
 * The load-only baseline: CPU balancing that ignores the network, as load-balancing consolidation managers do
 * (worst-fit decreasing, cf. the bin-packing heuristics surveyed by Beloglazov & Buyya, CCPE 2012): VMs by
 * decreasing cpu, each on the open host with the most cpu left (ties: most memory left, then the lower index).
 */
import type { Net } from "../solve/net.js";
import type { Plan } from "../solve/plan.js";
import { baselinePlugin, noRoom, openHosts, Routing, type Placer } from "./common.js";

export const placeLoadOnly: Placer = (net: Net, plan: Plan) => {
  const order = Array.from({ length: net.V }, (_, v) => v).sort((a, b) => net.cpu[b]! - net.cpu[a]! || net.mem[b]! - net.mem[a]! || a - b);
  for (const v of order) {
    let best = -1;
    let bestCpu = -Infinity;
    let bestMem = -Infinity;
    for (const h of openHosts(net, plan, v)) {
      const cpu = net.cpuCap[h]! - plan.cpuUsed[h]!;
      const mem = net.memCap[h]! - plan.memUsed[h]!;
      if (cpu > bestCpu || (cpu === bestCpu && mem > bestMem)) {
        best = h;
        bestCpu = cpu;
        bestMem = mem;
      }
    }
    if (best < 0) return noRoom(net, plan, v, "load-only");
    plan.place(v, best);
  }
  return null;
};

export const loadOnlyBaseline = (routing: Routing = Routing.Widest) =>
  baselinePlugin("load-only", "load-only placement: worst-fit decreasing by cpu, no network awareness", placeLoadOnly, routing, Routing.Widest);
