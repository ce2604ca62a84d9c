import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../../src/core/experiment/config.js";
import { expandGrid } from "../../src/core/experiment/grid.js";
import { parseJournal, type CellResult } from "../../src/core/experiment/results.js";
import { runExperiment, type RunOptions } from "../../src/harness/run.js";
import { REPO_ROOT } from "../helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-harness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const raw = (iterations: number) => ({
  name: "resume",
  topologies: [{ name: "ring5", synthetic: { shape: "ring", sites: 5, mbps: 100, latencyMs: 5 } }],
  patterns: [{ name: "ring10", kind: "ring", vms: 10 }, { name: "a2a6", kind: "all-to-all", vms: 6 }],
  algorithms: ["greedy", "anneal", "random", "traffic-aware", "stay"],
  objectives: ["residual-bottleneck", "traffic-cost"],
  seeds: { count: 2 },
  solver: { iterations },
});

function options(outDir: string, over: Partial<RunOptions> = {}): RunOptions {
  return { config: parseExperimentConfig(raw(500), "cfg.json"), configPath: "cfg.json", dataDir: dir, outDir, threads: 2, version: { package: "test", commit: null }, ...over };
}

const journalOf = (outDir: string): CellResult[] => parseJournal(readFileSync(join(outDir, "results.ndjson"), "utf8"), "j").results;
const lines = (outDir: string): string[] => readFileSync(join(outDir, "results.ndjson"), "utf8").split("\n").filter((l) => l !== "");

describe("vadapt experiment: resumption", () => {
  it("a run stopped mid-way resumes without rerunning finished cells or losing any", async () => {
    const out = join(dir, "abort");
    const abort = new AbortController();
    let seen = 0;
    const first = await runExperiment(options(out, { signal: abort.signal, onCell: () => ++seen === 7 && abort.abort() }));
    expect(first.stopped).toBe(true);
    const after1 = journalOf(out);
    expect(after1.length).toBeGreaterThanOrEqual(7);
    expect(after1.length).toBeLessThan(first.cells);

    const rerun: string[] = [];
    const second = await runExperiment(options(out, { onCell: (r) => rerun.push(r.id) }));
    expect(second.stopped).toBe(false);
    expect(second.skipped).toBe(after1.length);
    expect(rerun.filter((id) => after1.some((r) => r.id === id))).toEqual([]);
    expect(second.results.map((r) => r.id)).toEqual(expandGrid(options(out).config).map((c) => c.id));
    expect(new Set(lines(out).map((l) => (JSON.parse(l) as CellResult).id)).size).toBe(lines(out).length);
    expect(second.results.every((r) => r.status === "ok" && r.metrics !== null && r.metrics.agrees)).toBe(true);

    // a third run has nothing to do and rewrites the same tables
    const third = await runExperiment(options(out, { onCell: () => expect.fail("nothing should run") }));
    expect(third.ran).toBe(0);
    expect(third.skipped).toBe(third.cells);
    const csv = readFileSync(join(out, "results.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(third.cells + 1);
    expect(csv[0]).toMatch(/^experiment,id,index,scenario,topology,pattern,load,seed,objective,algorithm,status,error,/);
    expect(csv[0]).toMatch(/solver\.iterations/);
    expect(csv[0]).toMatch(/after\.traffic-cost.*runtimeMs.*version\.package,version\.commit/);
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { kind: string; complete: boolean; results: unknown[]; summary: unknown[] };
    expect(json.kind).toBe("vadapt-experiment-results");
    expect(json.complete).toBe(true);
    expect(json.results).toHaveLength(third.cells);
    expect(json.summary).toHaveLength(2 * 2 * 5);
  });

  it("a line torn by a crash mid-write is dropped and its cell rerun; other bad lines are errors", async () => {
    const out = join(dir, "torn");
    const abort = new AbortController();
    let seen = 0;
    await runExperiment(options(out, { signal: abort.signal, onCell: () => ++seen === 3 && abort.abort() }));
    const before = journalOf(out);
    appendFileSync(join(out, "results.ndjson"), '{"experiment":"resume","id":"ring5/ri');
    const r = await runExperiment(options(out));
    expect(r.tornLine).toBe(true);
    expect(r.skipped).toBe(before.length);
    expect(r.results).toHaveLength(r.cells);
    expect(lines(out).every((l) => l.startsWith("{") && l.endsWith("}"))).toBe(true);

    writeFileSync(join(out, "results.ndjson"), `${lines(out)[0]}\nnot json\n${lines(out)[1]}\n`);
    await expect(runExperiment(options(out))).rejects.toThrow(/results\.ndjson:2: not valid JSON/);
  });

  it("survives a real kill -9 of the CLI mid-run", async () => {
    const out = join(dir, "kill");
    const cfg = join(dir, "kill.json");
    writeFileSync(cfg, JSON.stringify(raw(20_000)));
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), "experiment", cfg, "-o", out, "--threads", "2", "--no-progress"], { cwd: REPO_ROOT, stdio: "ignore" });
    const exited = new Promise<void>((res) => child.on("exit", () => res()));
    const journal = join(out, "results.ndjson");
    let done = false;
    void exited.then(() => (done = true));
    while (!done && (!existsSync(journal) || lines(out).length < 3)) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await exited;
    const survived = journalOf(out);
    expect(survived.length).toBeGreaterThanOrEqual(3);
    const rerun: string[] = [];
    const r = await runExperiment(options(out, { config: parseExperimentConfig(raw(20_000), cfg), onCell: (c) => rerun.push(c.id) }));
    expect(rerun.filter((id) => survived.some((s) => s.id === id))).toEqual([]);
    expect(r.results).toHaveLength(r.cells);
    expect(r.skipped + rerun.length).toBe(r.cells);
  });
});
