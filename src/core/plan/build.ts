/**
 * Turns a target placement and routing (a solver's solution) into a safe, ordered plan: make-before-break.
 *
 * Order (each arrow a precondition):
 * 1. create the overlay links the new paths need;
 * 2. migrations (after the links; the applier runs at most N at once);
 * 3. per VM pair whose path changes: set the new path's rules from the last hop back to the first, each after the
 *    next one, so that when a hop switches, everything downstream of it already follows the new path (for a pair
 *    whose VM moves, after that migration);
 * 4. delete the pair's rules at hosts no longer on its path (after its new path is complete);
 * 5. remove links that vadapt created and no path uses any more (after every rule change). Links of the base
 *    overlay are never removed.
 */
import type { HostId, VmId } from "../model/ids.js";
import type { PathOut } from "../model/problem.js";
import {
  describeAction,
  executorOf,
  linkKey,
  parseLinkKey,
  parseRuleKey,
  revertOf,
  ruleKey,
  type ActionSpec,
  type OverlayState,
} from "./actions.js";
import type { Efficacy, Plan, PlanAction } from "./plan.js";

export interface PlanTarget {
  readonly mapping: Readonly<Record<string, HostId>>;
  readonly paths: readonly PathOut[];
}

export interface BuildPlanInput {
  readonly planId: string;
  readonly overlay: string;
  readonly createdMs: number;
  readonly reason: string;
  readonly solver: string;
  readonly current: OverlayState;
  /** Links of the base overlay (`from>to`): never removed by a plan. */
  readonly baseLinks: ReadonlySet<string>;
  readonly target: PlanTarget;
  readonly memMB: (vm: VmId) => number;
  /** The demands the target serves (`mbps` per VM pair), to explain each migration; optional. */
  readonly demands?: readonly { readonly src: string; readonly dst: string; readonly mbps: number }[];
  readonly efficacy: Omit<Efficacy, "linksAdded" | "linksRemoved" | "rulesChanged">;
  readonly ackTimeoutMs?: number;
  readonly migrationTimeoutMs?: number;
  readonly retries?: number;
}

/** The rules (`host|src|dst` → next) that realise a set of paths. */
export function rulesOf(paths: readonly PathOut[]): Map<string, HostId> {
  const rules = new Map<string, HostId>();
  for (const p of paths) for (let i = 0; i + 1 < p.hosts.length; i++) rules.set(ruleKey(p.hosts[i]!, p.src, p.dst), p.hosts[i + 1]!);
  return rules;
}

/** The links a set of paths uses. */
export function linksOf(paths: readonly PathOut[]): Set<string> {
  const links = new Set<string>();
  for (const p of paths) for (let i = 0; i + 1 < p.hosts.length; i++) links.add(linkKey(p.hosts[i]!, p.hosts[i + 1]!));
  return links;
}

const fmtMbps = (x: number): string => (x === 0 ? "0" : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2));

/**
 * Why a VM moves, in terms of its own traffic: how much of it the move keeps on one host (with which peers), or,
 * when the move brings nothing local, that it makes room or follows the solver's routing.
 */
export function explainMigration(
  vm: VmId,
  from: HostId,
  to: HostId,
  before: ReadonlyMap<VmId, HostId>,
  after: Readonly<Record<string, HostId>>,
  demands: readonly { readonly src: string; readonly dst: string; readonly mbps: number }[],
): string {
  let total = 0;
  let localBefore = 0;
  let localAfter = 0;
  const peersAfter = new Map<string, number>();
  for (const d of demands) {
    const peer = d.src === vm ? d.dst : d.dst === vm ? d.src : null;
    if (peer === null) continue;
    total += d.mbps;
    if (before.get(peer as VmId) === from) localBefore += d.mbps;
    if ((after[peer] ?? before.get(peer as VmId)) === to) {
      localAfter += d.mbps;
      peersAfter.set(peer, (peersAfter.get(peer) ?? 0) + d.mbps);
    }
  }
  if (total === 0) return `the new placement puts it on ${to} (it has no demand of its own: it makes room or balances load)`;
  if (localAfter > localBefore) {
    const peers = [...peersAfter].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
    const list = peers.length <= 3 ? peers.join(", ") : `${peers.slice(0, 3).join(", ")} and ${peers.length - 3} more`;
    return `on ${to} with ${list}, ${fmtMbps(localAfter)} of its ${fmtMbps(total)} Mbit/s stays on one host (was ${fmtMbps(localBefore)})`;
  }
  return `its ${fmtMbps(total)} Mbit/s takes wider paths from ${to} (${fmtMbps(localAfter)} Mbit/s local, was ${fmtMbps(localBefore)})`;
}

