/**
 * The pcap importer on every capture in ../shared/data/pcap, against counts verified independently.
 *
 * How the expected numbers were verified (once, by hand; the tests do not need these tools): with tcpdump 4.99.3
 * / libpcap 1.10.3 and tshark (Debian 12 packages),
 *   tcpdump -r FILE -e -n     → packets (lines with "SRC > DST,"), distinct MACs, distinct (src, dst) pairs,
 *                               802.1Q frames ("ethertype 802.1Q"); per-second packet counts with -tt;
 *   tshark -r FILE -T fields -E occurrence=f -e frame.time_epoch -e frame.len -e eth.src -e eth.dst -e eth.type
 *                             → the same packets, MACs and pairs, bytes = sum of frame.len (the original length),
 *                               outer 802.1Q tags (eth.type 0x8100), distinct 1 s and 60 s intervals;
 *   capinfos                  → every file's encapsulation is Ethernet and no record is cut by the snap length
 *                               (frame.len = frame.cap_len), so no packet is skipped as non-Ethernet.
 * tcpdump and tshark agree on every count except tcpreplay/test.pcap's bytes: tcpdump prints an 802.3 frame's
 * length field (1500) as its "length", tshark its frame length (1514); 69000 counts the frame length.
 * ndpi/netbios.pcap and ndpi/snmp.pcap are pcapng files despite their names. "MACs" counts source and destination
 * MACs; the "1kxun.pcap: 36 MACs" is its source MACs (the other 8 are multicast/broadcast destinations).
 * tshark counts 10 VLAN frames in test.pcap: they are inside MPLS pseudowires, not outer tags, so 0 here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openTrace } from "../../src/adapters/trace/reader.js";
import type { TrafficEvent } from "../../src/core/trace/events.js";
import { TraceSummary } from "../../src/core/trace/summary.js";
import { openPcap } from "../../src/importers/pcap.js";
import { writeImported } from "../../src/importers/write.js";
import { dataPath, describeWithData } from "../helpers/data.js";

interface Expected {
  readonly file: string;
  readonly format: "pcap" | "pcapng";
  readonly interfaces: number;
  readonly packets: number;
  readonly bytes: number;
  readonly macs: number;
  readonly sourceMacs: number;
  readonly pairs: number;
  readonly vlanTagged: number;
  /** Distinct 1 s intervals with traffic. */
  readonly intervals: number;
  /** Distinct 60 s intervals with traffic. */
  readonly minutes: number;
}

const CAPTURES: readonly Expected[] = [
  { file: "chrissanders/arppoison.pcapng", format: "pcapng", interfaces: 1, packets: 165, bytes: 62233, macs: 4, sourceMacs: 3, pairs: 5, vlanTagged: 0, intervals: 9, minutes: 1 },
  { file: "chrissanders/http_espn.pcapng", format: "pcapng", interfaces: 1, packets: 956, bytes: 652181, macs: 2, sourceMacs: 2, pairs: 2, vlanTagged: 0, intervals: 3, minutes: 1 },
  { file: "ndpi/1kxun.pcap", format: "pcap", interfaces: 1, packets: 1723, bytes: 2527774, macs: 44, sourceMacs: 36, pairs: 66, vlanTagged: 0, intervals: 99, minutes: 5 },
  { file: "ndpi/netbios.pcap", format: "pcapng", interfaces: 1, packets: 261, bytes: 24812, macs: 14, sourceMacs: 12, pairs: 18, vlanTagged: 1, intervals: 61, minutes: 3 },
  { file: "ndpi/sites.pcapng", format: "pcapng", interfaces: 22, packets: 699, bytes: 374435, macs: 13, sourceMacs: 13, pairs: 17, vlanTagged: 0, intervals: 88, minutes: 40 },
  { file: "ndpi/snmp.pcap", format: "pcapng", interfaces: 1, packets: 72, bytes: 14435, macs: 23, sourceMacs: 17, pairs: 17, vlanTagged: 10, intervals: 27, minutes: 12 },
  { file: "ndpi/syslog.pcap", format: "pcap", interfaces: 1, packets: 94, bytes: 20399, macs: 36, sourceMacs: 20, pairs: 20, vlanTagged: 24, intervals: 55, minutes: 23 },
  { file: "ndpi/telegram.pcap", format: "pcap", interfaces: 1, packets: 1566, bytes: 336825, macs: 13, sourceMacs: 9, pairs: 22, vlanTagged: 0, intervals: 58, minutes: 2 },
  { file: "tcpreplay/test.pcap", format: "pcap", interfaces: 1, packets: 179, bytes: 69000, macs: 15, sourceMacs: 11, pairs: 15, vlanTagged: 0, intervals: 4, minutes: 1 },
];

