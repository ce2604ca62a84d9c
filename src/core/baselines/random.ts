/**
 * The random-placement baseline: VMs in a random order, each on a host drawn uniformly from those with room
 * (cpu, memory, pins, allowed sets, migration budget). The plain straw man of the VM placement literature (e.g.
 * Meng, Pappas & Zhang, INFOCOM 2010, compare against random placement). Seeded: reproducible per seed.
 */
import type { Rng } from "../rng.js";
import type { Net } from "../solve/net.js";
import type { Plan } from "../solve/plan.js";
import { baselinePlugin, noRoom, openHosts, Routing, type Placer } from "./common.js";

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export const placeRandom: Placer = (net: Net, plan: Plan, rng: Rng) => {
  for (const v of shuffled(net.V, rng)) {
    const open = openHosts(net, plan, v);
    if (open.length === 0) return noRoom(net, plan, v, "random");
    plan.place(v, open[rng.int(open.length)]!);
  }
  return null;
};

export const randomBaseline = (routing: Routing = Routing.Widest) =>
  baselinePlugin("random", "random placement: each VM on a uniformly random host with room (seeded)", placeRandom, routing, Routing.Widest);
