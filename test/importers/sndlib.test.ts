import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { greatCircleLatencyMs } from "../../src/core/geo.js";
import { syntheticMac } from "../../src/core/model/ids.js";
import { mbpsToBytes } from "../../src/core/model/traffic.js";
import type { TraceEvent } from "../../src/core/trace/events.js";
import {
  CapacityRule,
  openSndlib,
  parseGranularityMs,
  parseSndlib,
  parseSndlibNative,
  parseSndlibTime,
  parseSndlibXml,
  SndlibCoordinates,
  type SndlibNetwork,
} from "../../src/importers/sndlib.js";
import { dataPath, describeWithData } from "../helpers/data.js";

const instances = (kind: "native" | "xml", name: string): string => dataPath("sndlib", "instances", kind, name, `${name}.${kind === "native" ? "txt" : "xml"}`);
const native = (name: string): SndlibNetwork => parseSndlibNative(readFileSync(instances("native", name), "utf8"), `${name}.txt`);
const xml = (name: string): SndlibNetwork => parseSndlibXml(readFileSync(instances("xml", name), "utf8"), `${name}.xml`);
const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

async function collect(events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const NATIVE_HEAD = "?SNDlib native format; type: network; version: 1.0\n";

describe("SNDlib native parser (crafted input)", () => {
  const text = `${NATIVE_HEAD}# network tiny
META (
  unit = BITSPERSEC
)
NODES (
  A ( 13.40 52.52 )   # Berlin
  B ( 2.35 48.86 ) ( ) ( )
  C
)
LINKS (
  L1 ( A B ) 0.00 0.00 1.00 0.00 ( 2000000000.00 5.0 1000000000.00 3.0 )
  L2 ( B C ) 155000000.00 0.00 0.00 0.00 ( )
)
DEMANDS (
  D1 ( A B ) 1 5000000.00 UNLIMITED
  D2 ( B A ) 2 1000000.00 3
)
ADMISSIBLE_PATHS (
  D1 (
    P1 ( L1 )
  )
)
`;
  it("reads nodes, links, demands, converting units to Mbit/s and choosing capacities", () => {
    const net = parseSndlibNative(text, "tiny.txt");
    expect(net.nodes).toEqual([{ id: "A", x: 13.4, y: 52.52 }, { id: "B", x: 2.35, y: 48.86 }, { id: "C" }]);
    expect(net.unit).toEqual({ name: "BITSPERSEC", mbpsPerUnit: 1e-6, assumed: false });
    expect(net.links.map((l) => [l.id, l.capacityMbps, l.capacityRule])).toEqual([
      ["L1", 1000, CapacityRule.SmallestModule],
      ["L2", 155, CapacityRule.PreInstalled],
    ]);
    expect(net.links[0]!.routingCost).toBe(1);
    expect(net.demands.map((d) => [d.id, d.valueMbps, d.maxPathLength])).toEqual([
      ["D1", 5, undefined],
      ["D2", 2, 3],
    ]);
    expect(net.coordinates).toBe(SndlibCoordinates.Geographical);
    expect(net.warnings).toEqual([]);
  });

  it("names file, line and field in errors", () => {
    const bad = (t: string): InputError => {
      try {
        parseSndlibNative(t, "bad.txt");
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return e as InputError;
      }
      throw new Error("expected an InputError");
    };
    const lines = text.split("\n");
    const at = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;
    let e = bad(text.replace("L2 ( B C ) 155000000.00", "L2 ( B C ) lots"));
    expect(e.location).toMatchObject({ file: "bad.txt", line: at("L2 ( B C )"), field: "LINKS.pre_installed_capacity" });
    e = bad(text.replace("D2 ( B A )", "D2 ( B Z )"));
    expect(e.location).toMatchObject({ line: at("D2 ( B A )"), field: "DEMANDS.target" });
    expect(e.message).toContain("unknown node 'Z'");
    e = bad(text.replace("  C\n", "  A ( 1 2 )\n"));
    expect(e.message).toContain("duplicate node 'A'");
    e = bad(text.slice(0, text.indexOf("DEMANDS")));
    expect(e.message).toMatch(/DEMANDS is missing/);
    e = bad(text.slice(0, text.indexOf("D2 (")));
    expect(e.message).toMatch(/section DEMANDS is not closed/);
    e = bad("hello\n");
    expect(e.location.line).toBe(1);
  });

  it("assumes Mbit/s, with a warning, when META names no unit; detects planar coordinates", () => {
    const net = parseSndlibNative(`${NATIVE_HEAD}NODES (\n  N1 ( 283.00 248.00 )\n  N2 ( 56 31 )\n)\nLINKS (\n)\nDEMANDS (\n)\n`, "p.txt");
    expect(net.unit.assumed).toBe(true);
    expect(net.coordinates).toBe(SndlibCoordinates.Pixel);
    expect(net.warnings.join("\n")).toMatch(/no META unit.*Mbit\/s/);
    expect(net.warnings.join("\n")).toMatch(/planar/);
  });

  it("imports a crafted network as a trace: self demands left out, duplicate pairs summed, unplaced node gets the default latency", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vadapt-sndlib-test-"));
    try {
      const file = join(dir, "tiny.txt");
      writeFileSync(file, text.replace("  D2 ( B A )", "  D3 ( A A ) 1 9.0 UNLIMITED\n  D4 ( A B ) 1 1000000.00 UNLIMITED\n  D2 ( B A )"));
      const r = await openSndlib(file, { intervalMs: 2000, defaultLatencyMs: 4 });
      expect(r.header.intervalMs).toBe(2000);
      expect(r.header.hosts.map((h) => [h.id, h.lat])).toEqual([["A", 52.52], ["B", 48.86], ["C", undefined]]);
      expect(r.header.links.map((l) => [l.from, l.to, l.mbps, l.latencyMs > 4])).toEqual([
        ["A", "B", 1000, true],
        ["B", "A", 1000, true],
        ["B", "C", 155, false],
        ["C", "B", 155, false],
      ]);
      expect(r.header.links[2]!.latencyMs).toBe(4);
      const w = r.warnings.join("\n");
      expect(w).toMatch(/2 link direction\(s\) touch nodes without coordinates and get the default latency 4 ms: B->C, C->B/);
      expect(w).toMatch(/1 demand\(s\) from a node to itself left out/);
      const [e] = await collect(r.events);
      if (e?.type !== "traffic") throw new Error("expected a traffic event");
      expect(e.entries).toEqual([
        [syntheticMac(1), syntheticMac(2), mbpsToBytes(6, 2000), 0],
        [syntheticMac(2), syntheticMac(1), mbpsToBytes(2, 2000), 0],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("parses SNDlib time stamps and granularities", () => {
    expect(parseSndlibTime("20040301-0005")).toBe(Date.UTC(2004, 2, 1, 0, 5));
    expect(parseSndlibTime("20050228")).toBe(Date.UTC(2005, 1, 28));
    expect(parseSndlibTime("20050230")).toBeUndefined();
    expect(parseSndlibTime("2004")).toBeUndefined();
    expect(parseGranularityMs("5min")).toBe(300_000);
    expect(parseGranularityMs("15min")).toBe(900_000);
    expect(parseGranularityMs("1day")).toBe(86_400_000);
    expect(parseGranularityMs("6month")).toBeUndefined();
  });
});

describeWithData("SNDlib networks (real files)", () => {
  const names = readdirSync(dataPath("sndlib", "instances", "native")).sort();

  it("has the 26 networks in native form and 25 in XML (pioro40 has no XML form)", () => {
    expect(names).toHaveLength(26);
    expect(names.filter((n) => existsSync(instances("xml", n)))).toHaveLength(25);
    expect(existsSync(instances("xml", "pioro40"))).toBe(false);
  });

  it("parses every native and XML network, and the two forms agree", () => {
    for (const name of names) {
      const a = native(name);
      expect(a.nodes.length, name).toBeGreaterThan(0);
      expect(a.demands.length, name).toBeGreaterThan(0);
      if (!existsSync(instances("xml", name))) continue;
      const b = xml(name);
      expect([b.nodes.length, b.links.length, b.demands.length], name).toEqual([a.nodes.length, a.links.length, a.demands.length]);
      expect(b.nodes, name).toEqual(a.nodes);
      expect(b.links.map((l) => [l.id, l.source, l.target, l.capacityMbps, l.capacityRule]), name).toEqual(
        a.links.map((l) => [l.id, l.source, l.target, l.capacityMbps, l.capacityRule]),
      );
      expect(b.demands.map((d) => [d.id, d.source, d.target, d.valueMbps]), name).toEqual(a.demands.map((d) => [d.id, d.source, d.target, d.valueMbps]));
      // Native files do not declare the kind of coordinates: the range-based detection matches XML's coordinatesType.
      expect(a.coordinates, name).toBe(b.coordinates);
    }
  });

  it("reads abilene: 12 nodes, 15 links with real (pre-installed) capacities, 132 demands, 3 Tbit/s in total", () => {
    for (const net of [native("abilene"), xml("abilene")]) {
      expect([net.nodes.length, net.links.length, net.demands.length]).toEqual([12, 15, 132]);
      expect(net.unit).toEqual({ name: "MBITPERSEC", mbpsPerUnit: 1, assumed: false });
      expect(net.links.every((l) => l.capacityRule === CapacityRule.PreInstalled)).toBe(true);
      const l = net.links.find((x) => x.id === "ATLAng_IPLSng")!;
      expect([l.capacityMbps, l.modules[0]?.capacityMbps]).toEqual([2480, 40000]);
      expect(sum(net.demands.map((d) => d.valueMbps))).toBe(3_000_002);
      expect(net.coordinates).toBe(SndlibCoordinates.Geographical);
    }
  });

  it("reads geant (22 nodes, 36 links, 462 demands) and germany50 (50, 88, 662)", () => {
    const g = native("geant");
    expect([g.nodes.length, g.links.length, g.demands.length]).toEqual([22, 36, 462]);
    expect(sum(g.demands.map((d) => d.valueMbps))).toBe(2_999_992);
    expect(g.links.every((l) => l.capacityRule === CapacityRule.SmallestModule && l.capacityMbps === 40_000)).toBe(true);
    const d = native("germany50");
    expect([d.nodes.length, d.links.length, d.demands.length]).toEqual([50, 88, 662]);
    expect(sum(d.demands.map((x) => x.valueMbps))).toBe(2365);
    expect(d.unit.assumed).toBe(true);
    expect(d.warnings.join("\n")).toMatch(/no META unit/);
  });

  it("converts brain's BITSPERSEC to Mbit/s", () => {
    const b = native("brain");
    expect([b.nodes.length, b.links.length, b.demands.length]).toEqual([161, 332, 14311]);
    expect(b.unit.mbpsPerUnit).toBe(1e-6);
    expect(b.links[0]!.capacityMbps).toBe(1000);
    expect(sum(b.demands.map((d) => d.valueMbps))).toBeCloseTo(12_323.319745, 6);
  });

  it("reads pioro40 (native only, 3.5 MB with admissible paths) and ta2's mix of capacity rules", () => {
    const p = native("pioro40");
    expect([p.nodes.length, p.links.length, p.demands.length]).toEqual([40, 89, 780]);
    expect(p.coordinates).toBe(SndlibCoordinates.Pixel);
    const t = native("ta2");
    const rules = t.links.map((l) => l.capacityRule);
    expect(rules.filter((r) => r === CapacityRule.PreInstalled)).toHaveLength(71);
    expect(rules.filter((r) => r === CapacityRule.SmallestModule)).toHaveLength(37);
  });

  it("imports abilene as a trace: 12 hosts with lat/lon, 12 VMs, 30 overlay links, one traffic event", async () => {
    const r = await openSndlib(instances("native", "abilene"));
    const h = r.header;
    expect([h.hosts.length, h.vms.length, h.links.length]).toEqual([12, 12, 30]);
    expect(h.hosts[0]).toMatchObject({ id: "ATLAM5", lat: 33.75, lon: -84.3833 });
    expect(h.vms[0]).toMatchObject({ id: "ATLAM5", mac: syntheticMac(1), host: "ATLAM5" });
    const l = h.links.find((x) => x.from === "LOSAng" && x.to === "HSTNng")!;
    expect(l.mbps).toBe(9920);
    expect(l.latencyMs).toBeCloseTo(greatCircleLatencyMs({ lat: 34.05, lon: -118.25 }, { lat: 29.770031, lon: -95.517364 }), 2);
    expect(h.links.find((x) => x.from === "HSTNng" && x.to === "LOSAng")!.mbps).toBe(9920);
    expect(r.warnings).toEqual([]);
    const events = await collect(r.events);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    if (e.type !== "traffic") throw new Error("expected a traffic event");
    expect([e.tMs, e.startMs, e.intervalMs, e.entries.length]).toEqual([1000, 0, 1000, 132]);
    expect(sum(e.entries.map((c) => c[2]))).toBe(mbpsToBytes(3_000_002, 1000));
    expect(e.entries.every((c) => c[3] === 0)).toBe(true);
  });

  it("takes each link of a network listed in both orientations as one direction (janos-us), planar networks get the default latency", async () => {
    const j = await openSndlib(instances("xml", "janos-us"));
    expect(j.header.links).toHaveLength(84);
    expect(j.warnings.join("\n")).toMatch(/84 links come in pairs of opposite orientation/);
    const z = await openSndlib(instances("native", "zib54"), { defaultLatencyMs: 2.5 });
    // 81 links, one node pair twice in the same orientation: 80 pairs, both ways.
    expect(z.header.links).toHaveLength(160);
    expect(z.header.links.every((l) => l.latencyMs === 2.5)).toBe(true);
    expect(z.warnings.join("\n")).toMatch(/planar \(pixels\)/);
    expect(z.warnings.join("\n")).toMatch(/1 node pair\(s\) have parallel links.*N21-N52/);
    expect(z.header.links.find((l) => l.from === "N52" && l.to === "N21")!.mbps).toBe(2 * 2016);
  });

  it("tells native from XML by content and rejects other text", () => {
    expect(parseSndlib(readFileSync(instances("xml", "polska"), "utf8"), "polska.xml").nodes).toHaveLength(12);
    expect(parseSndlib(readFileSync(instances("native", "polska"), "utf8"), "polska.txt").nodes).toHaveLength(12);
    expect(() => parseSndlib("a,b,c\n", "x.csv")).toThrow(InputError);
  });
});
