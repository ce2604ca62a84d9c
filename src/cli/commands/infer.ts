import { writeFile } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { forEachTraceInterval } from "../../adapters/trace/intervals.js";
import { openTrace } from "../../adapters/trace/reader.js";
import { ConfigError, IoError } from "../../core/errors.js";
import { vmId } from "../../core/model/ids.js";
import { toGEXF, toGraphML, toJSON } from "../../core/vttif/export.js";
import { topologyGraph } from "../../core/vttif/graph.js";
import { inferTopology, PhaseTracker, type PhaseTopology } from "../../core/vttif/phases.js";
import { describeClassification, mappingLine } from "../../core/vttif/report.js";
import type { Smoothing } from "../../core/vttif/smooth.js";
import { formatDuration, table } from "../format.js";
import { nonNegativeNumber, positiveInt, readModeOption } from "../options.js";

interface InferOptions {
  strict?: boolean;
  lenient?: boolean;
  window?: number;
  ewma?: number;
  threshold?: number;
  autoThreshold?: boolean;
  hold?: number;
  minPhase?: number;
  shapeThreshold?: number;
  levelRatio?: number;
  graceMs?: number;
  minMbps?: number;
  top: number;
  export?: string;
  output?: string;
  phase?: number;
  json?: boolean;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`'${value}' is not a number in (0, 1]`);
  return n;
}

function ratio(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 1) throw new InvalidArgumentError(`'${value}' is not a number > 1`);
  return n;
}

const EXPORTS = { graphml: toGraphML, gexf: toGEXF, json: toJSON } as const;

