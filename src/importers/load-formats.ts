/**
 * Pure parsers of the host/VM load data sets (no I/O): Bitbrains GWA-T-12 Rnd, Alibaba cluster-trace-v2018
 * `machine_usage.csv` (+ `machine_meta.csv`), Azure public dataset V1 CPU readings, PlanetLab CPU (CoMon, as
 * published with Beloglazov & Buyya 2012). Each line decodes to normalised {@link LoadRow}s; see
 * docs/importers.md#load for the columns and units of every source.
 */
import { InputError, type InputLocation } from "../core/errors.js";
import { clip, handleBadLine, numberedLines, parseNumber, type ParseOptions } from "./parse-util.js";

/** The load sources this build reads. */
export const LoadFormat = { Bitbrains: "bitbrains", Alibaba: "alibaba", Azure: "azure", PlanetLab: "planetlab" } as const;
export type LoadFormat = (typeof LoadFormat)[keyof typeof LoadFormat];
export const LOAD_FORMATS: readonly LoadFormat[] = Object.values(LoadFormat);

/** One sample of one subject (a VM or a machine), with time in seconds on the source's own clock. */
export interface LoadRow {
  /** The subject's id in the source (file name, machine id, Azure VM column). */
  readonly subject: string;
  readonly tS: number;
  readonly cpuPct?: number;
  readonly memPct?: number;
  readonly netInMbps?: number;
  readonly netOutMbps?: number;
}

/** Bitbrains network columns are KB/s with 1 KB = 1024 bytes (as the memory columns): Mbit/s per KB/s. */
export const MBPS_PER_KBPS = (1024 * 8) / 1e6;
/** Azure V1 and PlanetLab readings are five minutes apart. */
export const FIVE_MINUTES_S = 300;

/** The Bitbrains Rnd columns, in file order. */
export const BITBRAINS_COLUMNS = [
  "Timestamp [ms]",
  "CPU cores",
  "CPU capacity provisioned [MHZ]",
  "CPU usage [MHZ]",
  "CPU usage [%]",
  "Memory capacity provisioned [KB]",
  "Memory usage [KB]",
  "Disk read throughput [KB/s]",
  "Disk write throughput [KB/s]",
  "Network received throughput [KB/s]",
  "Network transmitted throughput [KB/s]",
] as const;

/** One Bitbrains row. `timeS` is Unix seconds: the header says `[ms]` but the values are seconds. */
export interface BitbrainsRow {
  readonly timeS: number;
  readonly cores: number;
  readonly cpuCapacityMHz: number;
  readonly cpuUsageMHz: number;
  readonly cpuPct: number;
  readonly memCapacityKB: number;
  readonly memUsageKB: number;
  readonly diskReadKBps: number;
  readonly diskWriteKBps: number;
  readonly netInKBps: number;
  readonly netOutKBps: number;
}

const NON_NEGATIVE = { min: 0 } as const;

/** Parses one `;`+tab separated Bitbrains data row (11 columns, all non-negative numbers). */
export function parseBitbrainsRow(text: string, where: InputLocation): BitbrainsRow {
  const f = text.split(";");
  if (f.length !== BITBRAINS_COLUMNS.length) {
    throw new InputError({ ...where, field: f.length < BITBRAINS_COLUMNS.length ? BITBRAINS_COLUMNS[f.length] : "(extra column)" }, `expected ${BITBRAINS_COLUMNS.length} ';'-separated columns, found ${f.length}`);
  }
  const v = new Array<number>(f.length);
  for (let i = 0; i < f.length; i++) v[i] = parseNumber(f[i]!, where, BITBRAINS_COLUMNS[i]!, NON_NEGATIVE);
  return {
    timeS: v[0]!,
    cores: v[1]!,
    cpuCapacityMHz: v[2]!,
    cpuUsageMHz: v[3]!,
    cpuPct: v[4]!,
    memCapacityKB: v[5]!,
    memUsageKB: v[6]!,
    diskReadKBps: v[7]!,
    diskWriteKBps: v[8]!,
    netInKBps: v[9]!,
    netOutKBps: v[10]!,
  };
}

