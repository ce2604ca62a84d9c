import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { Instance, Solution } from "../../src/core/model/problem.js";
import { verifySolution } from "../../src/core/solve/checker.js";
import { dataPath, describeWithData } from "../helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-solve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const spec = {
  hosts: [{ id: "h1", cpu: 8, memMB: 32768, localMbps: 10000 }, { id: "h2", cpu: 2, memMB: 32768 }],
  links: [{ from: "h1", to: "h2", mbps: 1000, latencyMs: 0.5, active: true }, { from: "h2", to: "h1", mbps: 1000, latencyMs: 0.5 }],
  vms: [{ id: "vm1", cpu: 2, memMB: 4096, host: "h1", pin: null, allowed: null }, { id: "vm2", cpu: 2, memMB: 4096, host: "h2" }],
  demands: [{ src: "vm1", dst: "vm2", mbps: 100, maxLatencyMs: null }],
  objective: "residual-bottleneck",
  maxMigrations: null,
  migrationWeight: 0,
};

describe("vadapt solve", () => {
  const file = join(dir, "spec.json");
  writeFileSync(file, JSON.stringify(spec));

  it.each(["greedy", "anneal", "mip", "bnb", "auto"])("--solver %s prints the spec's solution JSON, which the checker accepts", async (solver) => {
    const r = await runCli(["solve", file, "--solver", solver, "--iterations", "500"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = Solution.parse(JSON.parse(r.stdout));
    expect(s.feasible).toBe(true);
    expect(verifySolution(Instance.parse(spec), s)).toEqual([]);
    expect(s.objectives["residual-bottleneck"]).toBe(9900);
  });

  it("--objective, --lp glpk and --bound", async () => {
    const r = await runCli(["solve", file, "--solver", "mip", "--lp", "glpk", "--objective", "traffic-cost"]);
    const s = Solution.parse(JSON.parse(r.stdout));
    expect(s.solver).toBe("mip/glpk");
    expect(s.objective).toBe("traffic-cost");
    expect(s.score).toBe(0);
    const g = Solution.parse(JSON.parse((await runCli(["solve", file, "--solver", "greedy", "--bound"])).stdout));
    expect(g.bound).toBeGreaterThanOrEqual(g.score!);
  });

  it("names the file and the field of a bad instance (exit 2)", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...spec, vms: [{ ...spec.vms[0], host: "h9" }, spec.vms[1]] }));
    const r = await runCli(["solve", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: field 'vms[0].host': unknown host 'h9'`);
    writeFileSync(bad, "{ not json");
    expect((await runCli(["solve", bad])).stderr).toMatch(/bad\.json:1: not valid JSON/);
    expect((await runCli(["solve", join(dir, "missing.json")])).code).toBe(1);
  });

  it.each([
    ["a wrong type", { hosts: [{ ...spec.hosts[0], cpu: "eight" }] }, "field 'hosts[0].cpu': Invalid input: expected number"],
    ["a missing field", { demands: undefined }, "field 'demands'"],
    ["an unknown VM in a demand", { demands: [{ src: "vm1", dst: "zz", mbps: 1 }] }, "field 'demands[0].dst': unknown VM 'zz'"],
    ["a duplicate host", { hosts: [spec.hosts[0], spec.hosts[0]] }, "field 'hosts[1].id': duplicate host id 'h1'"],
    ["a negative bandwidth", { links: [{ ...spec.links[0], mbps: -3 }] }, "field 'links[0].mbps'"],
    ["an unknown objective", { objective: "fastest" }, "field 'objective'"],
  ])("rejects %s naming file and field (exit 2)", async (_, change, message) => {
    const bad = join(dir, "field.json");
    writeFileSync(bad, JSON.stringify({ ...spec, ...change }));
    const r = await runCli(["solve", bad, "--solver", "greedy"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${bad}: ${message}`);
  });

  it("rejects bad options (exit 2) and explains the solvers in --help", async () => {
    expect((await runCli(["solve", file, "--solver", "fastest"])).code).toBe(2);
    expect((await runCli(["solve", file, "--seed", "x"])).code).toBe(2);
    const help = await runCli(["solve", "--help"]);
    expect(help.code).toBe(0);
    for (const name of ["greedy", "anneal", "mip", "bnb", "auto"]) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    expect(help.stdout).toContain("Exit codes");
  });

  it("answers an infeasible instance with the constraint named (a value, exit 0)", async () => {
    const inf = join(dir, "inf.json");
    writeFileSync(inf, JSON.stringify({ ...spec, demands: [{ src: "vm1", dst: "vm2", mbps: 50000 }] }));
    const r = await runCli(["solve", inf, "--solver", "mip"]);
    expect(r.code).toBe(0);
    const s = Solution.parse(JSON.parse(r.stdout));
    expect(s.feasible).toBe(false);
    expect(s.proven).toBe(true);
    expect(s.violations!.map((v) => v.constraint)).toContain("link-bandwidth");
  });
});

describe("vadapt gen-instance", () => {
  it("--random is seeded and valid", async () => {
    const a = await runCli(["gen-instance", "--random", "--vms", "5", "--hosts", "3", "--seed", "4"]);
    const b = await runCli(["gen-instance", "--random", "--vms", "5", "--hosts", "3", "--seed", "4"]);
    expect(a.stdout).toBe(b.stdout);
    const inst = Instance.parse(JSON.parse(a.stdout));
    expect(inst.vms).toHaveLength(5);
    expect(inst.hosts).toHaveLength(3);
  });
  it("needs --random or --topology with --pattern", async () => {
    expect((await runCli(["gen-instance"])).code).toBe(2);
    expect((await runCli(["gen-instance", "--random", "--pattern", "ring"])).code).toBe(2);
  });
});

describeWithData("vadapt gen-instance over real topologies", () => {
  it.each([
    ["SNDlib native", "sndlib/instances/native/abilene/abilene.txt", 12],
    ["SNDlib XML", "sndlib/instances/xml/germany50/germany50.xml", 50],
    ["Topology Zoo", "topology-zoo/graphml/Geant2009.graphml", 34],
  ])("%s: a ring with several hosts per site, solvable", async (_, path, sites) => {
    const out = join(dir, "ring.json");
    const r = await runCli(["gen-instance", "--topology", dataPath(path), "--pattern", "ring", "--vms", "12", "--hosts", String(2 * sites), "--current", "block", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`wrote .*: ${2 * sites} hosts, \\d+ links, 12 VMs, 24 demands`));
    const s = Solution.parse(JSON.parse((await runCli(["solve", out, "--solver", "greedy"])).stdout));
    expect(s.feasible).toBe(true);
  });
  it("a real MPI run's graph (NPB CG, 64 ranks)", async () => {
    const r = await runCli([
      "gen-instance",
      "--topology",
      dataPath("sndlib/instances/native/abilene/abilene.txt"),
      "--pattern",
      `mpi:${dataPath("mpi-comm-graphs/NPB/cg_results/64_ranks/graphStats.txt")}`,
      "--hosts",
      "24",
      "--mean-mbps",
      "20",
    ]);
    const inst = Instance.parse(JSON.parse(r.stdout));
    expect(inst.vms).toHaveLength(64);
    const mean = inst.demands.reduce((s, d) => s + d.mbps, 0) / inst.demands.length;
    expect(mean).toBeCloseTo(20, 1);
  });
});
