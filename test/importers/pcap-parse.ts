/** Test helpers: run the capture parser and aggregator over bytes, in chunks of a given size. */
import { MacTrafficAggregator, type MacTrafficStats } from "../../src/core/capture/mac-traffic.js";
import { PcapParser, type CaptureParseStats, type PacketSink } from "../../src/core/capture/pcap-parser.js";
import type { TraceEvent } from "../../src/core/trace/events.js";

export interface SeenPacket {
  readonly linkType: number;
  readonly tsMs: number;
  readonly origLen: number;
  readonly data: string;
}

function hex(b: Uint8Array, off: number, n: number): string {
  return Buffer.from(b.subarray(off, off + n)).toString("hex");
}

/** Feeds `bytes` to `parser` in chunks of `chunk` bytes (default: all at once) and ends it. */
export function feed(parser: PcapParser, bytes: Uint8Array, chunk = bytes.length || 1): CaptureParseStats {
  for (let o = 0; o < bytes.length; o += chunk) parser.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
  return parser.end();
}

/** Every packet record the parser delivers, with a copy of its bytes. */
export function parsePackets(bytes: Uint8Array, chunk?: number, file = "test.pcap"): { packets: SeenPacket[]; stats: CaptureParseStats } {
  const packets: SeenPacket[] = [];
  const sink: PacketSink = {
    packet(linkType, tsMs, origLen, b, off, capLen) {
      packets.push({ linkType, tsMs, origLen, data: hex(b, off, capLen) });
    },
  };
  const stats = feed(new PcapParser(sink, file), bytes, chunk);
  return { packets, stats };
}

/** The trace events (and counts) a capture becomes. */
export function importBytes(bytes: Uint8Array, intervalMs = 1000, chunk?: number): { events: TraceEvent[]; traffic: MacTrafficStats; parse: CaptureParseStats } {
  const agg = new MacTrafficAggregator({ intervalMs, file: "test.pcap" });
  const parser = new PcapParser(agg, "test.pcap");
  const events: TraceEvent[] = [];
  if (chunk === undefined) {
    parser.push(bytes);
  } else {
    for (let o = 0; o < bytes.length; o += chunk) {
      parser.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
      events.push(...agg.take());
    }
  }
  const parse = parser.end();
  events.push(...agg.finish());
  return { events, traffic: agg.stats, parse };
}

/** The trace events of a capture fed as exactly these chunks. */
export function importChunks(chunks: Uint8Array[]): TraceEvent[] {
  const agg = new MacTrafficAggregator({ intervalMs: 1000, file: "test.pcap" });
  const parser = new PcapParser(agg, "test.pcap");
  const events: TraceEvent[] = [];
  for (const c of chunks) {
    parser.push(c);
    events.push(...agg.take());
  }
  parser.end();
  events.push(...agg.finish());
  return events;
}
