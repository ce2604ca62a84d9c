import { DirectedGraph } from "graphology";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { syntheticMac, vmId, type VmId } from "../../../src/core/model/ids.js";
import { Demand } from "../../../src/core/model/problem.js";
import { createRng } from "../../../src/core/rng.js";
import { generateBspTrace } from "../../../src/core/synth/bsp-trace.js";
import { TrafficAggregator } from "../../../src/core/vttif/aggregate.js";
import { classifyTraffic } from "../../../src/core/vttif/classify.js";
import { demandsFrom } from "../../../src/core/vttif/demands.js";
import { toGEXF, toGraphML, toJSON } from "../../../src/core/vttif/export.js";
import { topologyGraph } from "../../../src/core/vttif/graph.js";
import { generatePattern } from "../../../src/core/vttif/patterns.js";
import { inferTopology, PhaseTracker } from "../../../src/core/vttif/phases.js";

const vmsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ id: vmId(`vm${i}`), mac: syntheticMac(i) }));

describe("demands", () => {
  it("lists one demand per direction of each kept pair, heaviest first, valid for the solver", () => {
    const n = 4;
    const m = new Float64Array(n * n);
    m[0 * n + 1] = 10;
    m[1 * n + 0] = 5;
    m[2 * n + 3] = 10;
    m[3 * n + 0] = 0.001;
    const ids: VmId[] = ["a", "b", "c", "d"].map(vmId);
    const kept = { a: Int32Array.of(0, 2), b: Int32Array.of(1, 3), count: 2 };
    const d = demandsFrom(m, n, ids, kept);
    expect(d).toEqual([
      { src: "a", dst: "b", mbps: 10 },
      { src: "c", dst: "d", mbps: 10 },
      { src: "b", dst: "a", mbps: 5 },
    ]);
    for (const x of d) expect(Demand.safeParse(x).success).toBe(true);
    expect(demandsFrom(m, n, ids, null)).toHaveLength(4);
    expect(demandsFrom(m, n, ids, null, { minMbps: 1 })).toHaveLength(3);
  });
});

describe("graph and exports", () => {
  const n = 12;
  const p = generatePattern("ring", n, createRng(2), { nominal: 5 });
  const c = classifyTraffic(p.matrix, n);
  const vms = vmsOf(n);
  const g = topologyGraph(vms, p.matrix, n, c);

  it("builds a directed graphology graph with the ring order on nodes", () => {
    expect(g).toBeInstanceOf(DirectedGraph);
    expect(g.order).toBe(12);
    expect(g.size).toBe(24);
    expect(g.getAttribute("class")).toBe("ring");
    const orders = g.mapNodes((_, a) => a.order as number).sort((x, y) => x - y);
    expect(orders).toEqual(Array.from({ length: 12 }, (_, k) => k));
  });

  it("writes GraphML and GEXF that parse as XML with every node and edge, and JSON that round-trips", () => {
    const parser = new XMLParser({ ignoreAttributes: false });
    const gml = parser.parse(toGraphML(g));
    expect(gml.graphml.graph.node).toHaveLength(12);
    expect(gml.graphml.graph.edge).toHaveLength(24);
    expect(gml.graphml.key.some((k: Record<string, string>) => k["@_attr.name"] === "mbps" && k["@_attr.type"] === "double")).toBe(true);
    const gexf = parser.parse(toGEXF(g));
    expect(gexf.gexf.graph.nodes.node).toHaveLength(12);
    expect(gexf.gexf.graph.edges.edge).toHaveLength(24);
    const back = DirectedGraph.from(JSON.parse(toJSON(g)));
    expect(back.order).toBe(12);
    expect(back.size).toBe(24);
    expect(back.getAttribute("class")).toBe("ring");
  });

  it("escapes XML special characters", () => {
    const h = new DirectedGraph();
    h.addNode('a<&>"b', { note: "x<y" });
    expect(toGraphML(h)).toContain('id="a&lt;&amp;&gt;&quot;b"');
    expect(toGEXF(h)).toContain('value="x&lt;y"');
  });
});

describe("phases of a BSP trace", () => {
  it("splits a ring -> mesh2d -> all-to-all trace into three phases and recognises each", () => {
    const t = generateBspTrace(
      { vms: 16, hosts: 4, phases: [{ pattern: "ring", intervals: 15 }, { pattern: "mesh2d", intervals: 15 }, { pattern: "all-to-all", intervals: 15 }], dupProb: 0.1, noise: 0.2 },
      createRng(5),
    );
    const agg = new TrafficAggregator(t.header.vms, { intervalMs: 1000 });
    const tracker = new PhaseTracker({ change: { hold: 2 } });
    for (const e of t.events) if (e.type === "traffic") for (const iv of agg.add(e)) tracker.push(iv);
    for (const iv of agg.flush()) tracker.push(iv);
    const phases = tracker.finish();
    expect(phases.map((ph) => ph.intervals)).toEqual([15, 15, 15]);
    expect(phases.map((ph) => ph.change?.reactionIntervals ?? null)).toEqual([null, 2, 2]);
    const ids = t.header.vms.map((v) => v.id);
    const got = phases.map((ph) => inferTopology(ph.meanMbps, ph.n, ids));
    expect(got.map((x) => x.classification.class)).toEqual(["ring", "mesh2d", "all-to-all"]);
    expect(got[1]!.classification.mapping).toMatchObject({ kind: "lattice", dims: [4, 4] });
    // The ring's demands: 16 VMs x 2 neighbours, data one way plus ACKs back on each pair.
    expect(got[0]!.demands).toHaveLength(32);
  });
});
