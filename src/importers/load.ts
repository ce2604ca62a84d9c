/**
 * Host/VM load series → `load` events: Bitbrains Rnd (one VM per file), Alibaba 2018 machine usage (one host
 * per machine), Azure V1 CPU (one VM per column), PlanetLab CPU (one VM per file). Files are streamed (gzip
 * through zlib) and merged into one non-decreasing `tMs` order with a k-way merge. The pure parsers live in
 * load-formats.ts; docs/importers.md#load documents columns, units and decisions.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { openByteStream, readLineBatches } from "../adapters/trace/lines.js";
import { ConfigError, ErrorCode, InputError, IoError, VadaptError } from "../core/errors.js";
import { hostId, syntheticMac, vmId } from "../core/model/ids.js";
import type { HostInput, VmInput } from "../core/model/network.js";
import { makeHeader } from "../core/trace/codec.js";
import type { LoadEvent } from "../core/trace/events.js";
import {
  createLoadDecoder,
  detectLoadFormat,
  FIVE_MINUTES_S,
  LoadFormat,
  parseAlibabaMetaRow,
  parseAlibabaUsageRow,
  parseAzureHeader,
  parseBitbrainsRow,
  parseLoadText,
  type LoadRow,
} from "./load-formats.js";
import { flatten, mergeBatchesByTime } from "./merge.js";
import { BadLines, handleBadLine, numberedLines, type ParseMode, type ParseOptions } from "./parse-util.js";
import { expandInputs, naturalCompare } from "./paths.js";
import type { ImportedTrace } from "./types.js";

export * from "./load-formats.js";

export interface LoadImportOptions {
  /** Skip auto-detection. */
  readonly format?: LoadFormat;
  readonly mode?: ParseMode;
}

/** A VM or host the trace will hold: its id in the source and a label (parent folder or file) to tell clashes apart. */
interface Subject {
  readonly natural: string;
  readonly label: string;
  readonly cpu?: number;
  readonly memMB?: number;
}

/** What a format contributes: subjects, an optional time origin, and its events once ids are known. */
interface Plan {
  readonly subjects: Subject[];
  /** Smallest source time (s) of the plan, for formats on an absolute clock. */
  readonly firstS?: number;
  /** Event batches, each stream in non-decreasing tMs order. */
  streams(ctx: StreamContext): Array<AsyncIterable<LoadEvent[]>>;
}

interface StreamContext {
  readonly ids: ReadonlyMap<string, string>;
  readonly originS: number;
  readonly parse: ParseOptions;
}

const NOT_DATA = /^(readme|license|licence|copying|sources)(\..*)?$|\.(md|txt|tar|tar\.xz|tar\.gz|tgz|zip|xz)$/i;
const META_NAME = "machine_meta.csv";
const ALIBABA_LABEL = "alibaba";

/** Reads a file's first non-empty line (or undefined for an empty file). */
async function firstLine(path: string): Promise<string | undefined> {
  for await (const batch of readLineBatches(path)) {
    const l = batch.find((x) => x.text.trim() !== "");
    if (l !== undefined) return l.text;
  }
  return undefined;
}

const stem = (path: string): string => basename(path).replace(/\.gz$/, "").replace(/\.csv$/, "");

/** Streams a file's decoded rows (lines `fromLine..toLine` when given, numbered as in the whole file). */
async function* fileRows(
  path: string,
  decode: (text: string, line: number) => LoadRow[],
  opts: ParseOptions,
  range?: { stream?: Readable; lineOffset: number; fromLine: number; toLine: number },
): AsyncGenerator<LoadRow[]> {
  const offset = range?.lineOffset ?? 0;
  for await (const batch of readLineBatches(path, range?.stream ?? openByteStream(path))) {
    const out: LoadRow[] = [];
    for (const l of batch) {
      const line = l.line + offset;
      if (range !== undefined && (line < range.fromLine || line > range.toLine)) continue;
      try {
        for (const r of decode(l.text, line)) out.push(r);
      } catch (e) {
        handleBadLine(e, opts);
      }
    }
    if (out.length > 0) yield out;
  }
}

