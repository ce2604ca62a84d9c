/**
 * The adaptation loop, one implementation for the service and the what-if planner (they differ only in clock and
 * transport): ingest reports → aggregate per interval (VTTIF) → smooth and detect change → infer the topology
 * and its demands → decide whether a new placement and routing is worth its migrations → a plan → (the shell
 * applies it) → the believed overlay state follows the outcome.
 *
 * Pure apart from the injected solver: time is whatever the caller passes (`nowMs`), and the same events in
 * the same order give the same plans.
 */
import type { HostId, Mac, VmId } from "../model/ids.js";
import type { Instance, ProblemHost, ProblemLink, Solution } from "../model/problem.js";
import { applyAction, linkKey, type OverlayState } from "../plan/actions.js";
import type { ApplyOutcome } from "../plan/apply.js";
import { topologicalOrder, type Plan } from "../plan/plan.js";
import type { TraceEvent } from "../trace/events.js";
import { TrafficAggregator, type AggregatedInterval } from "../vttif/aggregate.js";
import { ChangeDetector, type ChangeOptionsInput } from "../vttif/change.js";
import type { Classification } from "../vttif/classify.js";
import { inferTopology } from "../vttif/phases.js";
import { Smoother, toMbps, type Smoothing } from "../vttif/smooth.js";
import { decide, type Decision, type PlanTiming, type Policy } from "./decide.js";
import { RateHistory, type ForecastOptions } from "./forecast.js";

export interface LoopConfig {
  readonly overlay: string;
  readonly intervalMs: number;
  /** How long after an interval's end its reports are still accepted, ms. */
  readonly graceMs: number;
  readonly smoothing: Smoothing;
  readonly change: ChangeOptionsInput;
  /** Intervals of data before the first decision. */
  readonly warmupIntervals: number;
  /** Re-evaluate every this many intervals even without a change (0: only on change). */
  readonly periodicIntervals: number;
  readonly policy: Policy;
  readonly timing: PlanTiming;
  /** How demands are forecast from each pair's rate history (null: plan for the smoothed rates). */
  readonly forecast: ForecastOptions | null;
}

export interface LoopWorld {
  readonly hosts: readonly ProblemHost[];
  /** Every overlay link that may exist (active or creatable), with its nominal bandwidth and latency. */
  readonly links: readonly ProblemLink[];
  readonly vms: ReadonlyArray<{ readonly id: VmId; readonly mac: Mac; readonly cpu: number; readonly memMB: number; readonly allowed?: HostId[] | null }>;
  /** The overlay now: placement, active links, rules. */
  readonly state: OverlayState;
}

export type LoopStep =
  | { readonly kind: "interval"; readonly interval: AggregatedInterval; readonly changed: boolean; readonly shapeDistance: number; readonly levelRatio: number }
  | { readonly kind: "decision"; readonly nowMs: number; readonly trigger: string; readonly decision: Decision; readonly topology: Classification | null };

export class AdaptationLoop {
  readonly config: LoopConfig;
  private readonly aggregator: TrafficAggregator;
  private readonly smoother: Smoother;
  private readonly detector: ChangeDetector;
  private readonly vmByMac = new Map<Mac, VmId>();
  private readonly hosts: readonly ProblemHost[];
  private readonly vms: LoopWorld["vms"];
  private readonly measured = new Map<string, ProblemLink>();
  private readonly baseLinks: ReadonlySet<string>;
  private readonly lastMovedMs = new Map<VmId, number>();
  private readonly closed: AggregatedInterval[] = [];
  private readonly history: RateHistory | null;
  private rates: Float64Array | null = null;
  private lastEndMs = 0;
  private n = 0;
  private intervals = 0;
  private lastDecision = -1;
  private changePending = false;
  private planSeq = 0;
  private inFlight: Plan | null = null;
  state: OverlayState;
  /** Counters for metrics. */
  readonly counters = { events: 0, intervals: 0, decisions: 0, plans: 0, applied: 0, rolledBack: 0, changes: 0 };

  constructor(config: LoopConfig, world: LoopWorld, private readonly solve: (instance: Instance) => Promise<Solution>) {
    this.config = config;
    this.hosts = world.hosts;
    this.vms = world.vms;
    this.state = world.state;
    this.baseLinks = new Set(world.state.links);
    for (const l of world.links) this.measured.set(linkKey(l.from, l.to), { ...l });
    for (const v of world.vms) this.vmByMac.set(v.mac, v.id);
    this.aggregator = new TrafficAggregator(
      world.vms.map((v) => ({ mac: v.mac, host: world.state.placement.get(v.id) })),
      { intervalMs: config.intervalMs, graceMs: config.graceMs },
    );
    this.smoother = new Smoother(config.smoothing);
    this.history = config.forecast === null ? null : new RateHistory(config.forecast);
    this.detector = new ChangeDetector(config.change);
  }

  /** Whether a plan is out for application (no new decision until it is settled). */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Takes one observation. Traffic goes to the aggregator; link measurements update the link model. */
  ingest(e: TraceEvent): void {
    this.counters.events++;
    if (e.type === "traffic") {
      this.closed.push(...this.aggregator.add(e));
      return;
    }
    if (e.type === "link") {
      const key = linkKey(e.from, e.to);
      const l = this.measured.get(key);
      if (l !== undefined) this.measured.set(key, { ...l, mbps: e.mbps ?? l.mbps, latencyMs: e.latencyMs ?? l.latencyMs });
    }
    this.closed.push(...this.aggregator.advanceTo(e.tMs));
  }

