import { describe, expect, it } from "vitest";
import { macFromKey, macKey, vlanTagCount } from "../../src/core/capture/ethernet.js";
import { PcapParser } from "../../src/core/capture/pcap-parser.js";
import { InputError } from "../../src/core/errors.js";
import { decodeHeader, encodeLine, makeHeader, TraceDecoder } from "../../src/core/trace/codec.js";
import type { TraceEvent, TrafficEvent } from "../../src/core/trace/events.js";
import { concat, epb, ethFrame, idb, otherBlock, pb, pcapFile, shb, spb } from "./pcap-build.js";
import { feed, importBytes, parsePackets } from "./pcap-parse.js";

const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";
const C = "02:00:00:00:00:0c";
const BCAST = "ff:ff:ff:ff:ff:ff";

function expectCaptureError(f: () => unknown, offset: number, reason: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.code).toBe("E_BAD_CAPTURE");
  expect(e.location).toMatchObject({ file: "test.pcap", offset });
  expect(e.message).toContain(`test.pcap (byte ${offset})`);
  expect(e.reason).toMatch(reason);
}

const traffic = (events: TraceEvent[]): TrafficEvent[] => events.filter((e): e is TrafficEvent => e.type === "traffic");

describe("ethernet helpers", () => {
  it("packs a MAC into an exact 48-bit key and back", () => {
    const b = Uint8Array.from([0xff, 0xfe, 0x80, 0x01, 0x00, 0x7f]);
    expect(macKey(b, 0)).toBe(0xfffe8001007f);
    expect(macFromKey(macKey(b, 0))).toBe("ff:fe:80:01:00:7f");
    expect(macFromKey(0)).toBe("00:00:00:00:00:00");
  });

  it("counts 802.1Q and 802.1ad tags, ignoring a tag cut off by the capture", () => {
    expect(vlanTagCount(ethFrame(A, B), 0, 60)).toBe(0);
    expect(vlanTagCount(ethFrame(A, B, { tags: [0x8100] }), 0, 64)).toBe(1);
    const qinq = ethFrame(A, B, { tags: [0x88a8, 0x8100] });
    expect(vlanTagCount(qinq, 0, qinq.length)).toBe(2);
    expect(vlanTagCount(qinq, 0, 17)).toBe(1);
  });
});

describe("classic pcap", () => {
  const frames = [
    { sec: 1_600_000_000, frac: 999_999, data: ethFrame(B, A), origLen: 1514 },
    { sec: 1_600_000_001, frac: 5, data: ethFrame(A, B, { payload: 0 }) },
  ];

  it.each([
    { le: true, nanos: false },
    { le: false, nanos: false },
    { le: true, nanos: true },
    { le: false, nanos: true },
  ])("reads byte order le=$le, nanosecond=$nanos", ({ le, nanos }) => {
    const recs = frames.map((f, i) => ({ ...f, frac: nanos ? f.frac * 1000 + i : f.frac }));
    const { packets, stats } = parsePackets(pcapFile(recs, { le, nanos }));
    expect(stats).toMatchObject({ format: "pcap", byteOrder: le ? "little-endian" : "big-endian", packets: 2, sections: 1, interfaces: 1, truncatedRecords: 0 });
    expect(packets.map((p) => [p.linkType, p.tsMs, p.origLen])).toEqual([
      [1, 1_600_000_000_999, 1514],
      [1, 1_600_000_001_000, 14],
    ]);
    expect(packets[0]!.data).toBe(Buffer.from(frames[0]!.data).toString("hex"));
  });

  it("reads Kuznetsov's modified pcap (24-byte record headers)", () => {
    const { packets } = parsePackets(pcapFile(frames, { modified: true }));
    expect(packets.map((p) => p.tsMs)).toEqual([1_600_000_000_999, 1_600_000_001_000]);
    expect(packets[1]!.data).toBe(Buffer.from(frames[1]!.data).toString("hex"));
  });

  it("takes the link type from the low bits of the header field (FCS bits above)", () => {
    const { packets } = parsePackets(pcapFile(frames, { linkType: 0x1000_0000 | 1 }));
    expect(packets[0]!.linkType).toBe(1);
  });
});

