/**
 * MPI communication graphs (CNCA-CeNAT comm-patterns-clustering: `graphStats.txt` files built from mpiP
 * reports of NPB, CloverLeaf, CoMD, miniMD runs) → one VM per rank and one global traffic matrix.
 *
 * A graph file lists `i , j = bytes` lines between `Graph Information` and `Graph info end` markers, followed
 * by statistics sections that are ignored. In the shipped files every pair appears once with `i < j`: the
 * graph is undirected and `bytes` is the traffic of both directions together (the sums match the mpiP reports'
 * total sent bytes to within 0.3%). See docs/importers.md#mpi.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ConfigError, InputError, IoError } from "../core/errors.js";
import { hostId, syntheticMac, vmId, type Mac } from "../core/model/ids.js";
import type { HostInput, VmInput } from "../core/model/network.js";
import { makeHeader } from "../core/trace/codec.js";
import type { TrafficEvent } from "../core/trace/events.js";
import { BadLines, handleBadLine, numberedLines, parseIndex, parseNumber, type ParseOptions } from "./parse-util.js";
import type { ImportedTrace } from "./types.js";

/** Total bytes exchanged between two ranks. */
export interface MpiEntry {
  readonly src: number;
  readonly dst: number;
  readonly bytes: number;
}

/** A parsed communication graph. */
export interface MpiGraph {
  /** Highest rank index named + 1 (0 for an empty graph). */
  readonly ranks: number;
  /** One entry per ordered (src, dst) pair as written, duplicates summed, in order of first appearance. */
  readonly entries: MpiEntry[];
  /** True when some pair appears in both orientations (i, j) and (j, i); false for the shipped files. */
  readonly directed: boolean;
  /** Lines skipped in lenient mode. */
  readonly badLines: number;
}

const START = /graph information/i;
const END = /graph info end/i;

/**
 * Parses a `graphStats.txt` communication graph: the `i , j = bytes` lines of its Graph Information block (or
 * every non-empty line when the file has no such block). A malformed line is an {@link InputError} naming file,
 * line and field (`src`, `dst`, `bytes`); in lenient mode it is skipped and counted.
 */
export function parseMpiGraph(text: string, file: string, options: Omit<ParseOptions, "file"> = {}): MpiGraph {
  const opts: ParseOptions = { ...options, file };
  const lines = numberedLines(text);
  const hasBlock = lines.some((l) => START.test(l.text));
  let inBlock = !hasBlock;
  const sums = new Map<string, { src: number; dst: number; bytes: number }>();
  let maxRank = -1;
  let badLines = 0;
  for (const { text: t, line } of lines) {
    if (hasBlock) {
      if (START.test(t)) {
        inBlock = true;
        continue;
      }
      if (END.test(t)) {
        inBlock = false;
        continue;
      }
    }
    if (!inBlock) continue;
    try {
      const e = parseMpiLine(t, { file, line });
      const key = `${e.src},${e.dst}`;
      const prev = sums.get(key);
      if (prev === undefined) sums.set(key, { ...e });
      else prev.bytes += e.bytes;
      maxRank = Math.max(maxRank, e.src, e.dst);
    } catch (err) {
      handleBadLine(err, opts);
      badLines++;
    }
  }
  let directed = false;
  for (const e of sums.values()) {
    if (e.src !== e.dst && sums.has(`${e.dst},${e.src}`)) {
      directed = true;
      break;
    }
  }
  return { ranks: maxRank + 1, entries: [...sums.values()], directed, badLines };
}

function parseMpiLine(t: string, where: { file: string; line: number }): MpiEntry {
  const eq = t.indexOf("=");
  if (eq < 0) throw new InputError({ ...where, field: "bytes" }, "expected 'i , j = bytes' (no '=')");
  const pair = t.slice(0, eq).split(",");
  if (pair.length !== 2) throw new InputError({ ...where, field: "dst" }, "expected 'i , j = bytes' (need exactly one ',' before '=')");
  const src = parseIndex(pair[0]!, where, "src");
  const dst = parseIndex(pair[1]!, where, "dst");
  if (src > 0xfffffffe) throw new InputError({ ...where, field: "src" }, `rank ${src} is beyond the 32-bit rank range`);
  if (dst > 0xfffffffe) throw new InputError({ ...where, field: "dst" }, `rank ${dst} is beyond the 32-bit rank range`);
  const bytes = parseNumber(t.slice(eq + 1), where, "bytes", { min: 0 });
  return { src, dst, bytes };
}

/**
 * The run's wall time in seconds from an mpiP report: the largest per-task `AppTime` of its
 * `MPI Time (seconds)` table, or undefined when the report has no such table.
 */
export function parseMpipAppTimeS(text: string): number | undefined {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith("@--- MPI Time (seconds)"));
  if (at < 0) return undefined;
  let best: number | undefined;
  for (let i = at + 1; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l.startsWith("@---")) break;
    const m = /^(\d+)\s+(\S+)\s+\S+\s+\S+$/.exec(l);
    if (m === null) continue;
    const v = Number(m[2]);
    if (Number.isFinite(v) && v > 0) best = best === undefined ? v : Math.max(best, v);
  }
  return best;
}

/** How `--hosts` spreads ranks over hosts. */
export const MpiPlacement = { Block: "block", RoundRobin: "round-robin" } as const;
export type MpiPlacement = (typeof MpiPlacement)[keyof typeof MpiPlacement];

