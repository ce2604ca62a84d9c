import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostId, vmId, type HostId, type VmId } from "../../../src/core/model/ids.js";
import type { PathOut } from "../../../src/core/model/problem.js";
import { applyAction, linkKey, ruleKey, type ActionSpec, type OverlayState } from "../../../src/core/plan/actions.js";
import { applyPlan, type ActionExecutor } from "../../../src/core/plan/apply.js";
import { buildPlan, linksOf, rulesOf } from "../../../src/core/plan/build.js";
import { topologicalOrder, type Plan } from "../../../src/core/plan/plan.js";

const efficacy = { objective: "residual-bottleneck" as const, before: 1, after: 2, predictedGainPct: 100, netBenefit: 1, horizonS: 60, migrationSeconds: 0, migrations: [] };

/** Follows the rules for a pair from its source's host; true when the frame reaches the destination's host over active links. */
function delivers(s: OverlayState, src: VmId, dst: VmId): boolean {
  let h = s.placement.get(src)!;
  const target = s.placement.get(dst)!;
  for (let hops = 0; hops < 32; hops++) {
    if (h === target) return true;
    const next = s.rules.get(ruleKey(h, src, dst));
    if (next === undefined || !s.links.has(linkKey(h, next))) return false;
    h = next;
  }
  return false;
}

function stateOf(placement: Record<string, HostId>, paths: PathOut[], extraLinks: string[] = []): OverlayState {
  return {
    placement: new Map(Object.entries(placement) as Array<[VmId, HostId]>),
    links: new Set([...linksOf(paths), ...extraLinks]),
    rules: rulesOf(paths),
  };
}

/** An executor that applies actions to an in-memory overlay, optionally failing one action id. */
function simExecutor(initial: OverlayState, opts: { failId?: string; flaky?: Set<string> } = {}) {
  let state = initial;
  const seen = new Set<string>();
  const trace: OverlayState[] = [];
  const executor: ActionExecutor = {
    async execute(a, attempt) {
      await Promise.resolve();
      if (a.id === opts.failId) return { ok: false, error: "injected failure" };
      if (opts.flaky?.has(a.id) && attempt === 1) throw new Error("timeout");
      if (!seen.has(a.id)) {
        seen.add(a.id);
        state = applyAction(state, a.spec as ActionSpec);
        trace.push(state);
      }
      return { ok: true };
    },
  };
  return { executor, get state() { return state; }, trace };
}

const h = (i: number) => hostId(`h${i}`);
const v = (i: number) => vmId(`v${i}`);

describe("plan building", () => {
  const current = stateOf({ v1: h(1), v2: h(2), v3: h(3) }, [
    { src: v(1), dst: v(2), hosts: [h(1), h(2)] },
    { src: v(2), dst: v(3), hosts: [h(2), h(4), h(3)] },
  ]);
  const target = {
    mapping: { v1: h(1), v2: h(1), v3: h(3) } as Record<string, HostId>,
    paths: [
      { src: v(1), dst: v(2), hosts: [h(1)] },
      { src: v(2), dst: v(3), hosts: [h(1), h(3)] },
    ],
  };
  const plan = buildPlan({ planId: "p1", overlay: "o", createdMs: 0, reason: "test", solver: "test", current, baseLinks: new Set([linkKey(h(1), h(2))]), target, memMB: () => 1024, efficacy });

  it("orders make-before-break: links, then migration, then rules, then cleanup", () => {
    const kinds = topologicalOrder(plan.actions).map((a) => a.spec.kind);
    expect(kinds[0]).toBe("add-link");
    expect(kinds.indexOf("migrate")).toBeLessThan(kinds.indexOf("set-rule"));
    expect(kinds.lastIndexOf("remove-link")).toBe(kinds.length - 1);
    expect(plan.efficacy.linksAdded).toBe(1);
    // h1>h2 is a base link and stays; h2>h4 and h4>h3 are no longer used and go.
    expect(plan.actions.filter((a) => a.spec.kind === "remove-link").map((a) => a.spec)).toEqual([
      { kind: "remove-link", from: "h2", to: "h4" },
      { kind: "remove-link", from: "h4", to: "h3" },
    ]);
    for (const a of plan.actions) expect(a.explain.length).toBeGreaterThan(10);
  });

  it("applies to exactly the target state", async () => {
    const sim = simExecutor(current);
    const out = await applyPlan(plan, sim.executor);
    expect(out.status).toBe("applied");
    expect(sim.state.placement).toEqual(new Map([[v(1), h(1)], [v(2), h(1)], [v(3), h(3)]]));
    expect(sim.state.rules).toEqual(rulesOf(target.paths));
    expect(sim.state.links).toEqual(new Set([linkKey(h(1), h(2)), linkKey(h(1), h(3))]));
  });

  it("retries a timed-out action and still applies the plan", async () => {
    const sim = simExecutor(current, { flaky: new Set([plan.actions[0]!.id]) });
    const events: string[] = [];
    const out = await applyPlan(plan, sim.executor, { onEvent: (e) => events.push(e.type) });
    expect(out.status).toBe("applied");
    expect(events).toContain("retry");
  });

  it.each(plan.actions.map((a) => a.id))("rolls back to the original state when %s fails", async (failId) => {
    const sim = simExecutor(current, { failId });
    const out = await applyPlan(plan, sim.executor);
    expect(out.status).toBe("rolled-back");
    expect(out.failed?.id).toBe(failId);
    expect(sim.state).toEqual(current);
  });
});