describe("pcapng", () => {
  it.each([true, false])("reads a section in either byte order (le=%s), default microsecond resolution", (le) => {
    const file = concat(shb(le), idb(le), epb(le, 0, 1_700_000_000_123_456n, ethFrame(B, A), 1000));
    const { packets, stats } = parsePackets(file);
    expect(stats).toMatchObject({ format: "pcapng", byteOrder: le ? "little-endian" : "big-endian", sections: 1, interfaces: 1, packets: 1 });
    expect(packets).toEqual([{ linkType: 1, tsMs: 1_700_000_000_123, origLen: 1000, data: Buffer.from(ethFrame(B, A)).toString("hex") }]);
  });

  it("honours if_tsresol: nanoseconds exactly at interval boundaries, binary fractions, picoseconds, seconds", () => {
    const le = true;
    const file = concat(
      shb(le),
      idb(le, { tsresol: 9, comment: "ns" }),
      idb(le, { tsresol: 0x80 | 20 }),
      idb(le, { tsresol: 12 }),
      idb(le, { tsresol: 0 }),
      epb(le, 0, 1_700_000_000_999_999_999n, ethFrame(B, A)),
      epb(le, 0, 1_700_000_001_000_000_000n, ethFrame(B, A)),
      epb(le, 0, 18_446_744_073_709_551_615n, ethFrame(B, A)),
      epb(le, 1, (1_700_000_000n << 20n) + (1n << 19n), ethFrame(B, A)),
      epb(le, 2, 1_000_000_000_500_000_000n, ethFrame(B, A)), // ps: 64 bits hold only ~213 days
      epb(le, 3, 1_700_000_002n, ethFrame(B, A)),
    );
    const { packets, stats } = parsePackets(file);
    expect(stats.interfaces).toBe(4);
    expect(packets.map((p) => p.tsMs)).toEqual([1_700_000_000_999, 1_700_000_001_000, 18_446_744_073_709, 1_700_000_000_500, 1_000_000_000, 1_700_000_002_000]);
  });

  it("honours if_tsoffset and clamps times before 1970 to 0, counting them", () => {
    const le = false;
    const file = concat(shb(le), idb(le, { tsoffset: 100n }), idb(le, { tsoffset: -5n }), epb(le, 0, 1_000_000n, ethFrame(B, A)), epb(le, 1, 1_000_000n, ethFrame(B, A)));
    const { packets, stats } = parsePackets(file);
    expect(packets.map((p) => p.tsMs)).toEqual([101_000, 0]);
    expect(stats.clampedTimestamps).toBe(1);
  });

  it("reads simple and obsolete packet blocks, skips other blocks, handles several interfaces and sections", () => {
    const file = concat(
      shb(true),
      otherBlock(true, 4, [0, 0, 0, 0]), // name resolution
      idb(true, { linkType: 1, snapLen: 20 }),
      idb(true, { linkType: 101 }),
      epb(true, 0, 5_000_000n, ethFrame(B, A)),
      spb(true, ethFrame(C, A, { payload: 10 })),
      epb(true, 1, 6_000_000n, Uint8Array.from([0x45, 0, 0, 20])),
      otherBlock(true, 5, [1, 2, 3, 4, 5, 6, 7, 8]), // interface statistics
      otherBlock(true, 0x40000bad, [9, 9, 9, 9]), // custom
      shb(false),
      idb(false, { tsresol: 3 }),
      pb(false, 0, 7_000n, ethFrame(A, C)),
    );
    const { packets, stats } = parsePackets(file);
    expect(stats).toMatchObject({ sections: 2, interfaces: 3, skippedBlocks: 3, packets: 4, byteOrder: "little-endian" });
    expect(packets.map((p) => [p.linkType, p.tsMs, p.origLen, p.data.length / 2])).toEqual([
      [1, 5000, 60, 60],
      [1, 5000, 24, 20], // SPB: time of the packet before it; captured length cut to the snap length
      [101, 6000, 4, 4],
      [1, 7000, 60, 60],
    ]);
  });

  it("interface ids are per section", () => {
    const file = concat(shb(true), idb(true), idb(true), shb(true), idb(true), epb(true, 1, 0n, ethFrame(A, B)));
    expectCaptureError(() => parsePackets(file), 124, /interface 1, but the section declares 1 interface/);
  });
});

