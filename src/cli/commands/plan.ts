import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { loadConfig } from "../../service/config.js";
import { runWhatIf, type WhatIfReport } from "../../service/planner.js";
import { formatDuration } from "../format.js";
import { nonNegativeNumber, positiveInt, readModeOption } from "../options.js";

interface PlanOptions {
  config?: string;
  solver?: string;
  objective?: string;
  horizonS?: number;
  marginPct?: number;
  minDwellMs?: number;
  maxMigrations?: number;
  warmup?: number;
  json?: boolean;
  output?: string;
  strict?: boolean;
  lenient?: boolean;
  progress: boolean;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

/** Each objective's unit as the spec defines it. */
const OBJECTIVE_UNITS: Readonly<Record<string, string>> = {
  "residual-bottleneck": "Σ residual Mbit/s, higher is better",
  "traffic-cost": "Σ Mbit/s × ms, lower is better",
  "max-utilization": "highest link load / capacity, lower is better",
};

function render(r: WhatIfReport): string {
  const out: string[] = [];
  out.push(`what-if: ${r.trace}${r.name !== undefined ? ` (${r.name})` : ""}: ${r.vms} VMs on ${r.hosts} hosts, ${r.intervals} intervals, ${r.events} events${r.badLines > 0 ? `, ${r.badLines} bad lines skipped` : ""}`);
  out.push(`traffic changes detected: ${r.changes}; decisions: ${r.decisions.length}; plans: ${r.plans.length}`);
  for (const d of r.decisions) {
    const topo = d.topology === null ? "" : ` [${d.topology.class} ${d.topology.confidence.toFixed(2)}]`;
    out.push("", `t=${formatDuration(d.tMs)}  ${d.trigger}${topo}: ${d.act ? `PLAN ${d.planId}` : `no action: ${d.reason}`}`);
    const rec = r.plans.find((p) => p.plan.id === d.planId);
    if (rec === undefined) continue;
    const e = rec.plan.efficacy;
    out.push(
      `  ${e.objective} (${OBJECTIVE_UNITS[e.objective] ?? "objective"}): ${fmt(e.before)} → ${fmt(e.after)} (${e.predictedGainPct >= 0 ? "+" : ""}${e.predictedGainPct.toFixed(1)}%), ` +
        `${e.migrations.length} migration(s), ${e.migrationSeconds.toFixed(1)} s of copy, ${e.linksAdded} link(s) added, ${e.linksRemoved} removed, ${e.rulesChanged} rule change(s); ${rec.status}`,
    );
    rec.plan.actions.forEach((a, i) => out.push(`  ${String(i + 1).padStart(3)}. ${a.explain}`));
  }
  const moved = Object.entries(r.finalPlacement).filter(([vm, h]) => r.initialPlacement[vm] !== h);
  out.push("", `placement: ${moved.length === 0 ? "unchanged" : moved.map(([vm, h]) => `${vm} ${r.initialPlacement[vm] ?? "?"}→${h}`).join(", ")}`);
  return out.join("\n");
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("what-if planner: replay a trace through the adaptation loop (virtual clock, simulated agents, no broker) and report the plans it would make and their predicted effect")
    .argument("<trace>", "trace file (.trace, .trace.gz; - for stdin)")
    .option("--config <file>", "optimizer configuration (JSON; same schema as `vadapt serve`)")
    .option("--solver <name>", "greedy | anneal | mip | auto")
    .option("--objective <name>", "residual-bottleneck | traffic-cost | max-utilization")
    .option("--horizon-s <s>", "how far ahead a plan's gain is counted against its migration cost", nonNegativeNumber)
    .option("--margin-pct <pct>", "least improvement worth acting on, percent", nonNegativeNumber)
    .option("--min-dwell-ms <ms>", "a VM that moved stays at least this long", nonNegativeNumber)
    .option("--max-migrations <n>", "most VMs one plan may move", (v) => Number.parseInt(v, 10))
    .option("--warmup <intervals>", "intervals of data before the first decision", positiveInt)
    .option("--strict", "stop at the first malformed line (default)")
    .option("--lenient", "skip malformed lines, count them")
    .option("--json", "print the full report (plans with every action and efficacy indicator) as JSON")
    .option("-o, --output <file>", "also write the JSON report to a file")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (trace: string, opts: PlanOptions) => {
      const overrides: Record<string, unknown> = {};
      const policy: Record<string, unknown> = {};
      if (opts.solver !== undefined) overrides.solver = { name: opts.solver };
      if (opts.objective !== undefined) policy.objective = opts.objective;
      if (opts.horizonS !== undefined) policy.horizonS = opts.horizonS;
      if (opts.marginPct !== undefined) policy.marginPct = opts.marginPct;
      if (opts.minDwellMs !== undefined) policy.minDwellMs = opts.minDwellMs;
      if (opts.maxMigrations !== undefined) policy.maxMigrations = opts.maxMigrations;
      if (Object.keys(policy).length > 0) overrides.policy = policy;
      if (opts.warmup !== undefined) overrides.warmupIntervals = opts.warmup;
      const config = loadConfig(opts.config, process.env, overrides);
      let size = 0;
      try {
        size = trace === "-" || trace.endsWith(".gz") ? 0 : statSync(trace).size;
      } catch {
        size = 0;
      }
      const showProgress = opts.progress && process.stderr.isTTY === true;
      const report = await runWhatIf(trace, {
        config,
        read: { mode: readModeOption(opts) },
        onProgress: (bytes, events) => {
          if (!showProgress) return;
          const pct = size > 0 ? Math.min(100, (100 * bytes) / size) : null;
          const bar = pct === null ? "" : `[${"#".repeat(Math.round(pct / 4)).padEnd(25)}] ${pct.toFixed(0)}% `;
          process.stderr.write(`\r${bar}${events} events`);
        },
      });
      if (showProgress) process.stderr.write("\n");
      const json = JSON.stringify(report, null, 2);
      if (opts.output !== undefined) await writeFile(opts.output, `${json}\n`);
      process.stdout.write(opts.json === true ? `${json}\n` : `${render(report)}\n`);
    });
}
