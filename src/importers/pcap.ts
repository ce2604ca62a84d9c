/**
 * Packet captures (classic pcap and pcapng, any byte order and timestamp resolution) → per-interval MAC-pair
 * traffic matrices. A thin shell: it reads the file in chunks through a reused buffer and feeds the pure
 * {@link PcapParser} and {@link MacTrafficAggregator} (src/core/capture), so memory stays bounded whatever the
 * capture's size. See docs/importers.md#pcap for the trace it writes.
 */
import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { ConfigError, InputError, IoError } from "../core/errors.js";
import { MacTrafficAggregator, type MacTrafficStats } from "../core/capture/mac-traffic.js";
import { LINKTYPE_ETHERNET, PcapParser, type CaptureParseStats } from "../core/capture/pcap-parser.js";
import { makeHeader } from "../core/trace/codec.js";
import type { TraceEvent } from "../core/trace/events.js";
import type { ImportedTrace } from "./types.js";

/** Default traffic-matrix interval, ms. */
export const DEFAULT_PCAP_INTERVAL_MS = 1000;
/** Default read size. */
export const DEFAULT_PCAP_CHUNK_BYTES = 1 << 20;

export interface PcapImportOptions {
  /** Interval length, whole ms (default 1000). */
  readonly intervalMs?: number;
  /** Bytes read at a time (default 1 MiB). */
  readonly chunkBytes?: number;
}

/** What an import counted: the container (parse) and the frames (traffic). Complete once the events are read. */
export interface PcapImportStats {
  readonly parse: CaptureParseStats;
  readonly traffic: MacTrafficStats;
}

/** An opened capture: the trace it becomes, and its counts (filled in as the events are read). */
export interface PcapImport extends ImportedTrace {
  readonly stats: PcapImportStats;
}

/** The warnings a finished import should give: skipped records, a truncated end, clamped or unordered times. */
export function pcapWarnings(file: string, stats: PcapImportStats): string[] {
  const w: string[] = [];
  const { parse, traffic } = stats;
  for (const [linkType, n] of [...traffic.skippedByLinkType].sort((a, b) => a[0] - b[0])) {
    w.push(`${file}: ${n} packet(s) with link type ${linkType} skipped: only Ethernet (link type ${LINKTYPE_ETHERNET}) frames carry the MACs vadapt counts`);
  }
  if (traffic.skippedShort > 0) w.push(`${file}: ${traffic.skippedShort} Ethernet record(s) with fewer than 14 captured bytes (no complete header) skipped`);
  if (parse.truncated !== null) {
    const t = parse.truncated;
    const size = t.expectedBytes !== null ? `${t.presentBytes} of its ${t.expectedBytes} bytes` : `only ${t.presentBytes} byte(s) of its header`;
    w.push(`${file}: the capture ends inside a record at byte ${t.offset} (${size}); that record was dropped, the ${parse.packets} packet(s) before it kept`);
  }
  if (parse.clampedTimestamps > 0) w.push(`${file}: ${parse.clampedTimestamps} timestamp(s) before 1970 (negative if_tsoffset) counted at time 0`);
  if (traffic.lateReports > 0) w.push(`${file}: the capture is not in time order; ${traffic.lateReports} interval(s) were reported late (each frame is still counted in its own interval)`);
  return w;
}

/**
 * Opens a capture for import. The format is recognised from its magic number (not its name) before this
 * resolves, so a file that is not a capture fails before any output is created. Events stream as the file is
 * read; warnings and {@link PcapImport.stats} are complete when the events are exhausted. On a corrupt record the
 * events counted before it are still produced, then the {@link InputError} (code `E_BAD_CAPTURE`) is thrown.
 * The file stays open until the events have been read to the end (or the iteration is stopped).
 */
export async function openPcap(path: string, options: PcapImportOptions = {}): Promise<PcapImport> {
  const intervalMs = options.intervalMs ?? DEFAULT_PCAP_INTERVAL_MS;
  const chunkBytes = options.chunkBytes ?? DEFAULT_PCAP_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) throw new ConfigError("pcap import options", [`chunkBytes must be a positive integer, not ${chunkBytes}`]);
  const name = basename(path);
  const ioError = (e: unknown, what: string): IoError => new IoError(path, `cannot ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  const aggregator = new MacTrafficAggregator({ intervalMs, file: path });
  const parser = new PcapParser(aggregator, path);
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (e) {
    throw ioError(e, "open");
  }
  const buf = new Uint8Array(chunkBytes);
  const read = async (): Promise<number> => {
    try {
      return (await fh.read(buf, 0, buf.length, null)).bytesRead;
    } catch (e) {
      throw ioError(e, "read");
    }
  };
  const stats: PcapImportStats = { parse: parser.stats, traffic: aggregator.stats };
  const warnings: string[] = [];

  // Read up to the end of the file header now: a file that is not a capture fails here, before any output
  // exists. A corrupt record after a good header is reported from the event stream, after the frames before it.
  let failed: InputError | null = null;
  try {
    while (parser.stats.sections === 0) {
      const n = await read();
      if (n === 0) parser.end(); // throws: no complete header
      else parser.push(buf.subarray(0, n));
    }
  } catch (e) {
    if (e instanceof InputError && parser.stats.sections > 0) failed = e;
    else {
      await fh.close();
      throw e;
    }
  }

  async function* events(): AsyncGenerator<TraceEvent> {
    try {
      if (failed !== null) throw failed;
      for (;;) {
        for (const e of aggregator.take()) yield e;
        const n = await read();
        if (n === 0) break;
        parser.push(buf.subarray(0, n));
      }
      parser.end();
      for (const e of aggregator.finish()) yield e;
      warnings.push(...pcapWarnings(name, stats));
    } catch (e) {
      // Keep everything counted before a corrupt record, then report it.
      if (e instanceof InputError) for (const ev of aggregator.finish()) yield ev;
      throw e;
    } finally {
      await fh.close();
    }
  }

  const header = makeHeader({
    name: name.replace(/\.(pcapng|pcap|cap)$/i, ""),
    source: `pcap capture ${name}`,
    startTime: new Date(0).toISOString(),
    intervalMs,
    hosts: [],
    vms: [],
    links: [],
    meta: {
      importer: "pcap",
      file: name,
      format: parser.stats.format,
      time: "tMs is Unix time in ms; intervals are aligned to the epoch",
      bytes: "original (on-the-wire) frame lengths",
      vmIds: "each MAC is a VM whose id is the MAC, declared by a vm event where it first appears",
    },
  });
  return { header, events: events(), warnings, stats };
}