function toEvent(r: LoadRow, id: string, asHost: boolean, tMs: number): LoadEvent {
  const e: { -readonly [K in keyof LoadEvent]: LoadEvent[K] } = asHost ? { type: "load", tMs, host: hostId(id) } : { type: "load", tMs, vm: vmId(id) };
  if (r.cpuPct !== undefined) e.cpuPct = r.cpuPct;
  if (r.memPct !== undefined) e.memPct = r.memPct;
  if (r.netInMbps !== undefined) e.netInMbps = r.netInMbps;
  if (r.netOutMbps !== undefined) e.netOutMbps = r.netOutMbps;
  return e;
}

/** The key of a subject in the id map: its label and natural id. */
const keyOf = (label: string, natural: string): string => `${label}\u0000${natural}`;

/** Turns batches of decoded rows into event batches; a row's subject is looked up as `prefix + subject`. */
async function* rowEvents(rows: AsyncIterable<LoadRow[]>, ctx: StreamContext, asHost: boolean, prefix: string): AsyncGenerator<LoadEvent[]> {
  for await (const batch of rows) {
    yield batch.map((r) => {
      const id = ctx.ids.get(prefix + r.subject);
      if (id === undefined) throw new VadaptError(ErrorCode.Internal, `load import: subject '${r.subject}' was not declared`);
      return toEvent(r, id, asHost, (r.tS - ctx.originS) * 1000);
    });
  }
}

// ---- Bitbrains ----------------------------------------------------------------------------------------------

async function planBitbrains(files: readonly string[], parse: ParseOptions, stats: { duplicateTimes: number }): Promise<Plan> {
  const subjects: Subject[] = [];
  let firstS = Infinity;
  for (const f of files) {
    let head: ReturnType<typeof parseBitbrainsRow> | undefined;
    outer: for await (const batch of readLineBatches(f)) {
      for (const l of batch) {
        if (l.line === 1 && l.text.startsWith("Timestamp")) continue;
        try {
          head = parseBitbrainsRow(l.text, { file: f, line: l.line });
          break outer;
        } catch (e) {
          handleBadLine(e, { ...parse, onBadLine: () => undefined });
        }
      }
    }
    if (head === undefined) throw new InputError({ file: f }, "no data rows");
    firstS = Math.min(firstS, head.timeS);
    subjects.push({
      natural: stem(f),
      label: basename(dirname(f)),
      ...(head.cores > 0 ? { cpu: head.cores } : {}),
      ...(head.memCapacityKB > 0 ? { memMB: head.memCapacityKB / 1024 } : {}),
    });
  }
  return {
    subjects,
    firstS,
    streams: (ctx) =>
      files.map((f, i) => {
        const decoder = createLoadDecoder(LoadFormat.Bitbrains, f, keyOf(subjects[i]!.label, subjects[i]!.natural));
        let last = -1;
        const decode = (text: string, line: number): LoadRow[] => {
          const rows = decoder.decode(text, line);
          for (const r of rows) {
            if (r.tS === last) stats.duplicateTimes++;
            last = r.tS;
          }
          return rows;
        };
        return rowEvents(fileRows(f, decode, { ...ctx.parse, file: f }), ctx, false, "");
      }),
  };
}

// ---- Alibaba ------------------------------------------------------------------------------------------------

/** A stretch of lines whose timestamps do not decrease. */
interface Run {
  readonly fromLine: number;
  toLine: number;
  readonly startByte: number;
  endByte: number;
}

const MAX_RUNS = 4096;

/** The machine id and time stamp of a usage line, or undefined where they do not parse (pass 2 reports it). */
function usageKey(text: string): { machine: string; timeS: number } | undefined {
  const c1 = text.indexOf(",");
  const c2 = text.indexOf(",", c1 + 1);
  if (c1 <= 0 || c2 < 0) return undefined;
  const machine = text.slice(0, c1).trim();
  const timeS = Number(text.slice(c1 + 1, c2));
  return machine === "" || text.slice(c1 + 1, c2).trim() === "" || !Number.isFinite(timeS) ? undefined : { machine, timeS };
}

/**
 * First pass over a usage file: its machines (first-appearance order) and its runs, split wherever the time
 * stamp goes down (the 2018 file is grouped by machine, each machine in time order: one run per machine).
 * Bad lines are left for the second pass to report.
 */
