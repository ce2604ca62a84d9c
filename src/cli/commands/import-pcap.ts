import type { Command } from "commander";
import { DEFAULT_PCAP_INTERVAL_MS, openPcap } from "../../importers/pcap.js";
import { writeImported } from "../../importers/write.js";
import { formatBytes } from "../format.js";
import { positiveInt } from "../options.js";
import { withOutput } from "./import-common.js";

/** `vadapt import pcap <file>`: a packet capture → per-interval MAC-pair traffic matrices. */
export function registerImportPcap(parent: Command): void {
  withOutput(
    parent
      .command("pcap")
      .description("packet capture (classic pcap or pcapng) → one global traffic matrix (bytes, packets per src→dst MAC) per interval")
      .argument("<file>", "capture file; pcap (µs or ns, either byte order) or pcapng is recognised by its magic number, not its name")
      .option("--interval-ms <ms>", "length of each traffic-matrix interval, in whole milliseconds", positiveInt, DEFAULT_PCAP_INTERVAL_MS),
  )
    .addHelpText(
      "after",
      `
What is counted:
  Every Ethernet frame (link type 1; Ethernet II, 802.3, 802.1Q and QinQ tagged) adds its original on-the-wire
  length (the record's orig_len / packet length, not the captured length) and 1 packet to the cell
  source MAC → destination MAC of the interval holding its timestamp. Records of other link types, and
  records too short for an Ethernet header, are skipped and counted in a warning.

The trace written:
  No hosts (one capture point): 'traffic' events are global matrices, one per interval that has frames, at
  tMs = the interval's end. Time is Unix time in ms (startTime 1970-01-01T00:00:00.000Z), so intervals are
  aligned to the epoch. Each MAC (broadcast and multicast included) becomes a VM whose id is the MAC, declared
  by a 'vm' event just before the first report that names it. Frames out of time order are counted in their
  own interval, which is then reported late.

Damaged captures:
  A capture that ends inside a record keeps everything before that record (with a warning). A corrupt record
  stops the import with an E_BAD_CAPTURE error naming the byte offset, after writing everything before it.
  The file is streamed; captures of any size work in bounded memory. See docs/importers.md#pcap.

Example:
  vadapt import pcap ../shared/data/pcap/ndpi/1kxun.pcap --interval-ms 60000 -o 1kxun.trace`,
    )
    .action(async (file: string, opts: { output: string; intervalMs: number }) => {
      const imported = await openPcap(file, { intervalMs: opts.intervalMs });
      const events = await writeImported(opts.output, imported);
      // The warnings of a streamed capture are known only once it has been read, so they follow the write.
      for (const w of imported.warnings) process.stderr.write(`warning: ${w}\n`);
      const { parse, traffic } = imported.stats;
      process.stderr.write(
        `wrote ${opts.output}: ${events} events (${traffic.trafficEvents} traffic intervals of ${opts.intervalMs} ms), ` +
          `${traffic.frames} frames, ${formatBytes(traffic.bytes)} (${traffic.bytes} bytes), ${traffic.macs} MACs (${traffic.sourceMacs} as source, ${traffic.groupMacs} multicast/broadcast), ` +
          `${traffic.pairs} MAC pairs; ${parse.format} with ${parse.interfaces} interface(s), ${parse.packets} records read\n`,
      );
    });
}
