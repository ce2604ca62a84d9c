import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { REPO_ROOT } from "../helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-infer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe("vadapt infer", () => {
  const trace = join(dir, "three.trace");
  it("prints the topology of each phase of a generated trace", async () => {
    const g = await runCli(["gen-trace", "--pattern", "ring:20,mesh2d:20,star:20", "--vms", "16", "--hosts", "8", "--dup", "0.1", "--seed", "3", "-o", trace]);
    expect(g.code, g.stderr).toBe(0);
    const r = await runCli(["infer", trace, "--hold", "2", "--top", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/phases\s+3/);
    expect(r.stdout).toMatch(/phase 1: 0s \.\. 20s \(20 intervals\)\n\s+topology\s+ring/);
    expect(r.stdout).toMatch(/phase 2: 20s \.\. 40s \(20 intervals\)\n\s+change .*declared after 2 interval\(s\)\n\s+topology\s+mesh2d/);
    expect(r.stdout).toMatch(/phase 3: 40s \.\. 1m \(20 intervals\)\n\s+change .*\n\s+topology\s+star/);
    expect(r.stdout).toMatch(/mapping\s+4x4 non-periodic; coordinates: vm/);
    expect(r.stdout).toMatch(/mapping\s+centre vm1, 15 leaves/);
  });

  it("prints JSON with named mappings and solver-ready demands", async () => {
    const r = await runCli(["infer", trace, "--hold", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      intervals: number;
      aggregation: { duplicate: number };
      phases: Array<{ intervals: number; topology: { class: string; mapping: { kind: string; order?: string[] } }; demands: Array<{ src: string; dst: string; mbps: number }> }>;
    };
    expect(j.intervals).toBe(60);
    expect(j.aggregation.duplicate).toBeGreaterThan(0);
    expect(j.phases.map((p) => p.topology.class)).toEqual(["ring", "mesh2d", "star"]);
    expect(j.phases[0]!.topology.mapping.order).toHaveLength(16);
    expect(j.phases[0]!.demands).toHaveLength(32);
    expect(j.phases[0]!.demands[0]).toMatchObject({ src: expect.stringMatching(/^vm\d+$/), dst: expect.stringMatching(/^vm\d+$/) });
  });

  it("exports a phase's graph as GraphML, GEXF or JSON", async () => {
    for (const fmt of ["graphml", "gexf", "json"]) {
      const out = join(dir, `g.${fmt}`);
      const r = await runCli(["infer", trace, "--hold", "2", "--export", fmt, "-o", out, "--phase", "2"]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(out, "utf8");
      if (fmt === "json") expect((JSON.parse(text) as { nodes: unknown[] }).nodes).toHaveLength(16);
      else {
        const x = new XMLParser({ ignoreAttributes: false }).parse(text);
        const nodes = fmt === "graphml" ? x.graphml.graph.node : x.gexf.graph.nodes.node;
        expect(nodes).toHaveLength(16);
      }
    }
  });

  it("takes a fixed threshold, smoothing and change options", async () => {
    const r = await runCli(["infer", trace, "--threshold", "0.5", "--ewma", "0.5", "--hold", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { phases: Array<{ topology: { class: string; cut: { rule: string; relative: number } } }> };
    expect(j.phases.map((p) => p.topology.class)).toEqual(["ring", "mesh2d", "star"]);
    expect(j.phases[0]!.topology.cut).toMatchObject({ rule: "fixed", relative: 0.5 });
  });

  it("rejects conflicting options with exit code 2", async () => {
    for (const args of [
      ["--window", "3", "--ewma", "0.5"],
      ["--threshold", "0.2", "--auto-threshold"],
      ["--export", "dot", "-o", join(dir, "x")],
      ["--export", "json"],
      ["--export", "json", "-o", join(dir, "x"), "--phase", "9"],
    ]) {
      const r = await runCli(["infer", trace, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/E_BAD_CONFIG/);
    }
    // A bad option value is commander's error (it exits the process, so run it in a child).
    const child = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), "infer", trace, "--threshold", "2"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toMatch(/'2' is not a number in \(0, 1\]/);
  });

  it("names file, line and field of a bad line; --lenient goes on", async () => {
    const lines = readFileSync(trace, "utf8").split("\n");
    const k = lines.findIndex((l) => l.includes('"traffic"'));
    lines[k] = lines[k]!.replace(/"startMs":\d+/, '"startMs":-5');
    const bad = join(dir, "bad.trace");
    writeFileSync(bad, lines.join("\n"));
    const strict = await runCli(["infer", bad]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${bad}:${k + 1}: field 'startMs'`);
    const lenient = await runCli(["infer", "--lenient", "--hold", "2", bad]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/bad lines\s+1 \(skipped\)/);
    expect(lenient.stdout).toMatch(/phases\s+3/);
  });
});