async function scanUsage(path: string): Promise<{ machines: string[]; runs: Run[] }> {
  const gz = path.endsWith(".gz");
  const stream: Readable = gz ? openByteStream(path) : createReadStream(path, { highWaterMark: 1 << 20 });
  const machines = new Set<string>();
  const runs: Run[] = [];
  let lastS = Infinity;
  let line = 0;
  let lineStart = 0;
  let carry: Buffer | null = null;
  const onLine = (buf: Buffer, end: number): void => {
    line++;
    const row = usageKey(buf.toString("utf8", 0, end > 0 && buf[end - 1] === 13 ? end - 1 : end));
    if (row !== undefined) {
      machines.add(row.machine);
      if (row.timeS < lastS) {
        const prev = runs.at(-1);
        if (prev !== undefined) {
          prev.toLine = line - 1;
          prev.endByte = lineStart - 1;
        }
        runs.push({ fromLine: line, toLine: Infinity, startByte: lineStart, endByte: Infinity });
        if (runs.length > MAX_RUNS) {
          throw new InputError({ file: path, line, field: "time_stamp" }, `more than ${MAX_RUNS} stretches of rising time stamps: sort the file by machine and time first (sort -t, -k1,1 -k2,2n)`);
        }
      }
      lastS = row.timeS;
    }
  };
  let offset = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
      const base = offset - (carry?.length ?? 0);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        lineStart = base + start;
        onLine(buf.subarray(start, nl), nl - start);
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
      offset += chunk.length;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (carry !== null) {
    lineStart = offset - carry.length;
    onLine(carry, carry.length);
  }
  return { machines: [...machines], runs };
}

async function readMeta(path: string, parse: ParseOptions, warnings: string[]): Promise<Map<string, number>> {
  const cpu = new Map<string, { timeS: number; cpuNum: number }>();
  const text = await readFile(path, "utf8");
  for (const { text: t, line } of numberedLines(text)) {
    try {
      const m = parseAlibabaMetaRow(t, { file: path, line });
      const prev = cpu.get(m.machine);
      if (prev === undefined || m.timeS >= prev.timeS) cpu.set(m.machine, { timeS: m.timeS, cpuNum: m.cpuNum });
    } catch (e) {
      handleBadLine(e, { ...parse, file: path });
    }
  }
  if (cpu.size === 0) warnings.push(`${path}: no machine rows`);
  return new Map([...cpu].map(([k, v]) => [k, v.cpuNum]));
}

async function planAlibaba(files: readonly string[], parse: ParseOptions, warnings: string[]): Promise<Plan> {
  const scans = await Promise.all(files.map((f) => scanUsage(f)));
  const all = new Set<string>();
  for (const s of scans) for (const m of s.machines) all.add(m);
  const cpuNum = new Map<string, number>();
  for (const dir of new Set(files.map((f) => dirname(f)))) {
    const meta = join(dir, META_NAME);
    if (await stat(meta).then(() => true, () => false)) for (const [k, v] of await readMeta(meta, parse, warnings)) cpuNum.set(k, v);
  }
  const noMeta = [...all].filter((m) => !cpuNum.has(m));
  if (noMeta.length > 0) warnings.push(`${noMeta.length} machine(s) without a ${META_NAME} row (cpu capacity left at 1): ${noMeta.slice(0, 5).join(", ")}${noMeta.length > 5 ? ", ..." : ""}`);
  warnings.push("alibaba: net_in/net_out are normalised values that never decrease (cumulative, not rates) and are not imported as Mbit/s; disk_io_percent, mem_gps and mkpi are not imported");
  const subjects = [...all].sort(naturalCompare).map((m) => ({ natural: m, label: ALIBABA_LABEL, ...(cpuNum.has(m) ? { cpu: cpuNum.get(m)! } : {}) }));
  return {
    subjects,
    streams: (ctx) =>
      files.flatMap((f, i) =>
        scans[i]!.runs.map((run) => {
          const decoder = createLoadDecoder(LoadFormat.Alibaba, f, "");
          const gz = f.endsWith(".gz");
          const range = gz
            ? { lineOffset: 0, fromLine: run.fromLine, toLine: run.toLine }
            : {
                stream: createReadStream(f, { start: run.startByte, ...(Number.isFinite(run.endByte) ? { end: run.endByte } : {}), highWaterMark: 1 << 16 }),
                lineOffset: run.fromLine - 1,
                fromLine: run.fromLine,
                toLine: run.toLine,
              };
          return rowEvents(fileRows(f, (t, l) => decoder.decode(t, l), { ...ctx.parse, file: f }, range), ctx, true, keyOf(ALIBABA_LABEL, ""));
        }),
      ),
  };
}

