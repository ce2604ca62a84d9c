/**
 * `vadapt import sndlib`: SNDlib networks (native text or XML) and SNDlib dynamic demand-matrix series
 * (a directory of demandMatrix XML files, or a tar archive of them) → a vadapt trace. The parsers are pure and
 * re-exported here for the solver's instance generator and the topology inference; see docs/importers.md#sndlib.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { ConfigError, ExternalError, InputError, IoError } from "../core/errors.js";
import { makeHeader } from "../core/trace/codec.js";
import type { TrafficEvent } from "../core/trace/events.js";
import { parseSndlibNative, SNDLIB_NATIVE_MAGIC } from "./sndlib-native.js";
import type { SndlibNetwork, SndlibParseOptions } from "./sndlib-network.js";
import { DEFAULT_LINK_LATENCY_MS, demandEntries, sndlibOverlayLinks, sndlibPlacement, type SelfDemands } from "./sndlib-trace.js";
import { parseDemandMatrixXml, parseGranularityMs, parseSndlibTime, parseSndlibXml } from "./sndlib-xml.js";
import type { ImportedTrace } from "./types.js";
import { sample } from "./warnings.js";
import { decodeXml } from "./xml.js";

export { parseSndlibNative, SNDLIB_NATIVE_MAGIC } from "./sndlib-native.js";
export * from "./sndlib-network.js";
export { DEFAULT_LINK_LATENCY_MS, demandEntries, sndlibOverlayLinks, sndlibPlacement } from "./sndlib-trace.js";
export { parseDemandMatrixXml, parseGranularityMs, parseSndlibTime, parseSndlibXml, type SndlibDemandMatrix } from "./sndlib-xml.js";

const execFileAsync = promisify(execFile);

/** Interval a static network's demand matrix is taken to cover when nothing says otherwise, ms. */
export const DEFAULT_STATIC_INTERVAL_MS = 1000;

export interface SndlibImportOptions extends SndlibParseOptions {
  /** Take hosts, coordinates and links from this network file (native or XML) instead of the input. */
  readonly network?: string;
  /** A single network's matrix covers this long (default META granularity if fixed, else 1000 ms); for a series, overrides every file's granularity. */
  readonly intervalMs?: number;
  /** Latency of links whose length is unknown, ms (default {@link DEFAULT_LINK_LATENCY_MS}). */
  readonly defaultLatencyMs?: number;
}

/** Parses SNDlib network text, native or XML, told apart by the first characters. */
export function parseSndlib(text: string, file: string, options: SndlibParseOptions = {}): SndlibNetwork {
  const head = text.trimStart();
  if (head.startsWith(SNDLIB_NATIVE_MAGIC)) return parseSndlibNative(text, file, options);
  if (head.startsWith("<")) return parseSndlibXml(text, file, options);
  throw new InputError({ file, line: 1 }, `not an SNDlib file: expected '${SNDLIB_NATIVE_MAGIC}' (native) or '<?xml' (XML) at the start`);
}

