/**
 * The no-adaptation baseline: every VM stays on its current host, and the demands are routed (widest paths by
 * default). It is the "before" of every comparison: infeasible, naming the constraint, when the current
 * placement no longer fits (a load change overfilled a host) or a VM has no current host.
 */
import { Constraint } from "../model/problem.js";
import type { Net } from "../solve/net.js";
import type { Plan } from "../solve/plan.js";
import { baselinePlugin, Routing, type Placer } from "./common.js";

export const placeStay: Placer = (net: Net, plan: Plan) => {
  for (let v = 0; v < net.V; v++) {
    const h = net.current[v]!;
    const id = net.vmIds[v];
    if (h < 0) return { constraint: Constraint.Mapping, message: `stay: VM '${id}' has no current host` };
    if (!net.candidates[v]!.includes(h)) return { constraint: Constraint.Allowed, message: `stay: VM '${id}' may not stay on '${net.hostIds[h]}'` };
    if (!plan.fits(v, h)) {
      const cpu = plan.cpuUsed[h]! + net.cpu[v]! > net.cpuCap[h]!;
      return { constraint: cpu ? Constraint.Cpu : Constraint.Memory, message: `stay: host '${net.hostIds[h]}' no longer has the ${cpu ? "cpu" : "memory"} for the VMs on it (VM '${id}')` };
    }
    plan.place(v, h);
  }
  return null;
};

export const stayBaseline = (routing: Routing = Routing.Widest) =>
  baselinePlugin("stay", "no adaptation: every VM stays on its current host", placeStay, routing, Routing.Widest);
