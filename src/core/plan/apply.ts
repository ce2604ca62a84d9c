/**
 * Applies a plan all-or-nothing: actions run as soon as their preconditions have succeeded (at most
 * `maxConcurrent` at once, at most `maxConcurrentMigrations` migrations), each retried on failure or timeout; when
 * an action still fails, nothing new starts, the running ones finish, and every completed action is reverted in
 * reverse order of completion, so the overlay returns to where it was and no VM loses connectivity.
 *
 * Transport-agnostic: the service sends actions over NATS, the what-if planner to simulated agents in process.
 */
import { executorOf, type ActionSpec } from "./actions.js";
import { topologicalOrder, type Plan, type PlanAction } from "./plan.js";

/** An agent's answer to one action. */
export type AckResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retryable?: boolean };

/** Executes one action at its host (idempotently by id) and resolves with the agent's ack. */
export interface ActionExecutor {
  execute(action: { readonly id: string; readonly host: string; readonly spec: ActionSpec }, attempt: number, timeoutMs: number): Promise<AckResult>;
}

export type ApplyEvent =
  | { readonly type: "start"; readonly id: string; readonly attempt: number }
  | { readonly type: "done"; readonly id: string }
  | { readonly type: "retry"; readonly id: string; readonly attempt: number; readonly error: string }
  | { readonly type: "failed"; readonly id: string; readonly error: string }
  | { readonly type: "revert"; readonly id: string; readonly ok: boolean; readonly error?: string };

export interface ApplyOptions {
  readonly maxConcurrent?: number;
  readonly maxConcurrentMigrations?: number;
  /** Waits between retries (the shell passes a real or virtual sleep). Default: no wait. */
  readonly delay?: (ms: number) => Promise<void>;
  readonly retryBackoffMs?: number;
  /** Ids already completed by an earlier, interrupted run of the same plan (resume). */
  readonly completed?: readonly string[];
  readonly onEvent?: (e: ApplyEvent) => void;
}

export type ApplyStatus = "applied" | "rolled-back" | "rollback-failed";

export interface ApplyOutcome {
  readonly status: ApplyStatus;
  /** Completed actions, in completion order. */
  readonly completed: readonly string[];
  readonly failed: { readonly id: string; readonly error: string } | null;
  readonly reverted: readonly string[];
  readonly revertFailures: ReadonlyArray<{ readonly id: string; readonly error: string }>;
}

async function runWithRetries(
  executor: ActionExecutor,
  action: { id: string; host: string; spec: ActionSpec },
  retries: number,
  timeoutMs: number,
  opts: ApplyOptions,
): Promise<AckResult> {
  let last: AckResult = { ok: false, error: "not run" };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    opts.onEvent?.({ type: "start", id: action.id, attempt });
    try {
      last = await executor.execute(action, attempt, timeoutMs);
    } catch (e) {
      last = { ok: false, error: e instanceof Error ? e.message : String(e), retryable: true };
    }
    if (last.ok || last.retryable === false || attempt > retries) return last;
    opts.onEvent?.({ type: "retry", id: action.id, attempt, error: last.error });
    if (opts.delay !== undefined) await opts.delay((opts.retryBackoffMs ?? 200) * 2 ** (attempt - 1));
  }
  return last;
}

/** Applies the plan; never throws for an agent's failure (that is the outcome's `failed`). */
export async function applyPlan(plan: Plan, executor: ActionExecutor, opts: ApplyOptions = {}): Promise<ApplyOutcome> {
  const maxConcurrent = opts.maxConcurrent ?? 16;
  const maxMigrations = opts.maxConcurrentMigrations ?? 1;
  const order = topologicalOrder(plan.actions);
  const done = new Set<string>(opts.completed ?? []);
  const completed: string[] = order.filter((a) => done.has(a.id)).map((a) => a.id);
  const started = new Set<string>(done);
  const running = new Map<string, Promise<void>>();
  let migrating = 0;
  let failed: { id: string; error: string } | null = null;

  const ready = (a: PlanAction): boolean => !started.has(a.id) && a.after.every((d) => done.has(d));
  const launch = (a: PlanAction): void => {
    started.add(a.id);
    const isMigration = a.spec.kind === "migrate";
    if (isMigration) migrating++;
    const p = runWithRetries(executor, a, a.retries, a.ackTimeoutMs, opts).then((r) => {
      if (isMigration) migrating--;
      running.delete(a.id);
      if (r.ok) {
        done.add(a.id);
        completed.push(a.id);
        opts.onEvent?.({ type: "done", id: a.id });
      } else if (failed === null) {
        failed = { id: a.id, error: r.error };
        opts.onEvent?.({ type: "failed", id: a.id, error: r.error });
      }
    });
    running.set(a.id, p);
  };

  for (;;) {
    if (failed === null) {
      for (const a of order) {
        if (running.size >= maxConcurrent) break;
        if (!ready(a)) continue;
        if (a.spec.kind === "migrate" && migrating >= maxMigrations) continue;
        launch(a);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  if (failed === null && done.size < order.length) {
    failed = { id: order.find((a) => !done.has(a.id))!.id, error: "unreachable: its preconditions never completed" };
  }
  if (failed === null) return { status: "applied", completed, failed: null, reverted: [], revertFailures: [] };

  // Roll back: undo completed actions, newest first.
  const byId = new Map(order.map((a) => [a.id, a]));
  const reverted: string[] = [];
  const revertFailures: Array<{ id: string; error: string }> = [];
  for (const id of [...completed].reverse()) {
    const a = byId.get(id)!;
    if (a.revert === null) continue;
    const r = await runWithRetries(executor, { id: `${id}~revert`, host: executorOf(a.revert), spec: a.revert }, a.retries, a.ackTimeoutMs, opts);
    opts.onEvent?.(r.ok ? { type: "revert", id, ok: true } : { type: "revert", id, ok: false, error: r.error });
    if (r.ok) reverted.push(id);
    else revertFailures.push({ id, error: r.error });
  }
  return { status: revertFailures.length === 0 ? "rolled-back" : "rollback-failed", completed, failed, reverted, revertFailures };
}