/** Random instances: hosts, VMs, current and target placements and simple paths over a complete graph. */
const scenario = fc
  .record({ hosts: fc.integer({ min: 2, max: 6 }), vms: fc.integer({ min: 2, max: 6 }) })
  .chain(({ hosts, vms }) => {
    const hostArb = fc.integer({ min: 1, max: hosts }).map(h);
    const placementArb = fc.array(hostArb, { minLength: vms, maxLength: vms });
    const pairArb = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: vms }), fc.integer({ min: 1, max: vms })).filter(([a, b]) => a !== b), {
      selector: ([a, b]) => `${a},${b}`,
      maxLength: 8,
    });
    const via = fc.array(fc.array(hostArb, { maxLength: 3 }), { minLength: 8, maxLength: 8 });
    return fc.record({ before: placementArb, after: placementArb, pairs: pairArb, viaBefore: via, viaAfter: via, failAt: fc.nat(), order: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }) });
  });

function paths(placement: HostId[], pairs: Array<[number, number]>, via: HostId[][]): PathOut[] {
  return pairs.map(([a, b], k) => {
    const from = placement[a - 1]!;
    const to = placement[b - 1]!;
    if (from === to) return { src: v(a), dst: v(b), hosts: [from] };
    const mids = [...new Set(via[k] ?? [])].filter((x) => x !== from && x !== to);
    return { src: v(a), dst: v(b), hosts: [from, ...mids, to] };
  });
}

describe("plan application (property)", () => {
  it("keeps every unmoved pair delivering after every action, in any valid order, and reaches the target", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const mapping = Object.fromEntries(sc.before.map((x, i) => [`v${i + 1}`, x]));
        const current = stateOf(mapping, paths(sc.before, sc.pairs, sc.viaBefore));
        const targetPaths = paths(sc.after, sc.pairs, sc.viaAfter);
        const plan: Plan = buildPlan({
          planId: "p", overlay: "o", createdMs: 0, reason: "", solver: "", current, baseLinks: new Set(),
          target: { mapping: Object.fromEntries(sc.after.map((x, i) => [`v${i + 1}`, x])), paths: targetPaths },
          memMB: () => 512, efficacy,
        });
        // Execute sequentially in a random valid order, checking the invariant after each action.
        let state = current;
        const done = new Set<string>();
        let k = 0;
        const unmoved = sc.pairs.filter(([a, b]) => sc.before[a - 1] === sc.after[a - 1] && sc.before[b - 1] === sc.after[b - 1]);
        while (done.size < plan.actions.length) {
          const ready = plan.actions.filter((a) => !done.has(a.id) && a.after.every((d) => done.has(d)));
          expect(ready.length).toBeGreaterThan(0);
          const a = ready[sc.order[k++ % sc.order.length]! % ready.length]!;
          state = applyAction(state, a.spec);
          done.add(a.id);
          for (const [x, y] of unmoved) expect(delivers(state, v(x), v(y)), `${a.id} broke v${x}→v${y}`).toBe(true);
        }
        for (const [x, y] of sc.pairs) expect(delivers(state, v(x), v(y))).toBe(true);
        expect(state.rules).toEqual(rulesOf(targetPaths));
        // And a failure anywhere rolls back to exactly the start.
        if (plan.actions.length > 0) {
          const failId = plan.actions[sc.failAt % plan.actions.length]!.id;
          const sim = simExecutor(current, { failId });
          const out = await applyPlan(plan, sim.executor, { maxConcurrent: 3, maxConcurrentMigrations: 2 });
          expect(out.status).toBe("rolled-back");
          expect(sim.state).toEqual(current);
        }
      }),
      { numRuns: 300 },
    );
  });
});