  /**
   * Advances the loop's clock to `nowMs` and processes every interval that closes. After each interval the loop
   * decides if it is time to (after warm-up, on a declared change, or periodically) and no plan is in flight, at
   * that interval's end time: decisions depend on the data, not on when or how often the shell calls this.
   */
  async advance(nowMs: number): Promise<LoopStep[]> {
    const steps: LoopStep[] = [];
    const closed = [...this.closed.splice(0), ...this.aggregator.advanceTo(nowMs)];
    for (const iv of closed) {
      steps.push(this.onInterval(iv));
      const trigger = this.trigger();
      if (trigger !== null && !this.busy) steps.push(await this.decideNow(iv.startMs + iv.intervalMs, trigger));
    }
    return steps;
  }

  /** One closed interval: rates, smoothing (what demands are inferred from), change detection. */
  private onInterval(iv: AggregatedInterval): LoopStep {
    this.counters.intervals++;
    this.intervals++;
    this.n = iv.matrix.macs.length;
    const raw = toMbps(iv.matrix.bytes, iv.intervalMs);
    this.history?.push(raw, this.n);
    this.rates = this.smoother.push(raw, this.n);
    this.lastEndMs = iv.startMs + iv.intervalMs;
    const step = this.detector.push(this.rates, this.n);
    if (step.change !== null) {
      this.changePending = true;
      this.counters.changes++;
    }
    return { kind: "interval", interval: iv, changed: step.change !== null, shapeDistance: step.shapeDistance, levelRatio: step.levelRatio };
  }

  private trigger(): string | null {
    if (this.rates === null || this.intervals < this.config.warmupIntervals) return null;
    if (this.lastDecision < 0) return "warm-up complete";
    if (this.changePending) return "traffic changed";
    const p = this.config.periodicIntervals;
    if (p > 0 && this.intervals - this.lastDecision >= p) return "periodic re-evaluation";
    return null;
  }

  /**
   * The demands the loop would solve for now: the pairs of the smoothed matrix's inferred topology, each at its
   * forecast rate (or its smoothed rate without a forecaster).
   */
  currentDemands(): { demands: Instance["demands"]; topology: Classification | null } {
    if (this.rates === null) return { demands: [], topology: null };
    const macs = this.aggregator.vmMacs;
    const ids = macs.map((m) => this.vmByMac.get(m) ?? (`?${m}` as VmId));
    const index = new Map(ids.map((id, i) => [id, i]));
    const { classification, demands } = inferTopology(this.rates, this.n, ids);
    const known = demands.filter((d) => !d.src.startsWith("?") && !d.dst.startsWith("?"));
    const history = this.history;
    const forecast = history === null ? known : known.map((d) => ({ ...d, mbps: Math.round(history.forecast(index.get(d.src)!, index.get(d.dst)!, d.mbps) * 1e6) / 1e6 }));
    return { demands: forecast.filter((d) => d.mbps > 0), topology: classification };
  }

  private async decideNow(nowMs: number, trigger: string): Promise<LoopStep> {
    this.counters.decisions++;
    this.lastDecision = this.intervals;
    this.changePending = false;
    const { demands, topology } = this.currentDemands();
    const planId = `${this.config.overlay}-${++this.planSeq}`;
    const decision = await decide({
      overlay: this.config.overlay,
      planId,
      nowMs,
      trigger: topology === null ? trigger : `${trigger} (topology: ${topology.class}, confidence ${topology.confidence.toFixed(2)})`,
      world: {
        hosts: this.hosts,
        links: [...this.measured.values()],
        vms: this.vms.map((v) => ({ id: v.id, cpu: v.cpu, memMB: v.memMB, allowed: v.allowed ?? null })),
        state: this.state,
        baseLinks: this.baseLinks,
        lastMovedMs: this.lastMovedMs,
      },
      demands,
      policy: this.config.policy,
      timing: this.config.timing,
      solve: this.solve,
    });
    if (decision.act) {
      this.counters.plans++;
      this.inFlight = decision.plan;
    }
    return { kind: "decision", nowMs, trigger, decision, topology };
  }

  /** The end of the last interval processed (the loop's data time), ms. */
  get dataTimeMs(): number {
    return this.lastEndMs;
  }

  /** Records a plan's outcome: the believed state follows exactly what was done and undone. */
  settle(plan: Plan, outcome: ApplyOutcome): void {
    const nowMs = this.lastEndMs;
    if (this.inFlight?.id !== plan.id) return;
    this.inFlight = null;
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    let s = this.state;
    for (const id of outcome.completed) s = applyAction(s, byId.get(id)!.spec);
    for (const id of outcome.reverted) s = applyAction(s, byId.get(id)!.revert!);
    for (const a of topologicalOrder(plan.actions)) {
      if (a.spec.kind !== "migrate" || !outcome.completed.includes(a.id) || outcome.reverted.includes(a.id)) continue;
      this.lastMovedMs.set(a.spec.vm, nowMs);
      const mac = this.vms.find((v) => v.id === (a.spec as { vm: VmId }).vm)?.mac;
      if (mac !== undefined) this.aggregator.setVm(mac, a.spec.to);
    }
    this.state = s;
    if (outcome.status === "applied") this.counters.applied++;
    else this.counters.rolledBack++;
  }

  /** Closes every interval still open (end of input) and processes them. */
  async finish(nowMs: number): Promise<LoopStep[]> {
    this.closed.push(...this.aggregator.flush());
    return this.advance(nowMs);
  }

  /** Abandons an in-flight plan that was never applied (dry-run, or not approved). */
  discard(plan: Plan): void {
    if (this.inFlight?.id === plan.id) this.inFlight = null;
  }
}
