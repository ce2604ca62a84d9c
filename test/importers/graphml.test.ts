import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { greatCircleLatencyMs } from "../../src/core/geo.js";
import { DEFAULT_ZOO_LATENCY_MS, DEFAULT_ZOO_MBPS, openGraphml, parseGraphml, SpeedSource, zooOverlay } from "../../src/importers/graphml.js";
import { dataPath, describeWithData, HAVE_SHARED_DATA } from "../helpers/data.js";

const zoo = (name: string): string => dataPath("topology-zoo", "graphml", `${name}.graphml`);
const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

const GRAPHML = `<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="d1" />
  <key attr.name="LinkSpeed" attr.type="string" for="edge" id="d2" />
  <key attr.name="LinkSpeedUnits" attr.type="string" for="edge" id="d3" />
  <key attr.name="Latitude" attr.type="double" for="node" id="d4" />
  <key attr.name="Longitude" attr.type="double" for="node" id="d5" />
  <key attr.name="label" attr.type="string" for="node" id="d6" />
  <key attr.name="label" attr.type="string" for="graph" id="d7" />
  <key attr.name="Type" attr.type="string" for="node" id="d8"><default>PoP</default></key>
  <graph edgedefault="undirected">
    <data key="d7">Tiny</data>
    <node id="0"><data key="d4">51.5074</data><data key="d5">-0.1278</data><data key="d6">London</data></node>
    <node id="1"><data key="d4">48.8566</data><data key="d5">2.3522</data><data key="d6">Paris</data></node>
    <node id="2"><data key="d6">Nowhere</data><data key="d99">?</data></node>
    <edge source="0" target="1"><data key="d1">10000000000.0</data></edge>
    <edge source="0" target="1"><data key="d1">2500000000.0</data></edge>
    <edge source="1" target="2"><data key="d2">155</data><data key="d3">M</data></edge>
    <edge source="2" target="0" />
    <edge source="2" target="2"><data key="d1">1e9</data></edge>
    <hyperedge><endpoint node="0"/><endpoint node="1"/><endpoint node="2"/></hyperedge>
  </graph>
</graphml>
`;

