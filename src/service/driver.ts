/**
 * Drives the adaptation loop for a shell: feeds it events, advances its time, and carries each plan through
 * publication, (approval,) application over the bus and settlement. The service and the what-if planner both use
 * it; they differ only in the clock and the bus they pass.
 */
import type { Bus } from "../adapters/bus/bus.js";
import type { AdaptationLoop, LoopStep } from "../core/loop/loop.js";
import { subjects } from "../core/messages/subjects.js";
import { applyPlan, type ApplyEvent, type ApplyOutcome } from "../core/plan/apply.js";
import type { Plan } from "../core/plan/plan.js";
import type { TraceEvent } from "../core/trace/events.js";
import type { Clock } from "./clock.js";
import type { ServiceConfig } from "./config.js";
import { BusExecutor } from "./executor.js";

export type PlanStatus = "proposed" | "awaiting-approval" | "rejected" | "expired" | "applied" | "rolled-back" | "rollback-failed";

export interface PlanRecord {
  readonly plan: Plan;
  status: PlanStatus;
  outcome: ApplyOutcome | null;
  readonly decidedMs: number;
  settledMs: number | null;
}

export interface DriverOptions {
  readonly loop: AdaptationLoop;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly config: ServiceConfig;
  readonly macOf: (vm: string) => string | undefined;
  /** `approve` mode: resolves true to apply, false to reject. */
  readonly approve?: (plan: Plan) => Promise<boolean>;
  readonly onStep?: (step: LoopStep) => void;
  readonly onApplyEvent?: (plan: Plan, e: ApplyEvent) => void;
  readonly onPlan?: (record: PlanRecord) => void;
  /** A failure outside a tick (carrying an approved plan), which no caller of `tick` would see. */
  readonly onError?: (e: unknown) => void;
}

export class LoopDriver {
  readonly records: PlanRecord[] = [];
  private ticking: Promise<unknown> = Promise.resolve();
  /** The plan waiting for approval, if any (at most one: the loop decides nothing while a plan is in flight). */
  private approval: Promise<void> = Promise.resolve();

  constructor(private readonly o: DriverOptions) {}

  ingest(e: TraceEvent): void {
    this.o.loop.ingest(e);
  }

  private publish(r: PlanRecord): void {
    const msg = { v: 1, status: r.status, plan: r.plan, outcome: r.outcome };
    this.o.bus.publish(subjects.plan(this.o.config.overlay), new TextEncoder().encode(JSON.stringify(msg)));
    this.o.onPlan?.(r);
  }

  /** Advances the loop to `nowMs` and carries any plan it makes to its end. Calls are serialised. */
  tick(nowMs: number): Promise<LoopStep[]> {
    return this.serially(() => this.tickNow(nowMs));
  }

  /** Runs `fn` after every tick and application queued before it, and before any queued after it. */
  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.ticking.then(fn);
    this.ticking = run.catch(() => undefined);
    return run;
  }

  private async tickNow(nowMs: number): Promise<LoopStep[]> {
    const steps = await this.o.loop.advance(nowMs);
    for (const s of steps) {
      this.o.onStep?.(s);
      if (s.kind === "decision" && s.decision.act) await this.carry(s.decision.plan);
    }
    return steps;
  }

  /** Resolves when no tick (and no plan it carries) is running and no plan waits for approval. */
  async idle(): Promise<void> {
    await this.approval;
    await this.ticking;
  }

  /** Closes the remaining intervals (end of a trace) and carries a last plan if one is made. */
  async finish(nowMs: number): Promise<LoopStep[]> {
    await this.ticking;
    const steps = await this.o.loop.finish(nowMs);
    for (const s of steps) {
      this.o.onStep?.(s);
      if (s.kind === "decision" && s.decision.act) await this.carry(s.decision.plan);
    }
    return steps;
  }

  private async carry(plan: Plan): Promise<void> {
    const { config, loop, clock } = this.o;
    const record: PlanRecord = { plan, status: "proposed", outcome: null, decidedMs: clock.now(), settledMs: null };
    this.records.push(record);
    if (config.mode === "dry-run") {
      this.publish(record);
      loop.discard(plan);
      return;
    }
    if (config.mode === "approve") {
      record.status = "awaiting-approval";
      this.publish(record);
      const approve = this.o.approve;
      if (approve === undefined) return this.unapplied(record, "rejected");
      // The loop goes on meanwhile (it decides nothing while this plan is in flight): intervals are processed as
      // they close instead of piling up. An approved plan is applied in turn with the ticks; an unanswered one
      // expires after approvalTimeoutMs.
      this.approval = this.awaitApproval(record, approve).catch((e: unknown) => this.o.onError?.(e));
      return;
    }
    this.publish(record);
    await this.apply(record);
  }

  private unapplied(record: PlanRecord, status: "rejected" | "expired"): void {
    record.status = status;
    record.settledMs = this.o.clock.now();
    this.publish(record);
    this.o.loop.discard(record.plan);
  }

  private async awaitApproval(record: PlanRecord, approve: (plan: Plan) => Promise<boolean>): Promise<void> {
    const { clock, config } = this.o;
    let timer: unknown;
    const expiry = new Promise<"expired">((resolve) => (timer = clock.setTimer(() => resolve("expired"), config.approvalTimeoutMs)));
    const answer = await Promise.race([approve(record.plan), expiry]);
    clock.clearTimer(timer);
    if (answer !== true) return this.unapplied(record, answer === "expired" ? "expired" : "rejected");
    await this.serially(() => this.apply(record));
  }

  private async apply(record: PlanRecord): Promise<void> {
    const { config, loop, clock } = this.o;
    const plan = record.plan;
    const executor = new BusExecutor({ bus: this.o.bus, overlay: config.overlay, planId: plan.id, macOf: this.o.macOf, now: () => clock.now() });
    const outcome = await applyPlan(plan, executor, {
      maxConcurrent: config.apply.maxConcurrent,
      maxConcurrentMigrations: config.apply.maxConcurrentMigrations,
      delay: (ms) => clock.sleep(ms),
      onEvent: (e) => this.o.onApplyEvent?.(plan, e),
    });
    record.outcome = outcome;
    record.status = outcome.status;
    record.settledMs = clock.now();
    loop.settle(plan, outcome);
    this.publish(record);
  }
}