describe("Ethernet frames to traffic", () => {
  it("counts 802.1Q and QinQ frames by their outer MACs, bytes as the original length; skips other link types and runts", () => {
    const file = concat(
      shb(true),
      idb(true, { tsresol: 9 }),
      idb(true, { linkType: 113 }),
      epb(true, 0, 1_000_000_000_000n, ethFrame(B, A, { tags: [0x8100] }), 1518),
      epb(true, 0, 1_000_500_000_000n, ethFrame(B, A, { tags: [0x88a8, 0x8100] })),
      epb(true, 0, 1_000_600_000_000n, ethFrame(BCAST, C, { etherType: 60 })), // 802.3 length field
      epb(true, 0, 1_000_700_000_000n, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), 60),
      epb(true, 1, 1_000_800_000_000n, ethFrame(B, A)),
      epb(true, 1, 1_000_900_000_000n, ethFrame(B, A)),
    );
    const { events, traffic: t } = importBytes(file);
    expect(t).toMatchObject({ frames: 3, bytes: 1518 + 68 + 60, macs: 4, sourceMacs: 2, groupMacs: 1, pairs: 2, vlanTagged: 2, qinq: 1, skippedShort: 1, trafficEvents: 1 });
    expect([...t.skippedByLinkType]).toEqual([[113, 2]]);
    expect(traffic(events)).toEqual([
      {
        type: "traffic",
        tMs: 1_001_000,
        startMs: 1_000_000,
        intervalMs: 1000,
        entries: [
          [A, B, 1518 + 68, 2],
          [C, BCAST, 60, 1],
        ],
      },
    ]);
  });

  it("reports each interval at its end, declaring each MAC (as a VM named by it) just before its first report", () => {
    const recs = [
      { sec: 10, frac: 0, data: ethFrame(B, A) },
      { sec: 10, frac: 999_999, data: ethFrame(A, B) },
      { sec: 11, frac: 0, data: ethFrame(C, A) },
      { sec: 13, frac: 500_000, data: ethFrame(C, A) },
    ];
    const { events } = importBytes(pcapFile(recs));
    expect(events.map((e) => (e.type === "vm" ? ["vm", e.tMs, e.vm.id, e.vm.mac] : ["traffic", e.tMs, (e as TrafficEvent).startMs, (e as TrafficEvent).entries.length]))).toEqual([
      ["vm", 11_000, A, A],
      ["vm", 11_000, B, B],
      ["traffic", 11_000, 10_000, 2],
      ["vm", 12_000, C, C],
      ["traffic", 12_000, 11_000, 1],
      ["traffic", 14_000, 13_000, 1],
    ]);
    const { events: minute } = importBytes(pcapFile(recs), 60_000);
    expect(traffic(minute)).toEqual([{ type: "traffic", tMs: 60_000, startMs: 0, intervalMs: 60_000, entries: [[A, B, 60, 1], [B, A, 60, 1], [A, C, 120, 2]] }]);
  });

  it("counts out-of-order frames in their own interval, reported late, and writes a valid trace", () => {
    const recs = [
      { sec: 100, frac: 0, data: ethFrame(B, A) },
      { sec: 102, frac: 0, data: ethFrame(B, A) },
      { sec: 101, frac: 0, data: ethFrame(C, A) }, // older than the open interval
      { sec: 100, frac: 5, data: ethFrame(B, A) }, // an interval already reported
      { sec: 103, frac: 0, data: ethFrame(B, A) },
    ];
    const { events, traffic: t } = importBytes(pcapFile(recs));
    expect(traffic(events).map((e) => [e.tMs, e.startMs, e.entries])).toEqual([
      [101_000, 100_000, [[A, B, 60, 1]]],
      [103_000, 100_000, [[A, B, 60, 1]]],
      [103_000, 101_000, [[A, C, 60, 1]]],
      [103_000, 102_000, [[A, B, 60, 1]]],
      [104_000, 103_000, [[A, B, 60, 1]]],
    ]);
    expect(t).toMatchObject({ frames: 5, trafficEvents: 5, lateReports: 2, pairs: 2 });
    const header = decodeHeader(encodeLine(makeHeader({ hosts: [], vms: [], links: [] })), { file: "t" });
    const dec = new TraceDecoder(header);
    events.forEach((e, i) => expect(() => dec.decode(encodeLine(e), { file: "t", line: i + 2 })).not.toThrow());
  });

  it("gives the same result whatever the chunk size", () => {
    const file = concat(
      shb(true),
      idb(true, { tsresol: 9 }),
      ...Array.from({ length: 20 }, (_, i) => epb(true, 0, BigInt(i) * 300_000_000n, ethFrame(i % 3 === 0 ? A : B, i % 2 === 0 ? C : A, { payload: 46 + i }))),
    );
    const whole = importBytes(file).events;
    for (const chunk of [1, 2, 3, 5, 7, 13, 64, 100]) expect(importBytes(file, 1000, chunk).events).toEqual(whole);
  });
});