async function readBytes(path: string): Promise<Buffer> {
  return readFile(path).catch((e: unknown) => {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
}

/** Reads and parses an SNDlib network file (native or XML). */
export async function readSndlibNetwork(path: string, options: SndlibParseOptions = {}): Promise<SndlibNetwork> {
  return parseSndlib(decodeXml(await readBytes(path)), path, options);
}

const TAR_FLAGS: ReadonlyArray<[RegExp, string]> = [
  [/\.(tar\.xz|txz)$/i, "J"],
  [/\.(tar\.gz|tgz)$/i, "z"],
  [/\.(tar\.bz2|tbz2?)$/i, "j"],
  [/\.tar$/i, ""],
];

/** The tar decompression flag for an archive name, or undefined when the name is not a tar archive. */
function tarFlag(path: string): string | undefined {
  return TAR_FLAGS.find(([re]) => re.test(path))?.[1];
}

async function tar(args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync("tar", args, { encoding: "buffer", maxBuffer: 1 << 30 });
    return stdout;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new ExternalError("tar", `tar ${args.join(" ")} failed: ${stderr !== undefined && stderr !== "" ? stderr : e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A series' matrix files in time order, read one by one. */
interface SeriesSource {
  /** The directory or archive, for messages and the trace's name. */
  readonly path: string;
  /** Names of the matrix files (relative to the directory, or archive members), in time order. */
  readonly names: readonly string[];
  /** Whether the order comes from time stamps in the names (else from the names themselves). */
  readonly stamped: boolean;
  /** Stamps parsed from the names, in order (when `stamped`). */
  readonly stamps: readonly number[];
  readFirst(): Promise<{ file: string; text: string }>;
  /** Every file in order. An archive is unpacked into a temporary directory that is removed when iteration ends. */
  files(): AsyncGenerator<{ file: string; text: string }>;
}

const STAMP = /(\d{8}(?:-\d{4})?)\.xml$/i;

/** Orders matrix file names by the `YYYYMMDD[-HHMM]` stamp before `.xml`, or by name when some lack one. */
export function orderSeriesNames(names: readonly string[]): { names: string[]; stamped: boolean; stamps: number[] } {
  const stamped = names.map((n) => ({ n, t: parseSndlibTime(STAMP.exec(basename(n))?.[1] ?? "") }));
  const byName = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });
  if (stamped.every((s) => s.t !== undefined)) {
    stamped.sort((a, b) => a.t! - b.t! || byName(a.n, b.n));
    return { names: stamped.map((s) => s.n), stamped: true, stamps: stamped.map((s) => s.t!) };
  }
  return { names: [...names].sort(byName), stamped: false, stamps: [] };
}

async function directorySource(dir: string): Promise<SeriesSource> {
  const all = await readdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new IoError(dir, `cannot list: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  const xml = all.filter((n) => n.toLowerCase().endsWith(".xml") && !n.split(/[\\/]/).some((p) => p.startsWith(".")));
  const order = orderSeriesNames(xml);
  const read = async (name: string): Promise<{ file: string; text: string }> => {
    const file = join(dir, name);
    return { file, text: decodeXml(await readBytes(file)) };
  };
  return {
    path: dir,
    ...order,
    readFirst: () => read(order.names[0]!),
    async *files() {
      for (const n of order.names) yield await read(n);
    },
  };
}

async function archiveSource(archive: string, flag: string): Promise<SeriesSource> {
  const listing = (await tar([`-t${flag}f`, archive])).toString("utf8");
  const members = listing.split("\n").filter((n) => n.toLowerCase().endsWith(".xml") && !basename(n).startsWith("."));
  const order = orderSeriesNames(members);
  return {
    path: archive,
    ...order,
    async readFirst() {
      const name = order.names[0]!;
      return { file: `${archive}[${name}]`, text: decodeXml(await tar([`-x${flag}Of`, archive, name])) };
    },
    async *files() {
      const dir = await mkdtemp(join(tmpdir(), "vadapt-sndlib-"));
      try {
        await tar([`-x${flag}f`, archive, "-C", dir]);
        for (const n of order.names) yield { file: `${archive}[${n}]`, text: decodeXml(await readBytes(join(dir, n))) };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Warns about holes in a stamped series (missing intervals between consecutive matrices). */
function gapWarnings(src: SeriesSource, intervalMs: number): string[] {
  const gaps: string[] = [];
  let missing = 0;
  let duplicates = 0;
  for (let i = 1; i < src.stamps.length; i++) {
    const d = src.stamps[i]! - src.stamps[i - 1]!;
    if (d === 0) duplicates++;
    else if (d > intervalMs) {
      missing += Math.round(d / intervalMs) - 1;
      gaps.push(`${new Date(src.stamps[i - 1]! + intervalMs).toISOString()} to ${new Date(src.stamps[i]!).toISOString()}`);
    }
  }
  const out: string[] = [];
  if (gaps.length > 0) out.push(`${src.path}: ${missing} interval(s) missing in ${gaps.length} gap(s) (no events there): ${sample(gaps, 3)}`);
  if (duplicates > 0) out.push(`${src.path}: ${duplicates} file(s) share a time stamp with the file before (both are written)`);
  return out;
}

function topologyMeta(net: SndlibNetwork): Record<string, unknown> {
  const rules: Record<string, number> = {};
  for (const l of net.links) rules[l.capacityRule] = (rules[l.capacityRule] ?? 0) + 1;
  return { unit: net.unit.name, unitAssumed: net.unit.assumed, coordinates: net.coordinates, sndlibLinks: net.links.length, capacityRules: rules };
}

function checkNodes(net: SndlibNetwork, known: ReadonlySet<string>, topologyFile: string): void {
  for (const d of net.demands) {
    for (const n of [d.source, d.target]) {
      if (!known.has(n)) throw new InputError({ file: net.file, field: `demand ${d.id}` }, `node '${n}' is not in the network ${topologyFile}`);
    }
  }
}

async function openNetworkFile(path: string, options: SndlibImportOptions): Promise<ImportedTrace> {
  const net = await readSndlibNetwork(path, options);
  const topo = options.network === undefined ? net : await readSndlibNetwork(options.network, options);
  const warnings = [...net.warnings, ...(topo === net ? [] : topo.warnings)];
  const placement = sndlibPlacement(topo);
  checkNodes(net, new Set(placement.macOf.keys()), topo.file);
  const links = sndlibOverlayLinks(topo, options.defaultLatencyMs ?? DEFAULT_LINK_LATENCY_MS, warnings);
  const intervalMs = options.intervalMs ?? parseGranularityMs(net.meta.granularity ?? "") ?? DEFAULT_STATIC_INTERVAL_MS;
  const start = parseSndlibTime(net.meta.time ?? "");
  const self: SelfDemands = { count: 0 };
  const entries = demandEntries(net.demands, placement.macOf, intervalMs, self);
  if (self.count > 0) warnings.push(`${path}: ${self.count} demand(s) from a node to itself left out`);
  const header = makeHeader({
    name: `sndlib ${basename(path).replace(/\.(txt|xml)$/i, "")}`,
    source: path,
    ...(start !== undefined ? { startTime: new Date(start).toISOString() } : {}),
    intervalMs,
    hosts: placement.hosts,
    vms: placement.vms,
    links,
    meta: {
      importer: "sndlib",
      kind: "network",
      ...topologyMeta(topo),
      ...(topo !== net ? { network: topo.file } : {}),
      demands: net.demands.length,
      totalDemandMbps: net.demands.reduce((s, d) => s + d.valueMbps, 0),
      sndlibMeta: net.meta,
      packets: "unknown (written as 0)",
    },
  });
  const event: TrafficEvent = { type: "traffic", tMs: intervalMs, startMs: 0, intervalMs, entries };
  return { header, events: [event], warnings };
}

async function openSeries(src: SeriesSource, options: SndlibImportOptions): Promise<ImportedTrace> {
  if (src.names.length === 0) throw new InputError({ file: src.path }, "no .xml demand-matrix files found");
  const first = await src.readFirst();
  const m0 = parseDemandMatrixXml(first.text, first.file, options);
  const topo = options.network === undefined ? m0.network : await readSndlibNetwork(options.network, options);
  const warnings = [...topo.warnings];
  if (!src.stamped) warnings.push(`${src.path}: file names carry no YYYYMMDD[-HHMM] stamp; files are taken in name order`);
  warnings.push(...gapWarnings(src, m0.intervalMs));
  if (options.network === undefined) {
    warnings.push(`${src.path}: demand matrices carry no links; hosts come from the first matrix's nodes and the trace has no overlay links (give --network with the matching SNDlib network file)`);
  }
  const placement = sndlibPlacement(topo);
  const known = new Set(placement.macOf.keys());
  const links = sndlibOverlayLinks(topo, options.defaultLatencyMs ?? DEFAULT_LINK_LATENCY_MS, warnings);
  const intervalMs = m0.intervalMs;
  const t0 = m0.epochMs;
  const lastStamp = src.stamps.at(-1);
  const header = makeHeader({
    name: `sndlib ${basename(src.path).replace(/\.(tar(\.\w+)?|t\w+)$/i, "")}`,
    source: src.path,
    startTime: new Date(t0).toISOString(),
    intervalMs,
    hosts: placement.hosts,
    vms: placement.vms,
    links,
    meta: {
      importer: "sndlib",
      kind: "series",
      matrices: src.names.length,
      first: new Date(t0).toISOString(),
      ...(lastStamp !== undefined ? { last: new Date(lastStamp).toISOString() } : {}),
      ...topologyMeta(topo),
      ...(options.network !== undefined ? { network: topo.file } : {}),
      sndlibMeta: m0.network.meta,
      packets: "unknown (written as 0)",
    },
  });
  async function* events(): AsyncGenerator<TrafficEvent> {
    let prev = Number.NEGATIVE_INFINITY;
    const self: SelfDemands = { count: 0 };
    for await (const { file, text } of src.files()) {
      const m = parseDemandMatrixXml(text, file, options);
      if (m.intervalMs !== intervalMs) {
        throw new InputError({ file, field: "network.meta.granularity" }, `interval ${m.intervalMs} ms differs from the series' ${intervalMs} ms (give --interval-ms to force one)`);
      }
      if (m.epochMs < prev) throw new InputError({ file, field: "network.meta.time" }, `time ${new Date(m.epochMs).toISOString()} is before the previous file's`);
      prev = m.epochMs;
      checkNodes(m.network, known, topo.file);
      const startMs = m.epochMs - t0;
      yield { type: "traffic", tMs: startMs + intervalMs, startMs, intervalMs, entries: demandEntries(m.network.demands, placement.macOf, intervalMs, self) };
    }
    if (self.count > 0) warnings.push(`${src.path}: ${self.count} demand(s) from a node to itself left out`);
  }
  return { header, events: events(), warnings };
}

/**
 * Opens an SNDlib input as a vadapt trace:
 * - a network file (native `.txt` or `.xml`, or a single demand-matrix `.xml`): hosts, one VM per node, overlay
 *   links and one traffic event holding the demand matrix;
 * - a directory of demandMatrix XML files, or a tar archive of them (`.tar.xz`, `.tar.gz`, `.tar`, unpacked with
 *   `tar` into a temporary directory while the events are read): one traffic event per matrix, in time order.
 * `options.network` supplies hosts, coordinates and links (a series' matrices have no links).
 */
export async function openSndlib(path: string, options: SndlibImportOptions = {}): Promise<ImportedTrace> {
  if (options.intervalMs !== undefined && !(options.intervalMs > 0)) throw new ConfigError("sndlib import", [`intervalMs: ${options.intervalMs} is not positive`]);
  if (options.defaultLatencyMs !== undefined && !(options.defaultLatencyMs >= 0)) throw new ConfigError("sndlib import", [`defaultLatencyMs: ${options.defaultLatencyMs} is negative`]);
  const st = await stat(path).catch((e: unknown) => {
    throw new IoError(path, `cannot open: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  if (st.isDirectory()) return openSeries(await directorySource(path), options);
  const flag = tarFlag(path);
  if (flag !== undefined) return openSeries(await archiveSource(path, flag), options);
  return openNetworkFile(path, options);
}
