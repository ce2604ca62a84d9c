/**
 * The paths demands take now: follow the installed forwarding rules from the source's host; where a pair has no
 * rule, the overlay's default forwarding (the direct active link, else the fewest-hop route over active links).
 */
import type { HostId, VmId } from "../model/ids.js";
import type { PathOut } from "../model/problem.js";
import { linkKey, ruleKey, type OverlayState } from "../plan/actions.js";

function fewestHops(links: ReadonlySet<string>, from: HostId, to: HostId): HostId[] | null {
  const adj = new Map<HostId, HostId[]>();
  for (const k of links) {
    const [a, b] = k.split(">") as [HostId, HostId];
    adj.set(a, [...(adj.get(a) ?? []), b]);
  }
  const prev = new Map<HostId, HostId | null>([[from, null]]);
  const queue: HostId[] = [from];
  while (queue.length > 0) {
    const h = queue.shift()!;
    if (h === to) break;
    for (const n of (adj.get(h) ?? []).sort()) {
      if (prev.has(n)) continue;
      prev.set(n, h);
      queue.push(n);
    }
  }
  if (!prev.has(to)) return null;
  const path: HostId[] = [];
  for (let h: HostId | null = to; h !== null; h = prev.get(h) ?? null) path.unshift(h);
  return path;
}

/** The current path of each demand (same order); null where the pair cannot be delivered at all. */
export function currentPaths(state: OverlayState, demands: ReadonlyArray<{ src: VmId; dst: VmId }>): Array<PathOut | null> {
  return demands.map(({ src, dst }) => {
    const a = state.placement.get(src);
    const b = state.placement.get(dst);
    if (a === undefined || b === undefined) return null;
    if (a === b) return { src, dst, hosts: [a] };
    const hosts: HostId[] = [a];
    let h = a;
    while (h !== b && hosts.length <= state.placement.size + state.links.size + 1) {
      const next = state.rules.get(ruleKey(h, src, dst));
      if (next === undefined || !state.links.has(linkKey(h, next))) break;
      hosts.push(next);
      h = next;
    }
    if (h === b) return { src, dst, hosts };
    // No (complete) rule path: default forwarding from here.
    const rest = fewestHops(state.links, h, b);
    if (rest === null) return null;
    return { src, dst, hosts: [...hosts, ...rest.slice(1)] };
  });
}
