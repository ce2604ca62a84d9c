/**
 * Running cells in parallel worker threads: one worker per thread, each fed one cell at a time (so that a slow
 * cell never holds others back), results reported in completion order. A worker that dies takes only its cell
 * with it (recorded as an error) and is replaced. Stopping (an AbortSignal: Ctrl-C, a test's simulated crash)
 * dispatches nothing more and terminates the workers; results already reported stay reported.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Cell } from "../core/experiment/grid.js";
import type { CellMetrics } from "../core/experiment/results.js";
import type { ExperimentInputs } from "../core/experiment/scenario.js";

export type CellOutcome = { readonly metrics: CellMetrics } | { readonly error: string };
export interface WorkerReply {
  readonly id: string;
  readonly outcome: CellOutcome;
}

/**
 * A worker running src/harness/worker: the compiled `.js` when vadapt runs from dist/, else the `.ts` source
 * through tsx's loader (tests run from source; a worker's entry module is loaded before `--import` hooks, so the
 * loader is registered by a small bootstrap first).
 */
function startWorker(inputs: ExperimentInputs): Worker {
  const js = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: { inputs } });
  const ts = new URL("./worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData: { inputs } });
}

export interface PoolOptions {
  readonly threads: number;
  readonly inputs: ExperimentInputs;
  /** Called for each finished cell, in completion order (synchronously: the journal write happens here). */
  readonly onResult: (cell: Cell, outcome: CellOutcome) => void;
  readonly signal?: AbortSignal;
}

/** Runs the cells; resolves when all are done or the signal stopped the run (then `stopped` is true). */
export function runPool(cells: readonly Cell[], opts: PoolOptions): Promise<{ stopped: boolean }> {
  const queue = [...cells];
  const threads = Math.max(1, Math.min(opts.threads, queue.length));
  return new Promise((resolvePool, rejectPool) => {
    if (queue.length === 0 || opts.signal?.aborted === true) {
      resolvePool({ stopped: opts.signal?.aborted === true });
      return;
    }
    const busy = new Map<Worker, Cell>();
    const workers = new Set<Worker>();
    let finished = false;
    const finish = (stopped: boolean, error?: unknown): void => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener("abort", onAbort);
      void Promise.all([...workers].map((w) => w.terminate())).then(() => (error === undefined ? resolvePool({ stopped }) : rejectPool(error)));
    };
    const onAbort = (): void => finish(true);
    opts.signal?.addEventListener("abort", onAbort);
    const feed = (w: Worker): void => {
      if (finished) return;
      const cell = queue.shift();
      if (cell === undefined) {
        busy.delete(w);
        workers.delete(w);
        void w.terminate();
        if (busy.size === 0) finish(false);
        return;
      }
      busy.set(w, cell);
      w.postMessage(cell);
    };
    const report = (cell: Cell, outcome: CellOutcome): boolean => {
      try {
        opts.onResult(cell, outcome);
        return true;
      } catch (e) {
        finish(false, e);
        return false;
      }
    };
    const spawn = (): void => {
      const w = startWorker(opts.inputs);
      workers.add(w);
      w.on("message", (m: WorkerReply) => {
        const cell = busy.get(w);
        if (finished || cell === undefined || cell.id !== m.id) return;
        if (report(cell, m.outcome)) feed(w);
      });
      const died = (why: string): void => {
        const cell = busy.get(w);
        if (!workers.delete(w)) return;
        busy.delete(w);
        if (finished) return;
        if (cell !== undefined && !report(cell, { error: `E_INTERNAL: worker died: ${why}` })) return;
        if (queue.length > 0) spawn();
        else if (busy.size === 0) finish(false);
      };
      w.on("error", (e) => died(e.message));
      w.on("exit", (code) => died(`exit code ${code}`));
      feed(w);
    };
    for (let i = 0; i < threads; i++) spawn();
  });
}