describe("GraphML parser (crafted input)", () => {
  it("reads nodes, edges, speeds, coordinates, key defaults; skips what it cannot use, with warnings", () => {
    const net = parseGraphml(GRAPHML, "tiny.graphml");
    expect(net.name).toBe("Tiny");
    expect(net.directed).toBe(false);
    expect(net.nodes.map((n) => [n.id, n.label, n.lat, n.lon])).toEqual([
      ["0", "London", 51.5074, -0.1278],
      ["1", "Paris", 48.8566, 2.3522],
      ["2", "Nowhere", undefined, undefined],
    ]);
    expect(net.nodes[0]!.data.Type).toBe("PoP");
    expect(net.edges.map((e) => [e.source, e.target, e.speedMbps, e.speedFrom])).toEqual([
      ["0", "1", 10_000, SpeedSource.LinkSpeedRaw],
      ["0", "1", 2500, SpeedSource.LinkSpeedRaw],
      ["1", "2", 155, SpeedSource.LinkSpeed],
      ["2", "0", undefined, undefined],
      ["2", "2", 1000, SpeedSource.LinkSpeedRaw],
    ]);
    const w = net.warnings.join("\n");
    expect(w).toMatch(/1 <hyperedge>\(s\) skipped/);
    expect(w).toMatch(/undeclared key\(s\) d99/);
  });

  it("builds overlay links: both ways, parallel edges summed, self-loops skipped, defaults named in warnings", () => {
    const net = parseGraphml(GRAPHML, "tiny.graphml");
    const { hosts, links, warnings } = zooOverlay(net, { defaultMbps: 100, defaultLatencyMs: 7 });
    expect(hosts.map((h) => [h.id, h.site, h.lat])).toEqual([
      ["0", "London", 51.5074],
      ["1", "Paris", 48.8566],
      ["2", "Nowhere", undefined],
    ]);
    expect(links.map((l) => [l.from, l.to, l.mbps, l.latencyMs])).toEqual([
      ["0", "1", 12_500, Math.round(greatCircleLatencyMs({ lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }) * 1000) / 1000],
      ["1", "0", 12_500, links[0]!.latencyMs],
      ["1", "2", 155, 7],
      ["2", "1", 155, 7],
      ["2", "0", 100, 7],
      ["0", "2", 100, 7],
    ]);
    expect(links[0]!.latencyMs).toBeCloseTo(1.72, 2);
    const w = warnings.join("\n");
    expect(w).toMatch(/1 self-loop edge\(s\) skipped: Nowhere \(2\)/);
    expect(w).toMatch(/1 parallel edge\(s\) merged/);
    expect(w).toMatch(/1 edge\(s\) without LinkSpeedRaw took their speed from LinkSpeed/);
    expect(w).toMatch(/1 of 4 edge\(s\) have no link speed and get 100 Mbit\/s: Nowhere \(2\)-London \(0\)/);
    expect(w).toMatch(/1 of 3 node\(s\) have no Latitude\/Longitude: Nowhere \(2\); 4 link direction\(s\) touching them get the default latency 7 ms/);
  });

  it("honours directed edges", () => {
    const t = GRAPHML.replace('edgedefault="undirected"', 'edgedefault="directed"').replace('<edge source="2" target="0" />', '<edge source="2" target="0" directed="false" />');
    const { links } = zooOverlay(parseGraphml(t, "d.graphml"));
    expect(links.map((l) => `${l.from}>${l.to}`)).toEqual(["0>1", "1>2", "2>0", "0>2"]);
    expect(links[2]!.mbps).toBe(DEFAULT_ZOO_MBPS);
    expect(links[2]!.latencyMs).toBe(DEFAULT_ZOO_LATENCY_MS);
  });

  it("reports bad files with file, line and element", () => {
    const lineOf = (t: string, needle: string): number => t.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const dangling = GRAPHML.replace('<edge source="2" target="0" />', '<edge source="2" target="9" />');
    expect(() => parseGraphml(dangling, "x.graphml")).toThrow(`x.graphml:${lineOf(dangling, 'target="9"')}: field 'graphml.graph[0].edge[3].@target': edge names unknown node '9'`);
    const dup = GRAPHML.replace('<node id="2">', '<node id="1">');
    expect(() => parseGraphml(dup, "x.graphml")).toThrow(`x.graphml:${lineOf(dup, 'id="1"><data key="d6">Nowhere')}: field 'graphml.graph[0].node[2].@id': duplicate node id '1'`);
    expect(() => parseGraphml(GRAPHML.replace("</graph>", ""), "x.graphml")).toThrow(/x\.graphml:\d+: not well-formed XML/);
    expect(() => parseGraphml("<graphml><key id='k'/></graphml>", "x.graphml")).toThrow(/no <graph> element/);
    expect(() => parseGraphml("<network/>", "x.graphml")).toThrow(/not a GraphML file/);
  });

  it("never throws an untyped exception on random, truncated or edited input", () => {
    const check = (t: string): void => {
      try {
        parseGraphml(t, "f.graphml");
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`untyped exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        expect(e.location.file).toBe("f.graphml");
        expect(e.location.line !== undefined || (e.location.field ?? "") !== "", e.message).toBe(true);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 300 }), check), { numRuns: 300 });
    for (let i = 0; i <= GRAPHML.length; i++) check(GRAPHML.slice(0, i));
    const piece = fc.oneof(
      fc.constantFrom("<node id='3'/>", "<edge source='0' target='0'/>", "<data key='d4'>x</data>", "<graph>", "</graph>", "<", ">", '"', "<key/>", "<hyperedge/>", "<port name='p'/>"),
      fc.string({ maxLength: 8 }),
    );
    const edit = fc.tuple(fc.nat({ max: GRAPHML.length }), fc.nat({ max: 30 }), fc.array(piece, { maxLength: 5 }).map((p) => p.join("")));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let t = GRAPHML;
        for (const [at, len, ins] of edits) t = t.slice(0, Math.min(at, t.length)) + ins + t.slice(Math.min(t.length, at + len));
        check(t);
      }),
      { numRuns: 500 },
    );
    if (HAVE_SHARED_DATA) {
      const real = readFileSync(zoo("Geant2009"), "utf8");
      fc.assert(fc.property(fc.nat({ max: real.length }), (n) => check(real.slice(0, n))), { numRuns: 200 });
    }
  });
});

describeWithData("Topology Zoo (real files)", () => {
  it("parses all 276 files without an exception; 29 have a speed on every edge", async () => {
    const files = readdirSync(dataPath("topology-zoo", "graphml")).filter((f) => f.endsWith(".graphml"));
    expect(files).toHaveLength(276);
    let nodes = 0;
    let edges = 0;
    let allSpeeds = 0;
    let withWarnings = 0;
    for (const f of files) {
      const r = await openGraphml(dataPath("topology-zoo", "graphml", f));
      nodes += r.header.hosts.length;
      edges += Number(r.header.meta?.edges);
      if (r.header.meta?.edges !== 0 && r.header.meta?.edgesWithSpeed === r.header.meta?.edges) allSpeeds++;
      if (r.warnings.length > 0) withWarnings++;
      expect(r.header.links.every((l) => l.mbps > 0 && l.latencyMs >= 0 && l.from !== l.to), f).toBe(true);
    }
    expect([nodes, edges, allSpeeds]).toEqual([10_952, 13_976, 29]);
    expect(withWarnings).toBeGreaterThan(200);
  });

  it("reads Geant2009: 34 nodes all placed, 52 edges all with speeds (41 at 10 Gbit/s), 104 overlay links, no warnings", async () => {
    const net = parseGraphml(readFileSync(zoo("Geant2009"), "utf8"), "Geant2009.graphml");
    expect([net.name, net.nodes.length, net.edges.length]).toEqual(["Geant2009", 34, 52]);
    const speeds = net.edges.map((e) => e.speedMbps!);
    expect(sum(speeds)).toBe(425_710);
    expect(speeds.filter((s) => s === 10_000)).toHaveLength(41);
    expect(speeds.filter((s) => s === 2500)).toHaveLength(6);
    expect(speeds.filter((s) => s === 45)).toHaveLength(2);
    const r = await openGraphml(zoo("Geant2009"));
    expect(r.header.links).toHaveLength(104);
    expect(r.warnings).toEqual([]);
    // The first edge, Netherlands–Belgium: 173.5 km of great circle.
    const nl = r.header.hosts.find((h) => h.id === "0")!;
    expect(nl.site).toBe("NL");
    const l = r.header.links.find((x) => x.from === "0" && x.to === "1")!;
    expect(l.mbps).toBe(10_000);
    expect(l.latencyMs).toBeCloseTo(0.868, 3);
  });

  it("reads Renater2010 and SwitchL3 speeds, and warns about their unplaced nodes", async () => {
    const ren = await openGraphml(zoo("Renater2010"));
    expect([ren.header.hosts.length, ren.header.meta?.edges, ren.header.links.length]).toEqual([43, 56, 112]);
    expect(ren.header.links.every((l) => l.mbps === 155)).toBe(true);
    expect(ren.warnings).toHaveLength(1);
    expect(ren.warnings[0]).toMatch(/6 of 43 node\(s\) have no Latitude\/Longitude: .*Geant2 \(24\).*16 link direction\(s\) touching them get the default latency 1 ms/);
    const sw = await openGraphml(zoo("SwitchL3"));
    expect([sw.header.hosts.length, sw.header.meta?.edges, sw.header.meta?.nodesWithCoordinates]).toEqual([42, 63, 30]);
    expect(sum(sw.header.links.map((l) => l.mbps)) / 2).toBe(281_000);
  });

  it("warns about missing speeds (Abilene), missing coordinates (Internet2) and merges multi-edges (Cogentco)", async () => {
    const ab = await openGraphml(zoo("Abilene"));
    expect([ab.header.hosts.length, ab.header.links.length]).toEqual([11, 28]);
    expect(ab.warnings.join("\n")).toMatch(/14 of 14 edge\(s\) have no link speed and get 1000 Mbit\/s: New York \(0\)-Chicago \(1\)/);
    const i2 = await openGraphml(zoo("Internet2"), { defaultLatencyMs: 5 });
    expect(i2.warnings.join("\n")).toMatch(/20 of 20 node\(s\) have no Latitude\/Longitude/);
    expect(i2.header.links.every((l) => l.latencyMs === 5)).toBe(true);
    const co = await openGraphml(zoo("Cogentco"));
    expect([co.header.hosts.length, co.header.meta?.edges, co.header.links.length]).toEqual([197, 245, 486]);
    expect(co.warnings.join("\n")).toMatch(/2 parallel edge\(s\) merged/);
  });
});