/** Host index (0-based) of `rank` among `ranks` ranks on `hosts` hosts. */
export function placeRank(rank: number, ranks: number, hosts: number, placement: MpiPlacement): number {
  return placement === MpiPlacement.RoundRobin ? rank % hosts : Math.floor((rank * hosts) / ranks);
}

export interface MpiImportOptions {
  /** Spread the ranks over this many hosts `h1..hN` (default: no hosts). */
  readonly hosts?: number;
  /** Default `block`. */
  readonly placement?: MpiPlacement;
  /** Interval the matrix covers; default the mpiP report's run time, else 1000 ms with a warning. */
  readonly intervalMs?: number;
  readonly mode?: ParseOptions["mode"];
}

async function resolveGraphFile(path: string): Promise<string> {
  const st = await stat(path).catch((e: unknown) => {
    throw new IoError(path, `cannot open: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  if (!st.isDirectory()) return path;
  const f = join(path, "graphStats.txt");
  await stat(f).catch((e: unknown) => {
    throw new IoError(path, "is a directory without a graphStats.txt (give a run directory such as NPB/cg_results/64_ranks, or the file)", { cause: e });
  });
  return f;
}

/**
 * Imports a communication graph (a `graphStats.txt` file or a run directory holding one): VM `rank<i>` with
 * MAC `syntheticMac(i + 1)` for every rank, optionally placed on `hosts` hosts, and one global traffic event
 * with the bytes of every rank pair (packets unknown, written as 0) over the run's duration.
 */
export async function openMpi(path: string, options: MpiImportOptions = {}): Promise<ImportedTrace> {
  const file = await resolveGraphFile(path);
  const text = await readFile(file, "utf8").catch((e: unknown) => {
    throw new IoError(file, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  const bad = new BadLines();
  const graph = parseMpiGraph(text, file, { mode: options.mode ?? "strict", onBadLine: bad.add });
  const warnings = bad.warnings("graph line");
  if (graph.entries.length === 0) throw new InputError({ file }, "no 'i , j = bytes' entries found");

  const dir = dirname(file);
  const reports = (await readdir(dir)).filter((n) => n.endsWith(".mpiP")).sort();
  let appTimeS: number | undefined;
  if (reports.length > 0) {
    appTimeS = parseMpipAppTimeS(await readFile(join(dir, reports[0]!), "utf8"));
    if (reports.length > 1) warnings.push(`${dir} holds ${reports.length} mpiP reports; the run time is taken from ${reports[0]}`);
  }
  let intervalMs = options.intervalMs;
  if (intervalMs === undefined && appTimeS !== undefined) intervalMs = Math.round(appTimeS * 1000);
  if (intervalMs === undefined) {
    intervalMs = 1000;
    warnings.push("no mpiP report beside the graph: the run's duration is unknown, so the matrix is taken to cover 1000 ms (set --interval-ms)");
  }

  const hint = /(\d+)_ranks/.exec(file);
  let ranks = graph.ranks;
  if (hint !== null && Number(hint[1]) > ranks) {
    warnings.push(`the folder says ${hint[1]} ranks but the graph names only ${ranks}; ranks ${ranks}..${Number(hint[1]) - 1} are added without traffic`);
    ranks = Number(hint[1]);
  }

  const nHosts = options.hosts;
  const placement = options.placement ?? MpiPlacement.Block;
  if (nHosts !== undefined && (!Number.isInteger(nHosts) || nHosts < 1)) throw new ConfigError("mpi import", [`hosts: ${nHosts} is not a positive integer`]);
  const hosts: HostInput[] = [];
  if (nHosts !== undefined) {
    const per = new Array<number>(nHosts).fill(0);
    for (let r = 0; r < ranks; r++) per[placeRank(r, ranks, nHosts, placement)]!++;
    for (let h = 0; h < nHosts; h++) hosts.push({ id: hostId(`h${h + 1}`), cpu: Math.max(1, per[h]!) });
  }
  const macs: Mac[] = [];
  const vms: VmInput[] = [];
  for (let r = 0; r < ranks; r++) {
    const mac = syntheticMac(r + 1);
    macs.push(mac);
    vms.push({ id: vmId(`rank${r}`), mac, ...(nHosts !== undefined ? { host: hostId(`h${placeRank(r, ranks, nHosts, placement) + 1}`) } : {}) });
  }
  let totalBytes = 0;
  const entries: TrafficEvent["entries"] = graph.entries.map((e) => {
    totalBytes += e.bytes;
    return [macs[e.src]!, macs[e.dst]!, e.bytes, 0];
  });
  const run = basename(dir);
  const app = basename(dirname(dir));
  const header = makeHeader({
    name: `mpi ${app}/${run}`,
    source: file,
    intervalMs,
    hosts,
    vms,
    links: [],
    meta: {
      importer: "mpi",
      ranks,
      pairs: entries.length,
      totalBytes,
      directed: graph.directed,
      pairBytes: graph.directed ? "per direction as written" : "both directions together (each pair once, i < j)",
      packets: "unknown (written as 0)",
      ...(appTimeS !== undefined ? { mpipAppTimeS: appTimeS } : {}),
      ...(nHosts !== undefined ? { placement } : {}),
    },
  });
  const event: TrafficEvent = { type: "traffic", tMs: intervalMs, startMs: 0, intervalMs, entries };
  return { header, events: [event], warnings };
}
