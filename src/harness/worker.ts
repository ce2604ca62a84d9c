/**
 * A harness worker thread: receives the experiment's inputs once (workerData), then cells one at a time, runs
 * each with the pure core (src/core/experiment/run-cell.ts) and posts its metrics or its error back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { lpSolvers } from "../adapters/lp/index.js";
import { VadaptError } from "../core/errors.js";
import type { Cell } from "../core/experiment/grid.js";
import { runCell } from "../core/experiment/run-cell.js";
import type { ExperimentInputs } from "../core/experiment/scenario.js";
import type { CellOutcome, WorkerReply } from "./pool.js";

const port = parentPort;
if (port === null) throw new Error("src/harness/worker.ts runs as a worker thread");
const inputs = (workerData as { inputs: ExperimentInputs }).inputs;

async function outcome(cell: Cell): Promise<CellOutcome> {
  try {
    const lp = lpSolvers[cell.solver.lp];
    return { metrics: await runCell(inputs, cell, { clock: () => performance.now(), ...(lp !== undefined ? { lp } : {}) }) };
  } catch (e) {
    if (e instanceof VadaptError) return { error: `${e.code}: ${e.message}` };
    return { error: `E_INTERNAL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  }
}

port.on("message", (cell: Cell) => {
  void outcome(cell).then((o) => port.postMessage({ id: cell.id, outcome: o } satisfies WorkerReply));
});