/** The Alibaba 2018 `machine_usage.csv` columns (the trace's schema; the file has no header line). */
export const ALIBABA_USAGE_COLUMNS = ["machine_id", "time_stamp", "cpu_util_percent", "mem_util_percent", "mem_gps", "mkpi", "net_in", "net_out", "disk_io_percent"] as const;
/** The Alibaba 2018 `machine_meta.csv` columns. */
export const ALIBABA_META_COLUMNS = ["machine_id", "time_stamp", "failure_domain_1", "failure_domain_2", "cpu_num", "mem_size", "status"] as const;

/**
 * One `machine_usage.csv` row. Empty cells are undefined. `netIn`/`netOut` are the trace's normalised values
 * (0-100); in the data they never decrease for a machine (cumulative counters, not rates), so the importer does
 * not turn them into Mbit/s.
 */
export interface AlibabaUsageRow {
  readonly machine: string;
  readonly timeS: number;
  readonly cpuPct?: number;
  readonly memPct?: number;
  readonly memGps?: number;
  readonly mkpi?: number;
  readonly netIn?: number;
  readonly netOut?: number;
  readonly diskIoPct?: number;
}

function splitCsv(text: string, columns: readonly string[], where: InputLocation): string[] {
  const f = text.split(",");
  if (f.length !== columns.length) {
    throw new InputError({ ...where, field: f.length < columns.length ? columns[f.length] : "(extra column)" }, `expected ${columns.length} comma-separated columns, found ${f.length}`);
  }
  return f;
}

function machineId(s: string, where: InputLocation): string {
  const id = s.trim();
  if (id === "" || /\s/.test(id)) throw new InputError({ ...where, field: "machine_id" }, `'${clip(id)}' is not a machine id`);
  return id;
}

const optional = (s: string, where: InputLocation, field: string, min?: number): number | undefined =>
  s.trim() === "" ? undefined : parseNumber(s, where, field, min === undefined ? {} : { min });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Parses one `machine_usage.csv` row (9 columns; only `machine_id` and `time_stamp` are required). */
export function parseAlibabaUsageRow(text: string, where: InputLocation): AlibabaUsageRow {
  const f = splitCsv(text, ALIBABA_USAGE_COLUMNS, where);
  const row: Mutable<AlibabaUsageRow> = {
    machine: machineId(f[0]!, where),
    timeS: parseNumber(f[1]!, where, "time_stamp", { min: 0 }),
  };
  const cpuPct = optional(f[2]!, where, "cpu_util_percent", 0);
  if (cpuPct !== undefined) row.cpuPct = cpuPct;
  const memPct = optional(f[3]!, where, "mem_util_percent", 0);
  if (memPct !== undefined) row.memPct = memPct;
  const memGps = optional(f[4]!, where, "mem_gps");
  if (memGps !== undefined) row.memGps = memGps;
  const mkpi = optional(f[5]!, where, "mkpi");
  if (mkpi !== undefined) row.mkpi = mkpi;
  const netIn = optional(f[6]!, where, "net_in");
  if (netIn !== undefined) row.netIn = netIn;
  const netOut = optional(f[7]!, where, "net_out");
  if (netOut !== undefined) row.netOut = netOut;
  const diskIoPct = optional(f[8]!, where, "disk_io_percent");
  if (diskIoPct !== undefined) row.diskIoPct = diskIoPct;
  return row;
}

/** One `machine_meta.csv` row: `cpuNum` cores; `memSize` is normalised (100 for every machine in the data). */
export interface AlibabaMetaRow {
  readonly machine: string;
  readonly timeS: number;
  readonly failureDomain1: string;
  readonly failureDomain2: string;
  readonly cpuNum: number;
  readonly memSize: number;
  readonly status: string;
}

