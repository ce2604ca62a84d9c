/**
 * The actions an adaptation plan is made of, and the overlay state they change. In the manner of OpenStack
 * Watcher's action plans: each action is small, has a revert, and is executed by one host's agent.
 *
 * Forwarding follows VNET: each daemon forwards a frame by its (source MAC, destination MAC) pair; a rule at host
 * `h` for the pair `(src, dst)` names the next host on the pair's overlay path. The last host delivers locally.
 */
import { z } from "zod";
import { HostId, VmId } from "../model/ids.js";

export const AddLink = z.object({ kind: z.literal("add-link"), from: HostId, to: HostId });
export const RemoveLink = z.object({ kind: z.literal("remove-link"), from: HostId, to: HostId });
export const SetRule = z.object({
  kind: z.literal("set-rule"),
  host: HostId,
  src: VmId,
  dst: VmId,
  next: HostId,
});
export const DeleteRule = z.object({ kind: z.literal("delete-rule"), host: HostId, src: VmId, dst: VmId });
export const Migrate = z.object({ kind: z.literal("migrate"), vm: VmId, from: HostId, to: HostId, memMB: z.number().nonnegative() });

/** One change to the overlay. */
export const ActionSpec = z.discriminatedUnion("kind", [AddLink, RemoveLink, SetRule, DeleteRule, Migrate]);
export type ActionSpec = z.infer<typeof ActionSpec>;
export type ActionKind = ActionSpec["kind"];

/** The host whose agent executes an action (a link's tail, a rule's host, a migration's source). */
export function executorOf(a: ActionSpec): HostId {
  switch (a.kind) {
    case "add-link":
    case "remove-link":
      return a.from;
    case "set-rule":
    case "delete-rule":
      return a.host;
    case "migrate":
      return a.from;
  }
}

/** What the optimizer believes the overlay is: VM placement, active links, forwarding rules. */
export interface OverlayState {
  readonly placement: ReadonlyMap<VmId, HostId>;
  /** Active links as `from>to`. */
  readonly links: ReadonlySet<string>;
  /** Forwarding rules: `host|src|dst` → next host. */
  readonly rules: ReadonlyMap<string, HostId>;
}

export const linkKey = (from: HostId, to: HostId): string => `${from}>${to}`;
export const ruleKey = (host: HostId, src: VmId, dst: VmId): string => `${host}|${src}|${dst}`;

export function parseLinkKey(key: string): { from: HostId; to: HostId } {
  const [from, to] = key.split(">") as [HostId, HostId];
  return { from, to };
}

export function parseRuleKey(key: string): { host: HostId; src: VmId; dst: VmId } {
  const [host, src, dst] = key.split("|") as [HostId, VmId, VmId];
  return { host, src, dst };
}

/** The state after an action (pure; the input is not changed). */
export function applyAction(s: OverlayState, a: ActionSpec): OverlayState {
  switch (a.kind) {
    case "add-link":
      return { ...s, links: new Set(s.links).add(linkKey(a.from, a.to)) };
    case "remove-link": {
      const links = new Set(s.links);
      links.delete(linkKey(a.from, a.to));
      return { ...s, links };
    }
    case "set-rule":
      return { ...s, rules: new Map(s.rules).set(ruleKey(a.host, a.src, a.dst), a.next) };
    case "delete-rule": {
      const rules = new Map(s.rules);
      rules.delete(ruleKey(a.host, a.src, a.dst));
      return { ...s, rules };
    }
    case "migrate":
      return { ...s, placement: new Map(s.placement).set(a.vm, a.to) };
  }
}

/** The action that undoes `a` when applied to the state after `a`; `before` is the state before `a`. */
export function revertOf(a: ActionSpec, before: OverlayState): ActionSpec | null {
  switch (a.kind) {
    case "add-link":
      return before.links.has(linkKey(a.from, a.to)) ? null : { kind: "remove-link", from: a.from, to: a.to };
    case "remove-link":
      return before.links.has(linkKey(a.from, a.to)) ? { kind: "add-link", from: a.from, to: a.to } : null;
    case "set-rule":
    case "delete-rule": {
      const prev = before.rules.get(ruleKey(a.host, a.src, a.dst));
      if (prev === undefined) return a.kind === "set-rule" ? { kind: "delete-rule", host: a.host, src: a.src, dst: a.dst } : null;
      return { kind: "set-rule", host: a.host, src: a.src, dst: a.dst, next: prev };
    }
    case "migrate":
      return { kind: "migrate", vm: a.vm, from: a.to, to: a.from, memMB: a.memMB };
  }
}

/** A one-line description of an action, for logs and plan explanations. */
export function describeAction(a: ActionSpec): string {
  switch (a.kind) {
    case "add-link":
      return `create overlay link ${a.from} → ${a.to}`;
    case "remove-link":
      return `remove overlay link ${a.from} → ${a.to}`;
    case "set-rule":
      return `at ${a.host}, forward ${a.src} → ${a.dst} to ${a.next}`;
    case "delete-rule":
      return `at ${a.host}, delete the rule for ${a.src} → ${a.dst}`;
    case "migrate":
      return `migrate ${a.vm} (${a.memMB} MB) from ${a.from} to ${a.to}`;
  }
}
