import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { mbpsToBytes } from "../../src/core/model/traffic.js";
import type { TraceEvent, TrafficEvent } from "../../src/core/trace/events.js";
import { openSndlib, orderSeriesNames, parseDemandMatrixXml } from "../../src/importers/sndlib.js";
import { dataPath, describeWithData } from "../helpers/data.js";

const dynamic = (...p: string[]): string => dataPath("sndlib", "dynamic", ...p);
const network = (name: string): string => dataPath("sndlib", "instances", "xml", name, `${name}.xml`);

function traffic(events: TraceEvent[]): TrafficEvent[] {
  return events.map((e) => {
    if (e.type !== "traffic") throw new Error(`unexpected ${e.type} event`);
    return e;
  });
}

async function collect(events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>, max = Number.POSITIVE_INFINITY): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of events) {
    out.push(e);
    if (out.length >= max) break;
  }
  return out;
}

const totalBytes = (events: TrafficEvent[]): number => events.reduce((s, e) => s + e.entries.reduce((t, c) => t + c[2], 0), 0);

const scratch = mkdtempSync(join(tmpdir(), "vadapt-sndlib-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("SNDlib series ordering", () => {
  it("orders by the YYYYMMDD[-HHMM] stamp, else by name", () => {
    const r = orderSeriesNames(["m-20040302-0000.xml", "m-20040301-2355.xml", "m-20040301-0005.xml"]);
    expect(r.names).toEqual(["m-20040301-0005.xml", "m-20040301-2355.xml", "m-20040302-0000.xml"]);
    expect(r.stamped).toBe(true);
    expect(r.stamps[0]).toBe(Date.UTC(2004, 2, 1, 0, 5));
    expect(orderSeriesNames(["b10.xml", "b9.xml"])).toMatchObject({ names: ["b9.xml", "b10.xml"], stamped: false });
  });
});

describeWithData("SNDlib dynamic demand matrices (real files)", () => {
  it("parses one matrix: time, interval, 12 nodes, demands in Mbit/s", () => {
    const f = dynamic("abilene_5min_20040301", "demandMatrix-abilene-zhang-5min-20040301-0000.xml");
    const m = parseDemandMatrixXml(readFileSync(f, "utf8"), f);
    expect(m.epochMs).toBe(Date.UTC(2004, 2, 1));
    expect(m.intervalMs).toBe(300_000);
    expect(m.network.nodes).toHaveLength(12);
    expect(m.network.links).toHaveLength(0);
    expect(m.network.demands).toHaveLength(132);
    expect(m.network.demands[0]).toMatchObject({ source: "ATLAM5", target: "ATLAng", valueMbps: 0.522208 });
  });

  it("imports the Abilene day: 288 five-minute matrices, 37,982 demands, 871,776 Mbit/s summed", async () => {
    const r = await openSndlib(dynamic("abilene_5min_20040301"), { network: network("abilene") });
    expect(r.header.startTime).toBe("2004-03-01T00:00:00.000Z");
    expect(r.header.intervalMs).toBe(300_000);
    expect([r.header.hosts.length, r.header.vms.length, r.header.links.length]).toEqual([12, 12, 30]);
    expect(r.header.meta).toMatchObject({ kind: "series", matrices: 288, first: "2004-03-01T00:00:00.000Z", last: "2004-03-01T23:55:00.000Z" });
    const ev = traffic(await collect(r.events));
    expect(ev).toHaveLength(288);
    expect(ev[0]).toMatchObject({ tMs: 300_000, startMs: 0, intervalMs: 300_000 });
    expect(ev.at(-1)).toMatchObject({ startMs: 287 * 300_000, tMs: 288 * 300_000 });
    expect(ev.every((e, i) => e.startMs === i * 300_000)).toBe(true);
    expect(ev.reduce((s, e) => s + e.entries.length, 0)).toBe(37_982);
    expect(totalBytes(ev) / mbpsToBytes(1, 300_000)).toBeCloseTo(871_776.4176389981, 4);
    expect(r.warnings).toEqual([]);
  });

  it("imports the GEANT day: 96 fifteen-minute matrices over 22 nodes (hosts and links from geant.xml)", async () => {
    const r = await openSndlib(dynamic("geant_15min_20050505"), { network: network("geant") });
    expect([r.header.hosts.length, r.header.links.length]).toEqual([22, 72]);
    expect(r.header.meta).toMatchObject({ matrices: 96, first: "2005-05-05T00:00:00.000Z", last: "2005-05-05T23:45:00.000Z" });
    const ev = traffic(await collect(r.events));
    expect(ev).toHaveLength(96);
    expect(ev.at(-1)!.startMs).toBe(95 * 900_000);
    expect(ev.reduce((s, e) => s + e.entries.length, 0)).toBe(41_727);
    expect(totalBytes(ev) / mbpsToBytes(1, 900_000)).toBeCloseTo(4_649_916.353154943, 3);
  });

  it("imports germany50's 28 daily matrices; without --network, hosts come from the matrices and a warning says there are no links", async () => {
    const r = await openSndlib(dynamic("germany50_1day_200502"));
    expect([r.header.hosts.length, r.header.links.length]).toEqual([50, 0]);
    expect(r.header.hosts[0]).toMatchObject({ id: "Aachen", lat: 50.76, lon: 6.04 });
    expect(r.warnings.join("\n")).toMatch(/no links.*--network/);
    expect(r.header.meta).toMatchObject({ matrices: 28, first: "2005-02-01T00:00:00.000Z", last: "2005-02-28T00:00:00.000Z" });
    const ev = traffic(await collect(r.events));
    expect(ev).toHaveLength(28);
    expect(ev[27]!.startMs).toBe(27 * 86_400_000);
    expect(ev.reduce((s, e) => s + e.entries.length, 0)).toBe(55_471);
    expect(totalBytes(ev) / mbpsToBytes(1, 86_400_000)).toBeCloseTo(146_819.461540997, 4);
    // The matrices' nodes are exactly germany50.xml's: the network file can supply the links.
    const withNet = await openSndlib(dynamic("germany50_1day_200502"), { network: network("germany50") });
    expect(withNet.header.links).toHaveLength(176);
  });

  it("rejects a matrix naming a node the network lacks, naming the file", async () => {
    const dir = join(scratch, "mixed");
    mkdirSync(dir, { recursive: true });
    const src = dynamic("abilene_5min_20040301");
    const [a, b] = readdirSync(src).sort() as [string, string];
    writeFileSync(join(dir, a), readFileSync(join(src, a)));
    writeFileSync(join(dir, b), readFileSync(join(src, b), "utf8").replaceAll("NYCMng", "NYCMxx"));
    const r = await openSndlib(dir);
    const err = await collect(r.events).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location.file).toBe(join(dir, b));
    expect((err as InputError).message).toMatch(/node 'NYCMxx' is not in the network/);
  });
});