/** Parses one `machine_meta.csv` row (7 columns). */
export function parseAlibabaMetaRow(text: string, where: InputLocation): AlibabaMetaRow {
  const f = splitCsv(text, ALIBABA_META_COLUMNS, where);
  return {
    machine: machineId(f[0]!, where),
    timeS: parseNumber(f[1]!, where, "time_stamp", { min: 0 }),
    failureDomain1: f[2]!.trim(),
    failureDomain2: f[3]!.trim(),
    cpuNum: parseNumber(f[4]!, where, "cpu_num", { min: 0 }),
    memSize: parseNumber(f[5]!, where, "mem_size", { min: 0 }),
    status: f[6]!.trim(),
  };
}

/** Parses the Azure V1 header line `row,<vm id>,...` into the VM ids (unique, non-empty). */
export function parseAzureHeader(text: string, where: InputLocation): string[] {
  const f = text.split(",").map((s) => s.trim());
  if (f[0] !== "row") throw new InputError({ ...where, field: "row" }, `an Azure V1 file starts with 'row,<vm id>,...', not '${clip(text)}'`);
  const ids = f.slice(1);
  if (ids.length === 0) throw new InputError({ ...where, field: "row" }, "no VM columns");
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === "") throw new InputError({ ...where, field: `column ${i + 2}` }, "empty VM id");
    if (seen.has(id)) throw new InputError({ ...where, field: `column ${i + 2}` }, `duplicate VM id '${clip(id)}'`);
    seen.add(id);
  });
  return ids;
}

/** Parses one Azure V1 row `<n>,<cpu %>,...` (n counts five-minute readings from 1). */
export function parseAzureRow(text: string, where: InputLocation, ids: readonly string[]): { row: number; cpuPct: number[] } {
  const f = text.split(",");
  if (f.length !== ids.length + 1) {
    throw new InputError({ ...where, field: f.length <= ids.length ? `vm ${ids[f.length - 1] ?? ""}` : "(extra column)" }, `expected ${ids.length + 1} columns, found ${f.length}`);
  }
  const row = parseNumber(f[0]!, where, "row", { min: 1 });
  if (!Number.isInteger(row)) throw new InputError({ ...where, field: "row" }, `${row} is not a reading number`);
  const cpuPct = ids.map((id, i) => parseNumber(f[i + 1]!, where, `vm ${id}`, { min: 0 }));
  return { row, cpuPct };
}

/** Parses one PlanetLab line: a CPU utilisation percentage. */
export function parsePlanetLabValue(text: string, where: InputLocation): number {
  return parseNumber(text, where, "cpu", { min: 0 });
}

/**
 * Guesses a file's format from its first non-empty line (and its name): Bitbrains' `Timestamp [ms];` header,
 * Azure's `row,` header, a 9-column `m_<n>,<t>,...` Alibaba usage row, or a lone number (PlanetLab).
 * Returns `alibaba-meta` for a `machine_meta.csv` row, which is not a load file.
 */
export function detectLoadFormat(firstLine: string): LoadFormat | "alibaba-meta" | undefined {
  const t = firstLine.trim();
  if (/^Timestamp \[ms\];/.test(t) || /^\d+(\.\d+)?;\s*\d/.test(t)) return LoadFormat.Bitbrains;
  if (/^row,/.test(t)) return LoadFormat.Azure;
  if (/^[^,\s]+,\d+(\.\d+)?,/.test(t)) {
    const n = t.split(",").length;
    if (n === ALIBABA_USAGE_COLUMNS.length) return LoadFormat.Alibaba;
    if (n === ALIBABA_META_COLUMNS.length) return "alibaba-meta";
  }
  if (/^\d+(\.\d+)?$/.test(t)) return LoadFormat.PlanetLab;
  return undefined;
}

/**
 * A stateful line decoder for one file of one format: `decode(text, line)` returns the rows of that line (none
 * for a header line) or throws an {@link InputError}; a rejected line leaves the decoder's state unchanged.
 * Bitbrains and PlanetLab files hold one subject, named by `subject`. Time must not go backwards within a
 * Bitbrains file or an Azure file.
 */
