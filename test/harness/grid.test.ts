import { describe, expect, it } from "vitest";
import { parseExperimentConfig, type ExperimentConfig } from "../../src/core/experiment/config.js";
import { canonicalJson, expandGrid } from "../../src/core/experiment/grid.js";
import { ConfigError } from "../../src/core/errors.js";

const base = {
  name: "t",
  topologies: [{ name: "ring4", synthetic: { shape: "ring", sites: 4, mbps: 100, latencyMs: 5 } }],
  patterns: [{ name: "ring8", kind: "ring", vms: 8 }],
  algorithms: ["greedy"],
  objectives: ["residual-bottleneck"],
  seeds: [1],
};
const config = (over: Record<string, unknown>): ExperimentConfig => parseExperimentConfig({ ...base, ...over }, "test.json");

describe("grid expansion (table-driven)", () => {
  const topo = (name: string) => ({ name, synthetic: { shape: "star", sites: 3, mbps: 10, latencyMs: 1 } });
  const cases: Array<{ name: string; over: Record<string, unknown>; cells: number; first: string; last: string }> = [
    { name: "one of each", over: {}, cells: 1, first: "ring4/ring8/none/s1/residual-bottleneck/greedy", last: "ring4/ring8/none/s1/residual-bottleneck/greedy" },
    { name: "algorithms vary fastest", over: { algorithms: ["greedy", "random", { name: "round-robin", routing: "shortest" }] }, cells: 3, first: "ring4/ring8/none/s1/residual-bottleneck/greedy", last: "ring4/ring8/none/s1/residual-bottleneck/round-robin/shortest" },
    { name: "seed ranges", over: { seeds: { from: 5, count: 3 } }, cells: 3, first: "ring4/ring8/none/s5/residual-bottleneck/greedy", last: "ring4/ring8/none/s7/residual-bottleneck/greedy" },
    { name: "objectives inside seeds", over: { seeds: [1, 2], objectives: ["traffic-cost", "max-utilization"] }, cells: 4, first: "ring4/ring8/none/s1/traffic-cost/greedy", last: "ring4/ring8/none/s2/max-utilization/greedy" },
    { name: "topologies outermost", over: { topologies: [topo("a"), topo("b")], patterns: [{ name: "p", kind: "star", vms: 3 }, { name: "q", kind: "line", vms: 3 }] }, cells: 4, first: "a/p/none/s1/residual-bottleneck/greedy", last: "b/q/none/s1/residual-bottleneck/greedy" },
    { name: "full product", over: { topologies: [topo("a"), topo("b")], loads: [{ name: "none", kind: "none" }, { name: "bb", kind: "trace", files: ["x"] }], seeds: { count: 3 }, objectives: ["traffic-cost", "residual-bottleneck"], algorithms: ["greedy", "anneal", "stay"] }, cells: 2 * 1 * 2 * 3 * 2 * 3, first: "a/ring8/none/s1/traffic-cost/greedy", last: "b/ring8/bb/s3/residual-bottleneck/stay" },
  ];
  it.each(cases)("$name", ({ over, cells, first, last }) => {
    const grid = expandGrid(config(over));
    expect(grid).toHaveLength(cells);
    expect(grid[0]!.id.split("#")[0]).toBe(first);
    expect(grid.at(-1)!.id.split("#")[0]).toBe(last);
    expect(grid.map((c) => c.index)).toEqual(grid.map((_, i) => i));
    expect(new Set(grid.map((c) => c.id)).size).toBe(cells);
  });

  it("ids are stable across runs and key order, and change with any parameter", () => {
    const a = expandGrid(config({}))[0]!.id;
    expect(expandGrid(config({}))[0]!.id).toBe(a);
    const reordered = parseExperimentConfig(JSON.parse(JSON.stringify({ seeds: [1], objectives: ["residual-bottleneck"], algorithms: ["greedy"], patterns: base.patterns, topologies: base.topologies, name: "t" })), "x");
    expect(expandGrid(reordered)[0]!.id).toBe(a);
    for (const over of [{ instance: { meanMbps: 11 } }, { solver: { iterations: 7 } }, { patterns: [{ name: "ring8", kind: "ring", vms: 9 }] }, { algorithms: [{ name: "greedy", label: "greedy", deadlineMs: 9 }] }]) {
      const b = expandGrid(config(over))[0]!.id;
      expect(b.split("#")[0]).toBe(a.split("#")[0]);
      expect(b).not.toBe(a);
    }
    // the experiment's name and description do not change a cell's result, so not its id
    expect(expandGrid(config({ name: "other", description: "d" }))[0]!.id).toBe(a);
  });

  it("canonical JSON sorts keys and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 2 }] })).toBe('{"a":[{"c":2}],"b":1}');
  });
});

describe("config errors", () => {
  const problems = (data: unknown): readonly string[] => {
    try {
      parseExperimentConfig(data, "exp.json");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).code).toBe("E_BAD_CONFIG");
      expect((e as ConfigError).message).toMatch(/^exp\.json: \d+ problem/);
      return (e as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
  };

  it("lists every problem at once, each with its field path", () => {
    const p = problems({
      ...base,
      topologies: [{ name: "x", file: "a.xml", synthetic: { shape: "ring", sites: 3, mbps: 1, latencyMs: 1 } }],
      patterns: [{ name: "p", kind: "mpi", vms: 4 }],
      algorithms: ["greedy", "simplex", { name: "mip", routing: "widest" }],
      objectives: ["residual-bottleneck", "speed"],
      seeds: [1, 1],
      instance: { hostCpu: -1 },
      extra: true,
    });
    const text = p.join("\n");
    expect(text).toMatch(/^\(root\): .*extra/m);
    expect(text).toMatch(/^topologies\[0\]: give exactly one of 'file' and 'synthetic'/m);
    expect(text).toMatch(/^patterns\[0\]\.file: an mpi pattern needs 'file'/m);
    expect(text).toMatch(/^patterns\[0\]\.vms: an mpi pattern has one VM per rank/m);
    expect(text).toMatch(/^objectives\[1\]: /m);
    expect(text).toMatch(/^instance\.hostCpu: /m);
    expect(p.length).toBeGreaterThanOrEqual(6);
  });

  it("names unknown algorithms, misplaced routings and duplicates", () => {
    const text = problems({ ...base, algorithms: ["greedy", "simplex", { name: "mip", routing: "widest" }, "greedy"], seeds: [1, 1] }).join("\n");
    expect(text).toMatch(/^algorithms\[1\]\.name: 'simplex' is not one of greedy, anneal, mip, bnb, auto, random/m);
    expect(text).toMatch(/^algorithms\[2\]\.routing: 'mip' routes by itself/m);
    expect(text).toMatch(/^algorithms\[3\]: duplicate algorithm label 'greedy'/m);
    expect(text).toMatch(/^seeds\[1\]: duplicate seed '1'/m);
  });

  it("rejects missing sections and bad names", () => {
    const text = problems({ name: "a b", topologies: [], patterns: [{ name: "r", kind: "ring" }] }).join("\n");
    expect(text).toMatch(/^name: a name of letters/m);
    expect(text).toMatch(/^topologies: /m);
    expect(text).toMatch(/^patterns\[0\]\.vms: a ring pattern needs 'vms'/m);
    expect(text).toMatch(/^algorithms: /m);
    expect(text).toMatch(/^objectives: /m);
    expect(text).toMatch(/^seeds: /m);
  });
});