describe("damaged captures", () => {
  const good = pcapFile([
    { sec: 1, frac: 0, data: ethFrame(B, A) },
    { sec: 2, frac: 0, data: ethFrame(A, B) },
  ]);

  it("keeps every record before a truncated final one and reports it", () => {
    const cut = good.subarray(0, good.length - 10);
    const { packets, stats } = parsePackets(cut);
    expect(packets).toHaveLength(1);
    expect(stats.truncatedRecords).toBe(1);
    expect(stats.truncated).toEqual({ offset: 24 + 16 + 60, expectedBytes: 76, presentBytes: 66 });
    const headerOnly = parsePackets(good.subarray(0, 24 + 16 + 60 + 5)).stats;
    expect(headerOnly.truncated).toEqual({ offset: 100, expectedBytes: null, presentBytes: 5 });
    expect(parsePackets(good.subarray(0, 24)).stats).toMatchObject({ packets: 0, truncatedRecords: 0 });
  });

  it("rejects what is not a capture, naming the file and byte offset", () => {
    expectCaptureError(() => parsePackets(new Uint8Array(0)), 0, /empty file/);
    expectCaptureError(() => parsePackets(good.subarray(0, 10)), 0, /ends after 10 bytes, inside its capture header/);
    expectCaptureError(() => parsePackets(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")), 0, /not a pcap or pcapng capture \(magic number 0x47455420\)/);
    const v3 = good.slice();
    v3[4] = 3;
    expectCaptureError(() => parsePackets(v3), 4, /unsupported pcap version 3\.4/);
    expectCaptureError(() => parsePackets(shb(true).subarray(0, 20)), 0, /inside its pcapng section header/);
  });

  it("rejects a corrupt record with its offset, after delivering the records before it", () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(24 + 16 + 60 + 8, 0x7fff_ffff, true);
    const seen: number[] = [];
    const parser = new PcapParser({ packet: (_l, ts) => seen.push(ts) }, "test.pcap");
    expectCaptureError(() => feed(parser, bad), 100, /claims 2147483647 captured bytes/);
    expect(seen).toEqual([1000]);
    expectCaptureError(() => parser.push(new Uint8Array(4)), 100, /claims/);
  });

  it("rejects corrupt pcapng blocks", () => {
    const f = concat(shb(true), idb(true), epb(true, 0, 0n, ethFrame(A, B)));
    const badBom = f.slice();
    badBom[8] = 0;
    expectCaptureError(() => parsePackets(badBom), 8, /bad byte-order magic/);
    const badLen = f.slice();
    new DataView(badLen.buffer).setUint32(28 + 4, 21, true);
    expectCaptureError(() => parsePackets(badLen), 32, /invalid length 21/);
    const badTrailer = f.slice();
    badTrailer[f.length - 4]! ^= 4;
    expectCaptureError(() => parsePackets(badTrailer), f.length - 4, /ends with length/);
    const noIface = concat(shb(true), epb(true, 0, 0n, ethFrame(A, B)));
    expectCaptureError(() => parsePackets(noIface), 28 + 8, /declares 0 interface/);
    const overrun = f.slice();
    new DataView(overrun.buffer).setUint32(28 + 20 + 20, 100, true);
    expectCaptureError(() => parsePackets(overrun), 28 + 20 + 20, /claims 100 captured bytes but holds at most 60/);
    const badVersion = f.slice();
    badVersion[12] = 2;
    expectCaptureError(() => parsePackets(badVersion), 12, /unsupported pcapng version 2\.0/);
  });
});
