/**
 * Reading an experiment's data once, before the cells run: topologies (SNDlib, Topology Zoo, or synthetic),
 * application patterns (synthetic, or a real MPI run's graph) and CPU load series (Bitbrains, Azure, PlanetLab,
 * Alibaba), with paths relative to the experiment's data directory. Every missing file is reported at once.
 */
import { readFile } from "node:fs/promises";
import { basename, isAbsolute, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError, IoError, VadaptError } from "../core/errors.js";
import type { Pattern, Topology } from "../core/instances/generate.js";
import type { ExperimentConfig, TraceLoadSpec } from "../core/experiment/config.js";
import { syntheticPattern, type ExperimentInputs } from "../core/experiment/scenario.js";
import { syntheticTopology } from "../core/experiment/synthetic.js";
import { parseLoadText } from "../importers/load-formats.js";
import { parseMpiGraph } from "../importers/mpi.js";
import { expandInputs } from "../importers/paths.js";
import { readTextFile, readTopologyFile } from "../importers/topology.js";

/** Files a load directory holds that are not data. */
const NOT_DATA = /^(readme|license|licence|copying|sources|machine_meta\.csv)(\..*)?$|\.(md|txt|tar|tar\.xz|tar\.gz|tgz|zip|xz)$/i;

/** A path of the config, relative to the data directory unless absolute. */
export function dataFile(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dataDir, path);
}

async function readMaybeGzip(path: string): Promise<string> {
  const buf = await readFile(path).catch((e: unknown) => {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  return (path.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
}

/** CPU use (percent per sample) of every series of a trace load, in natural file order. */
export async function readLoadSeries(spec: TraceLoadSpec, dataDir: string): Promise<Float64Array[]> {
  const files = await expandInputs(spec.files.map((f) => dataFile(dataDir, f)), (p) => !NOT_DATA.test(basename(p)));
  const out: Float64Array[] = [];
  for (const f of files) {
    if (spec.maxSeries !== undefined && out.length >= spec.maxSeries) break;
    for (const s of parseLoadText(await readMaybeGzip(f), f, spec.format !== undefined ? { format: spec.format } : {})) {
      const cpu = s.rows.flatMap((r) => (r.cpuPct === undefined ? [] : [r.cpuPct]));
      if (cpu.length > 0) out.push(Float64Array.from(cpu));
      if (spec.maxSeries !== undefined && out.length >= spec.maxSeries) break;
    }
  }
  if (out.length === 0) throw new ConfigError(`load '${spec.name}'`, [`no CPU series in ${spec.files.join(", ")}`]);
  return out;
}

/** Everything the cells need, read once; importer warnings go to `warn`. */
export async function readExperimentInputs(config: ExperimentConfig, dataDir: string, warn: (message: string) => void = () => {}): Promise<ExperimentInputs> {
  const problems: string[] = [];
  const attempt = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof VadaptError)) throw e;
      problems.push(`${what}: ${e.message}`);
      return undefined;
    }
  };
  const topologies: Record<string, Topology> = {};
  for (const [i, t] of config.topologies.entries()) {
    if (t.synthetic !== undefined) {
      topologies[t.name] = syntheticTopology(t.synthetic);
      continue;
    }
    const r = await attempt(`topologies[${i}] '${t.name}'`, () => readTopologyFile(dataFile(dataDir, t.file!)));
    if (r === undefined) continue;
    for (const w of r.warnings) warn(`topology '${t.name}': ${w}`);
    topologies[t.name] = r.topology;
  }
  const patterns: Record<string, Pattern> = {};
  for (const [i, p] of config.patterns.entries()) {
    if (p.kind !== "mpi") {
      patterns[p.name] = syntheticPattern(p);
      continue;
    }
    const file = dataFile(dataDir, p.file!);
    const g = await attempt(`patterns[${i}] '${p.name}'`, async () => parseMpiGraph(await readTextFile(file), file));
    if (g !== undefined) patterns[p.name] = { kind: "mpi", ranks: g.ranks, traffic: g.entries, directed: g.directed };
  }
  const loads: Record<string, Float64Array[]> = {};
  for (const [i, l] of config.loads.entries()) {
    if (l.kind !== "trace") continue;
    const s = await attempt(`loads[${i}] '${l.name}'`, () => readLoadSeries(l, dataDir));
    if (s !== undefined) loads[l.name] = s;
  }
  if (problems.length > 0) throw new ConfigError("experiment inputs", problems);
  return { topologies, patterns, loads };
}
