/**
 * `vadapt experiment`'s shell: expands the grid (pure core), skips the cells the results journal already holds,
 * runs the rest in worker threads, appends each finished cell to the journal at once (one line, fsynced: a
 * crash loses at most the cells in flight), and at the end writes the tables: results.csv, results.json (config,
 * code version, every cell, the summary) and summary.md.
 */
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { IoError } from "../core/errors.js";
import type { ExperimentConfig } from "../core/experiment/config.js";
import { expandGrid, type Cell } from "../core/experiment/grid.js";
import { cellResult, parseJournal, pendingCells, resultsCsv, resultsInGrid, summarize, summaryMarkdown, type CellResult, type CodeVersion, type SummaryRow } from "../core/experiment/results.js";
import { readExperimentInputs } from "./inputs.js";
import { runPool, type CellOutcome } from "./pool.js";

/** The marker of a results.json, which `vadapt report` recognises. */
export const RESULTS_KIND = "vadapt-experiment-results";

export const RESULT_FILES = { journal: "results.ndjson", csv: "results.csv", json: "results.json", summary: "summary.md" } as const;

export interface RunOptions {
  readonly config: ExperimentConfig;
  /** The config file (recorded in results.json). */
  readonly configPath: string;
  /** Base of the config's relative data paths. */
  readonly dataDir: string;
  readonly outDir: string;
  readonly threads: number;
  /** Run again the cells whose result is an error. */
  readonly retryErrors?: boolean;
  readonly version: CodeVersion;
  readonly signal?: AbortSignal;
  /** Before the run: how many cells are to run and how many are already done. */
  readonly onStart?: (toRun: number, done: number) => void;
  readonly onCell?: (result: CellResult) => void;
  readonly warn?: (message: string) => void;
  /** Milliseconds since the epoch, for `finishedAt` (injectable for tests). */
  readonly now?: () => number;
}

export interface RunSummary {
  readonly cells: number;
  /** Cells run now, and cells found done in the journal. */
  readonly ran: number;
  readonly skipped: number;
  /** The last journal line was torn by a crash (dropped; its cell ran again). */
  readonly tornLine: boolean;
  /** Results in the journal from cells no longer in the grid (an edited config): kept there, left out of the tables. */
  readonly stale: number;
  readonly stopped: boolean;
  readonly results: CellResult[];
  readonly summary: SummaryRow[];
  readonly files: Readonly<Record<keyof typeof RESULT_FILES, string>>;
}

function readJournal(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Writes a file whole or not at all (temporary file, fsync, rename). */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Runs (or resumes) an experiment; see the module comment. */
export async function runExperiment(o: RunOptions): Promise<RunSummary> {
  const cells = expandGrid(o.config);
  mkdirSync(o.outDir, { recursive: true });
  const files = {
    journal: join(o.outDir, RESULT_FILES.journal),
    csv: join(o.outDir, RESULT_FILES.csv),
    json: join(o.outDir, RESULT_FILES.json),
    summary: join(o.outDir, RESULT_FILES.summary),
  };
  const journal = parseJournal(readJournal(files.journal), files.journal);
  const todo = pendingCells(cells, journal.results, o.retryErrors === true);
  const known = new Map(journal.results.map((r) => [r.id, r]));
  const inGrid = new Set(cells.map((c) => c.id));
  const stale = journal.results.filter((r) => !inGrid.has(r.id)).length;
  o.onStart?.(todo.length, cells.length - todo.length);

  const fd = openSync(files.journal, "a+");
  let stopped = false;
  let ran = 0;
  try {
    if (journal.torn) ftruncateSync(fd, journal.completeBytes);
    if (todo.length > 0) {
      const inputs = await readExperimentInputs(o.config, o.dataDir, o.warn);
      const now = o.now ?? Date.now;
      const record = (cell: Cell, outcome: CellOutcome): void => {
        const r = cellResult(cell, o.config.name, outcome, o.version, new Date(now()).toISOString());
        writeSync(fd, `${JSON.stringify(r)}\n`);
        fsyncSync(fd);
        known.set(r.id, r);
        ran++;
        o.onCell?.(r);
      };
      stopped = (await runPool(todo, { threads: o.threads, inputs, onResult: record, ...(o.signal !== undefined ? { signal: o.signal } : {}) })).stopped;
    }
  } finally {
    closeSync(fd);
  }
  const results = resultsInGrid(cells, [...known.values()]);
  const summary = summarize(results);
  writeAtomic(files.csv, resultsCsv(results));
  writeAtomic(files.summary, `# ${o.config.name}\n\n${o.config.description ?? ""}\n\n${results.length}/${cells.length} cells; mean ± 95% Student-t interval over seeds; score = the objective (with the migration penalty), evaluated by the independent checker; gain = change vs the current placement (stay), percent, positive = better.\n\n${summaryMarkdown(summary)}`);
  writeAtomic(
    files.json,
    `${JSON.stringify({ kind: RESULTS_KIND, experiment: o.config.name, description: o.config.description ?? null, configFile: o.configPath, config: o.config, version: o.version, cells: cells.length, complete: results.length === cells.length, results, summary }, null, 1)}\n`,
  );
  return { cells: cells.length, ran, skipped: cells.length - todo.length, tornLine: journal.torn, stale, stopped, results, summary, files };
}
