/**
 * Robustness of the capture parser: random bytes, every truncation of real captures, bit flips and arbitrary
 * chunking never produce anything but a result or an `E_BAD_CAPTURE` InputError, and always terminate.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { concat, epb, ethFrame, idb, otherBlock, pb, pcapFile, shb, spb } from "./pcap-build.js";
import { importBytes, importChunks } from "./pcap-parse.js";
import { dataPath, describeWithData } from "../helpers/data.js";

/** Runs the whole import (parser + aggregator); returns the records read, or the typed error. Anything else throws. */
function tryImport(bytes: Uint8Array, chunk?: number): { frames: number; truncated: number } | InputError {
  try {
    const { traffic: t, parse } = importBytes(bytes, 1000, chunk);
    let skipped = t.skippedShort;
    for (const n of t.skippedByLinkType.values()) skipped += n;
    expect(t.frames + skipped).toBe(parse.packets);
    return { frames: parse.packets, truncated: parse.truncatedRecords };
  } catch (e) {
    if (e instanceof InputError && e.code === "E_BAD_CAPTURE" && e.location.offset !== undefined && e.message.includes("test.pcap")) return e;
    throw e;
  }
}

/** Record boundaries of a well-formed capture, found by walking lengths (an oracle independent of the parser). */
function recordEnds(b: Uint8Array): { headerEnd: number; packetEnds: number[]; blockEnds: number[] } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const packetEnds: number[] = [];
  const blockEnds: number[] = [];
  if (dv.getUint32(0, true) === 0xa1b2c3d4) {
    for (let o = 24; o < b.length; ) {
      o += 16 + dv.getUint32(o + 8, true);
      packetEnds.push(o);
      blockEnds.push(o);
    }
    return { headerEnd: 24, packetEnds, blockEnds };
  }
  let headerEnd = 0;
  let le = true;
  for (let o = 0; o < b.length; ) {
    if (dv.getUint32(o, true) === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
    const type = dv.getUint32(o, le);
    o += dv.getUint32(o + 4, le);
    if (headerEnd === 0) headerEnd = o;
    if (type === 6 || type === 3 || type === 2) packetEnds.push(o);
    blockEnds.push(o);
  }
  return { headerEnd, packetEnds, blockEnds };
}

/** Truncates `file` at every offset and checks: header cut → typed error; else exactly the complete records. */
function checkEveryTruncation(file: Uint8Array): void {
  const { headerEnd, packetEnds, blockEnds } = recordEnds(file);
  const ends = new Set(blockEnds);
  let complete = 0;
  for (let cut = 0; cut <= file.length; cut++) {
    while (complete < packetEnds.length && packetEnds[complete]! <= cut) complete++;
    const r = tryImport(file.subarray(0, cut));
    if (cut < headerEnd) {
      expect(r, `cut at ${cut}`).toBeInstanceOf(InputError);
      continue;
    }
    expect(r, `cut at ${cut}`).toEqual({ frames: complete, truncated: cut === headerEnd || ends.has(cut) ? 0 : 1 });
  }
}

const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";

/** A pcapng file with every block kind the parser knows, options, several interfaces and two sections. */
const richPcapng = concat(
  shb(true),
  idb(true, { tsresol: 9, comment: "eth0" }),
  idb(true, { linkType: 101, tsresol: 0x80 | 10 }),
  otherBlock(true, 4, [1, 0, 4, 0, 10, 0, 0, 1, 0, 0, 0, 0]),
  epb(true, 0, 1_600_000_000_000_000_000n, ethFrame(B, A, { tags: [0x8100] })),
  spb(true, ethFrame(A, B, { payload: 3 })),
  epb(true, 1, 5n << 10n, Uint8Array.from([0x45, 0, 0, 20])),
  shb(false),
  idb(false, { tsresol: 6, tsoffset: 7n }),
  pb(false, 0, 123_456n, ethFrame(A, B, { tags: [0x88a8, 0x8100] })),
  epb(false, 0, 123_457n, ethFrame(B, A), 1514),
);

const MAGICS = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x34, 0xcd, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

describe("pcap parser robustness (crafted captures)", () => {
  it("random bytes, with or without a valid magic number, give a result or a typed error", () => {
    const prefix = fc.oneof(
      fc.constant([] as number[]),
      fc.constantFrom(...MAGICS),
      // a valid pcap header or pcapng section header + interface, then garbage
      fc.constantFrom(Array.from(pcapFile([])), Array.from(concat(shb(true), idb(true))), Array.from(concat(shb(false), idb(false, { tsresol: 9 })))),
    );
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 700 }), (p, tail, chunk) => {
        tryImport(concat(Uint8Array.from(p), tail), chunk);
      }),
      { numRuns: 3000 },
    );
  });

  it("every truncation of a rich pcapng file keeps exactly the complete records", () => {
    checkEveryTruncation(richPcapng);
  });

  it("bit flips in a rich pcapng file and in a classic pcap file never escape as untyped errors", () => {
    const pcap = pcapFile(
      Array.from({ length: 12 }, (_, i) => ({ sec: 1_000 + i, frac: i * 77_777, data: ethFrame(i % 2 ? A : B, i % 3 ? B : A, { payload: 20 + i }) })),
      { le: false, nanos: true },
    );
    for (const file of [richPcapng, pcap]) {
      fc.assert(
        fc.property(fc.array(fc.nat({ max: file.length * 8 - 1 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 300 }), (bits, chunk) => {
          const f = file.slice();
          for (const bit of bits) f[bit >> 3]! ^= 1 << (bit & 7);
          tryImport(f, chunk);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it("any split into chunks gives the same events", () => {
    const whole = importBytes(richPcapng).events;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: richPcapng.length - 1 }), { maxLength: 20 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), richPcapng.length];
        const chunks = at.slice(1).map((end, i) => richPcapng.subarray(at[i], end));
        expect(importChunks(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});

describeWithData("pcap parser robustness (real captures)", () => {
  // syslog.pcap is a classic pcap (21,927 bytes), snmp.pcap a pcapng file despite its name (17,788 bytes).
  const syslog = new Uint8Array(readFileSync(dataPath("pcap", "ndpi/syslog.pcap")));
  const snmp = new Uint8Array(readFileSync(dataPath("pcap", "ndpi/snmp.pcap")));

  it("every truncation of syslog.pcap (pcap) and snmp.pcap (pcapng) keeps exactly the complete records", () => {
    checkEveryTruncation(syslog);
    checkEveryTruncation(snmp);
  });

  it("bit flips in real captures give a result or a typed error, with any chunking", () => {
    for (const file of [syslog, snmp]) {
      fc.assert(
        fc.property(fc.array(fc.nat({ max: file.length * 8 - 1 }), { minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 5000 }), (bits, chunk) => {
          const f = file.slice();
          for (const bit of bits) f[bit >> 3]! ^= 1 << (bit & 7);
          const r = tryImport(f, chunk);
          if (!(r instanceof InputError)) expect(r.frames).toBeLessThanOrEqual(file.length / 16);
        }),
        { numRuns: 300 },
      );
    }
  });
});