// ---- Azure --------------------------------------------------------------------------------------------------

async function planAzure(files: readonly string[], heads: readonly string[]): Promise<Plan> {
  const subjects: Subject[] = [];
  files.forEach((f, i) => {
    for (const id of parseAzureHeader(heads[i]!, { file: f, line: 1 })) subjects.push({ natural: id, label: stem(f) });
  });
  return {
    subjects,
    streams: (ctx) =>
      files.map((f) => {
        const decoder = createLoadDecoder(LoadFormat.Azure, f, "");
        return rowEvents(fileRows(f, (t, l) => decoder.decode(t, l), { ...ctx.parse, file: f }), ctx, false, keyOf(stem(f), ""));
      }),
  };
}

// ---- PlanetLab ----------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function dayOf(label: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(label);
  return m === null ? undefined : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function planPlanetLab(files: readonly string[]): Plan {
  const subjects: Subject[] = files.map((f) => ({ natural: basename(f), label: basename(dirname(f)) }));
  const days = files.map((f) => dayOf(basename(dirname(f))));
  const dated = days.filter((d): d is number => d !== undefined);
  const firstDay = dated.length > 0 ? Math.min(...dated) : 0;
  const groups = new Map<number, number[]>();
  days.forEach((d, i) => {
    const off = d === undefined ? 0 : d - firstDay;
    let g = groups.get(off);
    if (g === undefined) groups.set(off, (g = []));
    g.push(i);
  });
  const order = [...groups.keys()].sort((a, b) => a - b);
  return {
    subjects,
    streams: (ctx) => [
      (async function* days(): AsyncGenerator<LoadEvent[]> {
        let lastMs = -1;
        for (let gi = 0; gi < order.length; gi++) {
          const off = order[gi]!;
          const next = order[gi + 1];
          const events: LoadEvent[] = [];
          for (const i of groups.get(off)!) {
            const f = files[i]!;
            const key = keyOf(subjects[i]!.label, subjects[i]!.natural);
            const id = ctx.ids.get(key)!;
            const text = await readFile(f, "utf8").catch((e: unknown) => {
              throw new IoError(f, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
            });
            for (const s of parseLoadText(text, f, { ...ctx.parse, format: LoadFormat.PlanetLab, subject: key })) {
              for (const r of s.rows) events.push(toEvent(r, id, false, r.tS * 1000 + off));
            }
            const last = events.at(-1);
            if (next !== undefined && last !== undefined && last.tMs >= next) {
              throw new InputError({ file: f }, `samples run past the next day's folder (${last.tMs / 1000} s into the day); import the days separately`);
            }
          }
          events.sort((a, b) => a.tMs - b.tMs);
          if (events.length > 0 && events[0]!.tMs < lastMs) throw new InputError({ file: files[groups.get(off)![0]!]! }, "day folders overlap in time");
          lastMs = events.at(-1)?.tMs ?? lastMs;
          for (let i = 0; i < events.length; i += 4096) yield events.slice(i, i + 4096);
        }
      })(),
    ],
  };
}

// ---- import -------------------------------------------------------------------------------------------------

/** Gives every subject a unique id: its natural id, or `label/natural` where natural ids clash. */
function assignIds(subjects: readonly Subject[]): string[] {
  const count = new Map<string, number>();
  for (const s of subjects) count.set(s.natural, (count.get(s.natural) ?? 0) + 1);
  const ids = subjects.map((s) => (count.get(s.natural)! > 1 ? `${s.label}/${s.natural}` : s.natural));
  const seen = new Set<string>();
  ids.forEach((id) => {
    if (seen.has(id)) throw new ConfigError("load import", [`two inputs both give subject '${id}'; import them separately`]);
    seen.add(id);
  });
  return ids;
}

/**
 * Imports load series from files and directories (walked recursively; README/LICENSE/archives and
 * `machine_meta.csv` are skipped, the latter read as the Alibaba machines' metadata). All files must be of one
 * format, detected from their first line unless `format` is given. Counts of skipped lines and repeated time
 * stamps are appended to `warnings` once the events have been read.
 */
export async function openLoad(paths: string | readonly string[], options: LoadImportOptions = {}): Promise<ImportedTrace> {
  const list = typeof paths === "string" ? [paths] : paths;
  const files = await expandInputs(list, (p) => !NOT_DATA.test(basename(p)) && basename(p) !== META_NAME);
  if (files.length === 0) throw new ConfigError("load import", [`no input files in ${list.join(", ")}`]);
  const heads: string[] = [];
  for (const f of files) {
    const h = await firstLine(f);
    if (h === undefined) throw new InputError({ file: f }, "empty file");
    heads.push(h);
  }
  let format = options.format;
  if (format === undefined) {
    const seen = new Map<string, string[]>();
    files.forEach((f, i) => {
      const d = detectLoadFormat(heads[i]!) ?? "unknown";
      seen.set(d, [...(seen.get(d) ?? []), f]);
    });
    const problems: string[] = [];
    if (seen.has("alibaba-meta")) problems.push(`${seen.get("alibaba-meta")![0]} is an Alibaba machine_meta.csv: give machine_usage.csv (its meta file is read from beside it)`);
    if (seen.has("unknown")) problems.push(`cannot tell the format of ${seen.get("unknown")!.slice(0, 3).join(", ")}: use --format`);
    if (seen.size > 1 && problems.length === 0) problems.push(`inputs mix formats (${[...seen].map(([k, v]) => `${k}: ${v.length} file(s)`).join(", ")}); import each separately`);
    if (problems.length > 0) throw new ConfigError("load import", problems);
    format = [...seen.keys()][0] as LoadFormat;
  }
  const mode = options.mode ?? "strict";
  const bad = new BadLines();
  const parse: ParseOptions = { mode, onBadLine: bad.add };
  const warnings: string[] = [];
  const stats = { duplicateTimes: 0 };
  let plan: Plan;
  switch (format) {
    case LoadFormat.Bitbrains:
      plan = await planBitbrains(files, parse, stats);
      break;
    case LoadFormat.Alibaba:
      plan = await planAlibaba(files, parse, warnings);
      break;
    case LoadFormat.Azure:
      plan = await planAzure(files, heads);
      break;
    case LoadFormat.PlanetLab:
      plan = planPlanetLab(files);
      break;
  }
  const ids = assignIds(plan.subjects);
  const asHost = format === LoadFormat.Alibaba;
  const idMap = new Map(plan.subjects.map((s, i) => [keyOf(s.label, s.natural), ids[i]!]));
  const hosts: HostInput[] = asHost ? plan.subjects.map((s, i) => ({ id: hostId(ids[i]!), ...(s.cpu !== undefined ? { cpu: s.cpu } : {}) })) : [];
  const vms: VmInput[] = asHost
    ? []
    : plan.subjects.map((s, i) => ({
        id: vmId(ids[i]!),
        mac: syntheticMac(i + 1),
        ...(s.cpu !== undefined ? { cpu: s.cpu } : {}),
        ...(s.memMB !== undefined ? { memMB: s.memMB } : {}),
      }));
  const originS = plan.firstS ?? 0;
  const header = makeHeader({
    name: `load ${format}`,
    source: list.join(", "),
    ...(format === LoadFormat.Bitbrains ? { startTime: new Date(originS * 1000).toISOString() } : {}),
    ...(format !== LoadFormat.Alibaba ? { intervalMs: FIVE_MINUTES_S * 1000 } : {}),
    hosts,
    vms,
    links: [],
    meta: { importer: "load", format, files: files.length, subjects: ids.length },
  });
  const streams = plan.streams({ ids: idMap, originS, parse });
  async function* events(): AsyncGenerator<LoadEvent> {
    yield* flatten(mergeBatchesByTime(streams));
    warnings.push(...bad.warnings("line"));
    if (stats.duplicateTimes > 0) warnings.push(`bitbrains: ${stats.duplicateTimes} row(s) repeat the previous row's time stamp (kept)`);
  }
  return { header, events: events(), warnings };
}