/** Builds the plan. An empty action list means the target is the current state. */
export function buildPlan(input: BuildPlanInput): Plan {
  const { current, target } = input;
  const ackTimeoutMs = input.ackTimeoutMs ?? 5000;
  const migrationTimeoutMs = input.migrationTimeoutMs ?? 120_000;
  const retries = input.retries ?? 3;
  const actions: PlanAction[] = [];
  const add = (spec: ActionSpec, after: readonly string[], explain: string): string => {
    const id = `${input.planId}/${actions.length + 1}`;
    actions.push({
      id,
      spec,
      host: executorOf(spec),
      after: [...new Set(after)],
      revert: revertOf(spec, current),
      ackTimeoutMs: spec.kind === "migrate" ? migrationTimeoutMs : ackTimeoutMs,
      retries,
      explain: `${describeAction(spec)}: ${explain}`,
    });
    return id;
  };

  // 1. Links.
  const wantLinks = linksOf(target.paths);
  const linkIds: string[] = [];
  for (const key of [...wantLinks].sort()) {
    if (current.links.has(key)) continue;
    const { from, to } = parseLinkKey(key);
    linkIds.push(add({ kind: "add-link", from, to }, [], "a new path needs it"));
  }

  // 2. Migrations.
  const migrationOf = new Map<VmId, string>();
  for (const vm of Object.keys(target.mapping).sort() as VmId[]) {
    const to = target.mapping[vm]!;
    const from = current.placement.get(vm);
    if (from === undefined || from === to) continue;
    const why = explainMigration(vm, from, to, current.placement, target.mapping, input.demands ?? []);
    migrationOf.set(vm, add({ kind: "migrate", vm, from, to, memMB: input.memMB(vm) }, linkIds, why));
  }

  // 3-4. Rules, per pair.
  const wantRules = rulesOf(target.paths);
  const pairs = new Map<string, { src: VmId; dst: VmId }>();
  for (const key of [...current.rules.keys(), ...wantRules.keys()]) {
    const { src, dst } = parseRuleKey(key);
    pairs.set(`${src}|${dst}`, { src, dst });
  }
  const pathOf = new Map(target.paths.map((p) => [`${p.src}|${p.dst}`, p.hosts]));
  const ruleIds: string[] = [];
  for (const [pairKey, { src, dst }] of [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const hosts = pathOf.get(pairKey) ?? [];
    const moved = [migrationOf.get(src), migrationOf.get(dst)].filter((x): x is string => x !== undefined);
    let prev: string[] = [...linkIds, ...moved];
    const chain: string[] = [];
    for (let i = hosts.length - 2; i >= 0; i--) {
      const h = hosts[i]!;
      const next = hosts[i + 1]!;
      if (current.rules.get(ruleKey(h, src, dst)) === next) continue;
      const id = add({ kind: "set-rule", host: h, src, dst, next }, prev, `hop ${i + 1} of the path ${hosts.join(" → ")}`);
      chain.push(id);
      prev = [id];
    }
    const onPath = new Set(hosts.slice(0, -1));
    const cleanupAfter = chain.length > 0 ? [chain[chain.length - 1]!] : [...linkIds, ...moved];
    for (const key of current.rules.keys()) {
      const r = parseRuleKey(key);
      if (r.src !== src || r.dst !== dst || onPath.has(r.host)) continue;
      chain.push(add({ kind: "delete-rule", host: r.host, src, dst }, cleanupAfter, hosts.length === 0 ? "the pair is no longer a demand" : "the host is no longer on the pair's path"));
    }
    ruleIds.push(...chain);
  }

  // 5. Links no longer used.
  let linksRemoved = 0;
  for (const key of [...current.links].sort()) {
    if (wantLinks.has(key) || input.baseLinks.has(key)) continue;
    const { from, to } = parseLinkKey(key);
    add({ kind: "remove-link", from, to }, [...ruleIds, ...migrationOf.values()], "no path uses it any more");
    linksRemoved++;
  }

  const efficacy: Efficacy = {
    ...input.efficacy,
    linksAdded: linkIds.length,
    linksRemoved,
    rulesChanged: ruleIds.length,
  };
  return {
    v: 1,
    id: input.planId,
    overlay: input.overlay,
    createdMs: input.createdMs,
    reason: input.reason,
    solver: input.solver,
    efficacy,
    actions,
  };
}
