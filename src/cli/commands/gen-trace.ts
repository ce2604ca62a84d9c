import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { createTraceWriter } from "../../adapters/trace/writer.js";
import { IoError } from "../../core/errors.js";
import { createRng } from "../../core/rng.js";
import { BspTraceSpec, generateBspTrace, type BspTraceSpecInput } from "../../core/synth/bsp-trace.js";
import { BSP_PATTERNS } from "../../core/synth/neighbours.js";
import { parseConfig } from "../../core/validate.js";
import { nonNegativeNumber, positiveInt } from "../options.js";

interface GenTraceOptions {
  spec?: string;
  pattern?: string;
  intervals?: number;
  vms?: number;
  hosts?: number;
  sites?: number;
  placement?: string;
  intervalMs?: number;
  messageBytes?: number;
  noise?: number;
  late?: number;
  dup?: number;
  loss?: number;
  seed: number;
  output: string;
}

export function registerGenTrace(program: Command): void {
  program
    .command("gen-trace")
    .description("generate a synthetic BSP application trace (per-host daemon reports, load, link measurements, ground truth)")
    .option("--spec <file>", "JSON spec (all fields of the generator; options below override it)")
    .option("--pattern <list>", `comma-separated phases, each PATTERN or PATTERN:INTERVALS (patterns: ${BSP_PATTERNS.join(", ")})`)
    .option("--intervals <n>", "intervals per phase when a phase names none (default 60)", positiveInt)
    .option("--vms <n>", "number of VMs (default 8)", positiveInt)
    .option("--hosts <n>", "number of hosts (default 4)", positiveInt)
    .option("--sites <n>", "number of sites; hosts are split into sites in blocks (default 2)", positiveInt)
    .option("--placement <p>", "initial placement: block | round-robin | scattered (default scattered: neighbours across sites)")
    .option("--interval-ms <ms>", "reporting interval (default 1000)", positiveInt)
    .option("--message-bytes <n>", "bytes per neighbour per BSP iteration (default 262144)", positiveInt)
    .option("--noise <f>", "relative noise on traffic cells, 0..1 (default 0.1)", nonNegativeNumber)
    .option("--late <p>", "probability a host report arrives 1-3 intervals late (default 0)", nonNegativeNumber)
    .option("--dup <p>", "probability a host report is delivered twice (default 0)", nonNegativeNumber)
    .option("--loss <p>", "probability a host report is lost (default 0)", nonNegativeNumber)
    .option("--seed <n>", "random seed", (v) => Number.parseInt(v, 10), 1)
    .requiredOption("-o, --output <file>", "trace file to write (.trace or .trace.gz; - for stdout)")
    .action(async (opts: GenTraceOptions) => {
      let base: unknown = {};
      if (opts.spec !== undefined) {
        const text = await readFile(opts.spec, "utf8").catch((e: unknown) => {
          throw new IoError(opts.spec ?? "", `cannot read spec: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        });
        try {
          base = JSON.parse(text);
        } catch (e) {
          throw new IoError(opts.spec, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      const overrides: Record<string, unknown> = {};
      if (opts.pattern !== undefined) {
        overrides.phases = opts.pattern.split(",").map((p) => {
          const [pattern, n] = p.trim().split(":");
          return { pattern, intervals: n === undefined ? (opts.intervals ?? 60) : Number(n) };
        });
      }
      const simple: Array<[keyof GenTraceOptions, string]> = [
        ["vms", "vms"], ["hosts", "hosts"], ["sites", "sites"], ["placement", "placement"], ["intervalMs", "intervalMs"],
        ["messageBytes", "messageBytes"], ["noise", "noise"], ["late", "lateProb"], ["dup", "dupProb"], ["loss", "lossProb"],
      ];
      for (const [opt, field] of simple) if (opts[opt] !== undefined) overrides[field] = opts[opt];
      const spec = parseConfig(BspTraceSpec, { ...(base as object), ...overrides }, opts.spec ?? "gen-trace options");
      const { header, events } = generateBspTrace(spec as BspTraceSpecInput, createRng(opts.seed));
      const w = await createTraceWriter(opts.output, header);
      for (const e of events) await w.write(e);
      await w.close();
      if (opts.output !== "-") process.stderr.write(`wrote ${opts.output}: ${header.vms.length} VMs on ${header.hosts.length} hosts, ${w.count} events\n`);
    });
}
