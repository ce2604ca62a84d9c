import type { Command } from "commander";
import { openTrace } from "../../adapters/trace/reader.js";
import { TraceSummary } from "../../core/trace/summary.js";
import { formatBytes, formatDuration, table } from "../format.js";
import { readModeOption, positiveInt } from "../options.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("print a summary of a trace: hosts, VMs, intervals, total bytes, top talkers, bad lines")
    .argument("<trace>", "trace file (.trace NDJSON, optionally .gz; - for stdin)")
    .option("--strict", "stop at the first malformed line (default)")
    .option("--lenient", "skip malformed lines, count them and report the first ones")
    .option("--top <n>", "how many top talkers to list", positiveInt, 10)
    .option("--json", "print the summary as JSON")
    .action(async (path: string, opts: { strict?: boolean; lenient?: boolean; top: number; json?: boolean }) => {
      const reader = await openTrace(path, { mode: readModeOption(opts) });
      const summary = new TraceSummary(reader.header);
      for await (const batch of reader.batches()) for (const e of batch) summary.add(e);
      const r = summary.result(opts.top);
      const bad = reader.stats;
      if (opts.json === true) {
        process.stdout.write(
          `${JSON.stringify({ ...r, lines: bad.lines, badLines: bad.badLines, errors: bad.errors.map((e) => e.message) }, null, 2)}\n`,
        );
        return;
      }
      const span = r.firstMs !== null && r.lastMs !== null ? formatDuration(r.lastMs - r.firstMs) : "-";
      const out = [
        `trace      ${path}${r.name !== undefined ? ` (${r.name})` : ""}`,
        ...(r.source !== undefined ? [`source     ${r.source}`] : []),
        `hosts      ${r.hosts}`,
        `links      ${r.links}`,
        `VMs        ${r.vms}`,
        `events     ${Object.entries(r.events).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(", ") || "none"}`,
        `intervals  ${r.intervals} (span ${span})`,
        `traffic    ${formatBytes(r.totalBytes)} (${r.totalBytes} bytes), ${r.totalPackets} packets, ${r.pairs} MAC pairs`,
        ...(r.reportedBytes !== r.totalBytes ? [`reported   ${formatBytes(r.reportedBytes)} summed over all daemons' reports (inter-host frames are seen by both ends)`] : []),
        `bad lines  ${bad.badLines}${bad.badLines > 0 ? " (skipped)" : ""}`,
      ];
      for (const e of bad.errors.slice(0, 5)) out.push(`  ${e.message}`);
      if (r.topTalkers.length > 0) {
        out.push("", "top talkers:");
        out.push(table(["src", "dst", "bytes", "packets", "share"], r.topTalkers.map((t) => [t.src, t.dst, t.bytes, t.packets, `${((100 * t.bytes) / (r.totalBytes || 1)).toFixed(1)}%`])));
      }
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