export function registerInfer(program: Command): void {
  program
    .command("infer")
    .description("infer the application's communication topology and demands (VTTIF), per phase of traffic")
    .argument("<trace>", "trace file (.trace NDJSON, optionally .gz; - for stdin)")
    .option("--strict", "stop at the first malformed line (default)")
    .option("--lenient", "skip malformed lines, count them and report the first ones")
    .option("--window <n>", "smooth the change detector's input: mean over the last n intervals", positiveInt)
    .option("--ewma <alpha>", "smooth the change detector's input: EWMA with this weight on the newest interval", fraction)
    .option("--threshold <fraction>", "fixed pruning cut: keep VM pairs >= fraction x the heaviest pair", fraction)
    .option("--auto-threshold", "automatic pruning cut: the largest gap in the sorted pair weights (default)")
    .option("--hold <n>", "intervals a change must persist before it is declared (default 3)", positiveInt)
    .option("--min-phase <n>", "intervals a phase lasts at least (default 3)", positiveInt)
    .option("--shape-threshold <d>", "shape distance (0..1) that counts as a change (default 0.3)", fraction)
    .option("--level-ratio <r>", "change of total rate that counts as a change (default 2)", ratio)
    .option("--grace-ms <ms>", "how long after an interval's end late reports are accepted (default one interval)", nonNegativeNumber)
    .option("--min-mbps <x>", "leave out demands below this rate", nonNegativeNumber)
    .option("--top <n>", "how many demands to print per phase", positiveInt, 10)
    .option("--export <format>", "write the topology graph of one phase: graphml | gexf | json (with -o)")
    .option("-o, --output <file>", "file for --export")
    .option("--phase <k>", "phase to export, 1-based (default: the last)", positiveInt)
    .option("--json", "print the whole result as JSON")
    .action(async (path: string, opts: InferOptions) => {
      const problems: string[] = [];
      if (opts.window !== undefined && opts.ewma !== undefined) problems.push("--window and --ewma exclude each other");
      if (opts.threshold !== undefined && opts.autoThreshold === true) problems.push("--threshold and --auto-threshold exclude each other");
      if (opts.export !== undefined && !(opts.export in EXPORTS)) problems.push(`--export: '${opts.export}' is not one of graphml, gexf, json`);
      if (opts.export !== undefined && opts.output === undefined) problems.push("--export needs -o <file>");
      if (opts.output !== undefined && opts.export === undefined) problems.push("-o needs --export <format>");
      const mode = readModeOption(opts);
      if (problems.length > 0) throw new ConfigError("infer options", problems);
      const smoothing: Smoothing =
        opts.window !== undefined ? { kind: "window", intervals: opts.window } : opts.ewma !== undefined ? { kind: "ewma", alpha: opts.ewma } : { kind: "none" };

      const reader = await openTrace(path, { mode });
      const header = reader.header;
      const tracker = new PhaseTracker({
        smoothing,
        change: {
          ...(opts.hold !== undefined ? { hold: opts.hold } : {}),
          ...(opts.minPhase !== undefined ? { minPhase: opts.minPhase } : {}),
          ...(opts.shapeThreshold !== undefined ? { shapeThreshold: opts.shapeThreshold } : {}),
          ...(opts.levelRatio !== undefined ? { levelRatio: opts.levelRatio } : {}),
        },
      });
      let intervals = 0;
      const { vmIds: ids, vmMacs, stats } = await forEachTraceInterval(
        reader,
        (iv) => {
          tracker.push(iv);
          intervals++;
        },
        opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {},
      );
      const phases = tracker.finish();
      const classify = opts.threshold !== undefined ? { threshold: opts.threshold } : {};
      const results: PhaseTopology[] = phases.map((p) => inferTopology(p.meanMbps, p.n, ids.slice(0, p.n).map(vmId), classify, { ...(opts.minMbps !== undefined ? { minMbps: opts.minMbps } : {}) }));

      if (opts.export !== undefined && opts.output !== undefined) {
        const k = (opts.phase ?? phases.length) - 1;
        const p = phases[k];
        if (p === undefined) throw new ConfigError("infer options", [`--phase ${k + 1}: the trace has ${phases.length} phase(s)`]);
        const vms = ids.slice(0, p.n).map((id, i) => ({ id: vmId(id), mac: vmMacs[i]! }));
        const text = EXPORTS[opts.export as keyof typeof EXPORTS](topologyGraph(vms, p.meanMbps, p.n, results[k]!.classification));
        await writeFile(opts.output, text).catch((e: unknown) => {
          throw new IoError(opts.output!, `cannot write: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        });
      }

      if (opts.json === true) {
        const out = {
          trace: path,
          name: header.name ?? null,
          intervals,
          aggregation: stats,
          blips: tracker.detector.blips,
          badLines: reader.stats.badLines,
          errors: reader.stats.errors.map((e) => e.message),
          phases: phases.map((p, k) => ({
            index: k + 1,
            startMs: p.startMs,
            endMs: p.endMs,
            intervals: p.intervals,
            change: p.change,
            topology: describeClassification(results[k]!.classification, ids),
            demands: results[k]!.demands,
          })),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const lines = [`trace      ${path}${header.name !== undefined ? ` (${header.name})` : ""}`];
      if (stats !== null) {
        lines.push(
          `intervals  ${intervals} of ${header.intervalMs ?? "?"} ms; ${stats.accepted} reports used, ${stats.duplicate} duplicate, ${stats.late} late, ${stats.misaligned} misaligned, ${stats.missingReports} missing, ${stats.superseded} superseded`,
        );
      } else lines.push("intervals  0 (no traffic in the trace)");
      lines.push(`bad lines  ${reader.stats.badLines}${reader.stats.badLines > 0 ? " (skipped)" : ""}`);
      for (const e of reader.stats.errors.slice(0, 5)) lines.push(`  ${e.message}`);
      lines.push(`phases     ${phases.length} (change detector: ${tracker.detector.blips} blip(s) ignored)`);
      phases.forEach((p, k) => {
        const r = results[k]!;
        const c = r.classification;
        lines.push("", `phase ${k + 1}: ${formatDuration(p.startMs)} .. ${formatDuration(p.endMs)} (${p.intervals} intervals)`);
        if (p.change !== null) {
          const ch = p.change;
          lines.push(`  change     ${ch.reason}: shape distance ${ch.shapeDistance.toFixed(2)}, level x${ch.levelRatio.toFixed(2)}; declared after ${ch.reactionIntervals} interval(s)`);
        }
        const alt = c.alternatives.length > 0 ? ` (also exactly: ${c.alternatives.join(", ")})` : "";
        lines.push(
          `  topology   ${c.class}${alt}, confidence ${c.confidence.toFixed(2)} (fit ${c.fit.toFixed(2)}, separation ${c.separation.toFixed(2)}), ${(100 * c.coverage).toFixed(1)}% of traffic kept`,
        );
        lines.push(`  cut        ${c.cut.rule} cut, lightest kept pair at ${(100 * c.cut.relative).toPrecision(3)}% of the heaviest; ${c.cut.kept} pairs, ${c.graph.nodes}/${c.graph.activeVms} VMs, degree ${c.graph.minDegree}..${c.graph.maxDegree}, ${c.graph.components} component(s)`);
        if (c.mapping !== null) lines.push(`  mapping    ${mappingLine(c.mapping, ids)}`);
        if (c.flowShare !== null) lines.push(`  flow       ${(100 * c.flowShare).toFixed(1)}% ${c.mapping?.kind === "star" ? "sent by the centre" : "forward along the order"}`);
        const total = r.demands.reduce((s, d) => s + d.mbps, 0);
        lines.push(`  demands    ${r.demands.length}, ${total.toFixed(3)} Mbit/s in all${r.demands.length > opts.top ? `; top ${opts.top}:` : ":"}`);
        if (r.demands.length > 0) {
          const rows = r.demands.slice(0, opts.top).map((d) => [d.src, d.dst, d.mbps.toFixed(3)]);
          lines.push(...table(["src", "dst", "mbps"], rows).split("\n").map((l) => `    ${l}`));
        }
      });
      if (opts.export !== undefined) lines.push("", `wrote ${opts.output} (${opts.export}, phase ${opts.phase ?? phases.length})`);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