export function createLoadDecoder(format: LoadFormat, file: string, subject: string): { decode(text: string, line: number): LoadRow[] } {
  switch (format) {
    case LoadFormat.Bitbrains: {
      let lastS = -Infinity;
      return {
        decode(text, line) {
          if (line === 1 && text.startsWith("Timestamp")) return [];
          const where = { file, line };
          const r = parseBitbrainsRow(text, where);
          if (r.timeS < lastS) throw new InputError({ ...where, field: BITBRAINS_COLUMNS[0] }, `time goes backwards (${r.timeS} < ${lastS})`);
          lastS = r.timeS;
          const out: Mutable<LoadRow> = { subject, tS: r.timeS, cpuPct: r.cpuPct, netInMbps: r.netInKBps * MBPS_PER_KBPS, netOutMbps: r.netOutKBps * MBPS_PER_KBPS };
          if (r.memCapacityKB > 0) out.memPct = (100 * r.memUsageKB) / r.memCapacityKB;
          return [out];
        },
      };
    }
    case LoadFormat.Alibaba:
      return {
        decode(text, line) {
          const r = parseAlibabaUsageRow(text, { file, line });
          const out: Mutable<LoadRow> = { subject: r.machine, tS: r.timeS };
          if (r.cpuPct !== undefined) out.cpuPct = r.cpuPct;
          if (r.memPct !== undefined) out.memPct = r.memPct;
          return [out];
        },
      };
    case LoadFormat.Azure: {
      let ids: string[] | undefined;
      let lastRow = -Infinity;
      return {
        decode(text, line) {
          const where = { file, line };
          if (ids === undefined) {
            ids = parseAzureHeader(text, where);
            return [];
          }
          const r = parseAzureRow(text, where, ids);
          if (r.row < lastRow) throw new InputError({ ...where, field: "row" }, `reading ${r.row} comes after reading ${lastRow}`);
          lastRow = r.row;
          const tS = (r.row - 1) * FIVE_MINUTES_S;
          return ids.map((id, i) => ({ subject: id, tS, cpuPct: r.cpuPct[i]! }));
        },
      };
    }
    case LoadFormat.PlanetLab:
      return {
        decode(text, line) {
          return [{ subject, tS: (line - 1) * FIVE_MINUTES_S, cpuPct: parsePlanetLabValue(text, { file, line }) }];
        },
      };
  }
}

/** One subject's samples, in file order. */
export interface LoadSeries {
  readonly subject: string;
  readonly rows: LoadRow[];
}

/**
 * Parses a whole load file held in memory (for studies that want the series as arrays, e.g. the predictor's
 * accuracy study): one series per subject. `format` defaults to {@link detectLoadFormat} on the first line;
 * `subject` (for one-subject formats) defaults to the file name.
 */
export function parseLoadText(text: string, file: string, options: Omit<ParseOptions, "file"> & { format?: LoadFormat; subject?: string } = {}): LoadSeries[] {
  const lines = numberedLines(text);
  const first = lines[0];
  if (first === undefined) {
    if (options.format !== undefined) return [];
    throw new InputError({ file }, "empty load file: cannot tell its format");
  }
  const detected = options.format ?? detectLoadFormat(first.text);
  if (detected === undefined || detected === "alibaba-meta") {
    throw new InputError({ file, line: first.line }, detected === undefined ? `unknown load format (first line '${clip(first.text)}')` : "this is an Alibaba machine_meta.csv, not a usage file");
  }
  const decoder = createLoadDecoder(detected, file, options.subject ?? file.replace(/^.*[\\/]/, ""));
  const series = new Map<string, LoadRow[]>();
  const opts: ParseOptions = { ...options, file };
  for (const { text: t, line } of lines) {
    let rows: LoadRow[];
    try {
      rows = decoder.decode(t, line);
    } catch (e) {
      handleBadLine(e, opts);
      continue;
    }
    for (const r of rows) {
      let s = series.get(r.subject);
      if (s === undefined) series.set(r.subject, (s = []));
      s.push(r);
    }
  }
  return [...series].map(([subject, rows]) => ({ subject, rows }));
}