const dir = mkdtempSync(join(tmpdir(), "vadapt-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithData("pcap importer on the real captures in ../shared/data/pcap", () => {
  it.each(CAPTURES)("$file: counts match tcpdump/tshark and the trace reads back strictly", async (x) => {
    const out = join(dir, `${x.file.replace("/", "_")}.trace`);
    // A small read size so that records straddle chunks throughout.
    const imported = await openPcap(dataPath("pcap", x.file), { chunkBytes: 4093 });
    await writeImported(out, imported);
    const { parse, traffic } = imported.stats;
    expect(parse).toMatchObject({ format: x.format, byteOrder: "little-endian", interfaces: x.interfaces, packets: x.packets, truncatedRecords: 0, clampedTimestamps: 0 });
    expect(traffic).toMatchObject({ frames: x.packets, bytes: x.bytes, macs: x.macs, sourceMacs: x.sourceMacs, pairs: x.pairs, vlanTagged: x.vlanTagged, qinq: 0, skippedShort: 0 });
    expect(traffic.skippedByLinkType.size).toBe(0);

    const reader = await openTrace(out);
    expect(reader.header).toMatchObject({ hosts: [], vms: [], links: [], intervalMs: 1000, startTime: "1970-01-01T00:00:00.000Z" });
    const summary = new TraceSummary(reader.header);
    for await (const batch of reader.batches()) for (const e of batch) summary.add(e);
    const r = summary.result();
    expect(r).toMatchObject({ vms: x.macs, intervals: x.intervals, totalBytes: x.bytes, totalPackets: x.packets, pairs: x.pairs });
    expect(r.events.vm).toBe(x.macs);
    // Only sites.pcapng is out of time order: 3 late reports, one of them for an interval reported before
    // (89 reports of 88 intervals; replaying tshark's timestamp sequence through the rule gives the same).
    expect([r.events.traffic, traffic.lateReports]).toEqual(x.file === "ndpi/sites.pcapng" ? [89, 3] : [x.intervals, 0]);
  });

  it("1kxun.pcap: the busiest second holds exactly the frames tshark lists for it", async () => {
    const imported = await openPcap(dataPath("pcap", "ndpi/1kxun.pcap"));
    let busiest: TrafficEvent | null = null;
    const total = (e: TrafficEvent): number => e.entries.reduce((n, c) => n + c[2], 0);
    for await (const e of imported.events) if (e.type === "traffic" && (busiest === null || total(e) > total(busiest))) busiest = e;
    expect(busiest).toEqual({
      type: "traffic",
      tMs: 1_654_385_148_000,
      startMs: 1_654_385_147_000,
      intervalMs: 1000,
      entries: [
        ["b4:a5:ef:67:28:10", "9c:b6:d0:d3:e3:33", 325393, 65],
        ["9c:b6:d0:d3:e3:33", "b4:a5:ef:67:28:10", 2936, 5],
      ],
    });
  });

  it("sites.pcapng (22 interfaces, nanosecond and microsecond, out of time order): every frame in its own interval", async () => {
    const imported = await openPcap(dataPath("pcap", "ndpi/sites.pcapng"), { intervalMs: 60_000 });
    const starts = new Set<number>();
    let bytes = 0;
    let lastT = 0;
    for await (const e of imported.events) {
      expect(e.tMs).toBeGreaterThanOrEqual(lastT);
      lastT = e.tMs;
      if (e.type !== "traffic") continue;
      expect(e.tMs).toBeGreaterThanOrEqual(e.startMs + e.intervalMs);
      starts.add(e.startMs);
      for (const c of e.entries) bytes += c[2];
    }
    expect(starts.size).toBe(40);
    expect(bytes).toBe(374435);
    expect(imported.warnings.join("\n")).toMatch(/not in time order/);
  });

  it("every capture gives the same intervals at 60 s as tshark", async () => {
    for (const x of CAPTURES) {
      const imported = await openPcap(dataPath("pcap", x.file), { intervalMs: 60_000 });
      const starts = new Set<number>();
      for await (const e of imported.events) if (e.type === "traffic") starts.add(e.startMs);
      expect(starts.size, x.file).toBe(x.minutes);
    }
  });
});
