/**
 * The one configuration schema of the optimizer (service and what-if planner alike): a JSON file, then
 * environment overrides `VADAPT_<PATH>` (e.g. `VADAPT_NATS_SERVERS`, `VADAPT_POLICY_MARGIN_PCT`), then command-line
 * options. Every problem is listed at once, each with its field.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, IoError } from "../core/errors.js";
import { ObjectiveName } from "../core/model/problem.js";
import { ChangeOptions } from "../core/vttif/change.js";
import { Smoothing } from "../core/vttif/smooth.js";
import { parseConfig } from "../core/validate.js";

export const ServiceConfig = z.object({
  overlay: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 characters of A-Z a-z 0-9 _ -").default("default"),
  nats: z
    .object({
      servers: z.union([z.string(), z.array(z.string()).min(1)]).default("nats://127.0.0.1:4222"),
      user: z.string().optional(),
      pass: z.string().optional(),
      token: z.string().optional(),
      /** Keep reports in a JetStream stream so a restarted optimizer rebuilds its window. */
      jetstream: z.boolean().default(true),
    })
    .prefault({}),
  intervalMs: z.number().int().positive().default(1000),
  graceMs: z.number().int().nonnegative().default(1000),
  smoothing: Smoothing.default({ kind: "ewma", alpha: 0.3 }),
  change: ChangeOptions.prefault({}),
  warmupIntervals: z.number().int().positive().default(5),
  periodicIntervals: z.number().int().nonnegative().default(60),
  /** The predict step: each demand is planned at its forecast rate (RPS-style model over its rate history). */
  forecast: z
    .object({
      enabled: z.boolean().default(true),
      model: z.string().default("ar:4"),
      aheadIntervals: z.number().int().positive().default(10),
      historyIntervals: z.number().int().positive().default(120),
      minHistory: z.number().int().positive().default(16),
      z: z.number().nonnegative().default(0),
    })
    .prefault({}),
  policy: z
    .object({
      objective: ObjectiveName.default("residual-bottleneck"),
      horizonS: z.number().positive().default(3600),
      marginPct: z.number().nonnegative().default(10),
      minDwellMs: z.number().nonnegative().default(300_000),
      maxMigrations: z.number().int().nonnegative().default(8),
      migrationWeight: z.number().nonnegative().default(0),
    })
    .prefault({}),
  solver: z
    .object({
      name: z.enum(["greedy", "anneal", "mip", "bnb", "auto"]).default("anneal"),
      lp: z.enum(["highs", "glpk"]).default("highs"),
      /** Annealing's move budget: a fixed budget keeps plans reproducible (the planner replays the service). */
      iterations: z.number().int().positive().default(20_000),
      seed: z.number().int().default(1),
      deadlineMs: z.number().int().positive().optional(),
    })
    .prefault({}),
  apply: z
    .object({
      maxConcurrent: z.number().int().positive().default(16),
      maxConcurrentMigrations: z.number().int().positive().default(2),
      ackTimeoutMs: z.number().int().positive().default(5000),
      migrationTimeoutMs: z.number().int().positive().default(300_000),
      retries: z.number().int().nonnegative().default(3),
    })
    .prefault({}),
  ingest: z
    .object({
      maxBytes: z.number().int().positive().default(8 << 20),
      staleMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
  /** `auto` applies plans; `dry-run` only recommends; `approve` waits for a human. */
  mode: z.enum(["auto", "dry-run", "approve"]).default("auto"),
  /** `approve` mode: how long a plan waits for `vadapt approve` before it expires (and the loop may decide again). */
  approvalTimeoutMs: z.number().int().positive().default(900_000),
  http: z
    .object({
      host: z.string().default("127.0.0.1"),
      port: z.number().int().min(0).max(65535).default(9464),
    })
    .prefault({}),
  log: z.object({ level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info") }).prefault({}),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

const camelToSnake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/** The environment variables that override a field, by field path: `policy.marginPct` ← `VADAPT_POLICY_MARGIN_PCT`. */
export function envOverrides(env: Readonly<Record<string, string | undefined>>, shape: z.ZodObject = ServiceConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (obj: z.ZodObject, prefix: string[], target: Record<string, unknown>): void => {
    for (const [key, field] of Object.entries(obj.shape)) {
      const path = [...prefix, key];
      let inner: z.ZodType = field as z.ZodType;
      // Unwrap defaults and optionals to find nested objects.
      for (let k = 0; k < 4 && "unwrap" in inner && typeof (inner as { unwrap?: unknown }).unwrap === "function"; k++) inner = (inner as unknown as { unwrap(): z.ZodType }).unwrap();
      if (inner instanceof z.ZodObject) {
        const sub: Record<string, unknown> = {};
        walk(inner, path, sub);
        if (Object.keys(sub).length > 0) target[key] = sub;
        continue;
      }
      const value = env[`VADAPT_${path.map(camelToSnake).join("_")}`];
      if (value === undefined) continue;
      try {
        target[key] = JSON.parse(value);
      } catch {
        target[key] = value;
      }
    }
  };
  walk(shape, [], out);
  return out;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === "object" && v !== null && !Array.isArray(v) && typeof prev === "object" && prev !== null && !Array.isArray(prev) ? merge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Loads the configuration: file (optional) < environment < explicit overrides. */
export function loadConfig(path: string | undefined, env: Readonly<Record<string, string | undefined>>, overrides: Record<string, unknown> = {}): ServiceConfig {
  let file: Record<string, unknown> = {};
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new IoError(path, `cannot read config: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ConfigError(path, ["(root): must be a JSON object"]);
      file = parsed as Record<string, unknown>;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(path, [`not valid JSON: ${e instanceof Error ? e.message : String(e)}`]);
    }
  }
  const source = [path ?? "defaults", "environment", "options"].join(" + ");
  return parseConfig(ServiceConfig, merge(merge(file, envOverrides(env)), overrides), source);
}
