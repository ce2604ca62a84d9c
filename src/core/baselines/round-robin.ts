/**
 * The round-robin baseline: VMs in id order, hosts in turn (the next host after the last one used that has room),
 * as a naive cluster scheduler spreads instances. Network- and load-oblivious; deterministic.
 */
import type { Net } from "../solve/net.js";
import type { Plan } from "../solve/plan.js";
import { baselinePlugin, noRoom, Routing, type Placer } from "./common.js";

export const placeRoundRobin: Placer = (net: Net, plan: Plan) => {
  let next = 0;
  for (let v = 0; v < net.V; v++) {
    const allowed = new Set(net.candidates[v]);
    let chosen = -1;
    for (let k = 0; k < net.H && chosen < 0; k++) {
      const h = (next + k) % net.H;
      if (allowed.has(h) && plan.fits(v, h) && plan.withinMigrationBudget(v, h)) chosen = h;
    }
    if (chosen < 0) return noRoom(net, plan, v, "round-robin");
    plan.place(v, chosen);
    next = (chosen + 1) % net.H;
  }
  return null;
};

export const roundRobinBaseline = (routing: Routing = Routing.Widest) =>
  baselinePlugin("round-robin", "round-robin placement: VMs in id order on the hosts in turn", placeRoundRobin, routing, Routing.Widest);
