/**
 * SNDlib XML network files (http://sndlib.zib.de/html/docu/io-formats/xml/) and the demand-matrix files of the
 * dynamic data (same `<network>` schema with `<meta><time>` and `<granularity>`, nodes, an empty `<links/>` and
 * the interval's demands). Problems are {@link InputError}s naming file, line and element path.
 */
import { z } from "zod";
import { InputError } from "../core/errors.js";
import { buildSndlibNetwork, type RawDemand, type RawLink, type RawNode, type SndlibNetwork, type SndlibParseOptions } from "./sndlib-network.js";
import { parseXml, xmlLocation, xmlParse, type XmlDocument } from "./xml.js";

const ARRAY_TAGS = new Set(["node", "link", "demand", "addModule", "admissiblePath", "linkId"]);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const Num = z
  .string()
  .regex(DECIMAL, "not a number")
  .transform(Number)
  .refine((v) => Number.isFinite(v), "out of range");
const Id = z.string().min(1, "empty identifier");
/** An element that may be empty (`<links></links>` parses as ""). */
const container = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === "" ? {} : v), inner);
const Module = z.object({ capacity: Num, cost: Num.optional() });

const XmlNode = z.object({ "@id": Id, coordinates: z.object({ x: Num, y: Num }).optional() });
const XmlLink = z.object({
  "@id": Id,
  source: Id,
  target: Id,
  preInstalledModule: Module.optional(),
  routingCost: Num.optional(),
  setupCost: Num.optional(),
  additionalModules: container(z.object({ addModule: z.array(Module).default([]) })).optional(),
});
const XmlDemand = z.object({
  "@id": Id,
  source: Id,
  target: Id,
  demandValue: Num,
  routingUnit: Num.optional(),
  maxPathLength: z.union([z.literal("UNLIMITED"), Num]).optional(),
});
const XmlNetwork = z.object({
  meta: container(z.looseObject({})).optional(),
  networkStructure: z.object({
    nodes: container(z.object({ "@coordinatesType": z.string().optional(), node: z.array(z.unknown()).default([]) })),
    links: container(z.object({ link: z.array(z.unknown()).default([]) })).optional(),
  }),
  demands: container(z.object({ demand: z.array(z.unknown()).default([]) })).optional(),
});

function readNetwork(doc: XmlDocument, options: SndlibParseOptions): SndlibNetwork {
  const root = doc.root as Record<string, unknown> | undefined;
  if (typeof root !== "object" || root === null || !("network" in root)) {
    throw new InputError({ file: doc.file, line: 1 }, "not an SNDlib XML file: no <network> root element");
  }
  const net = xmlParse(doc, XmlNetwork, root.network, ["network"]);
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(net.meta ?? {})) if (typeof v === "string") meta[k] = v;

  const nodesPath = ["network", "networkStructure", "nodes", "node"];
  const nodes = net.networkStructure.nodes.node.map((raw, i): RawNode => {
    const n = xmlParse(doc, XmlNode, raw, [...nodesPath, i]);
    const at = (field?: string) => xmlLocation(doc, [...nodesPath, i, ...(field === "id" ? ["@id"] : [])]);
    return { id: n["@id"], ...(n.coordinates !== undefined ? { x: n.coordinates.x, y: n.coordinates.y } : {}), at };
  });
  const linksPath = ["network", "networkStructure", "links", "link"];
  const links = (net.networkStructure.links?.link ?? []).map((raw, i): RawLink => {
    const l = xmlParse(doc, XmlLink, raw, [...linksPath, i]);
    const at = (field?: string) => xmlLocation(doc, [...linksPath, i, ...xmlField(field)]);
    return {
      id: l["@id"],
      source: l.source,
      target: l.target,
      ...(l.preInstalledModule !== undefined ? { preInstalled: { capacity: l.preInstalledModule.capacity, cost: l.preInstalledModule.cost ?? 0 } } : {}),
      ...(l.routingCost !== undefined ? { routingCost: l.routingCost } : {}),
      ...(l.setupCost !== undefined ? { setupCost: l.setupCost } : {}),
      modules: (l.additionalModules?.addModule ?? []).map((m) => ({ capacity: m.capacity, cost: m.cost ?? 0 })),
      at,
    };
  });
  const demandsPath = ["network", "demands", "demand"];
  const demands = (net.demands?.demand ?? []).map((raw, i): RawDemand => {
    const d = xmlParse(doc, XmlDemand, raw, [...demandsPath, i]);
    const at = (field?: string) => xmlLocation(doc, [...demandsPath, i, ...xmlField(field)]);
    const mpl = d.maxPathLength;
    return {
      id: d["@id"],
      source: d.source,
      target: d.target,
      value: d.demandValue,
      ...(d.routingUnit !== undefined ? { routingUnit: d.routingUnit } : {}),
      ...(typeof mpl === "number" ? { maxPathLength: mpl } : {}),
      at,
    };
  });
  const coordinatesType = net.networkStructure.nodes["@coordinatesType"];
  return buildSndlibNetwork({ file: doc.file, meta, ...(coordinatesType !== undefined ? { coordinatesType } : {}), nodes, links, demands }, options);
}

/** Maps a field named by the network checks to the XML child that holds it. */
function xmlField(field: string | undefined): string[] {
  if (field === undefined) return [];
  if (field === "id") return ["@id"];
  if (field === "source" || field === "target") return [field];
  if (field === "demand value") return ["demandValue"];
  if (field === "pre-installed capacity") return ["preInstalledModule", "capacity"];
  return [];
}

/**
 * Parses an SNDlib XML network file (or one demand-matrix file, as a network without links). Capacities and
 * demands come out in Mbit/s; coordinates follow the declared `coordinatesType`.
 */
export function parseSndlibXml(text: string, file: string, options: SndlibParseOptions = {}): SndlibNetwork {
  return readNetwork(parseXml(text, file, ARRAY_TAGS), options);
}

/** One matrix of an SNDlib dynamic series. */
export interface SndlibDemandMatrix {
  readonly file: string;
  /** Start of the interval the matrix covers, ms since the Unix epoch (SNDlib gives no time zone: UTC assumed). */
  readonly epochMs: number;
  /** The interval's length from META `granularity` (`5min`, `15min`, `1day`), ms. */
  readonly intervalMs: number;
  /** Nodes (with coordinates) and demands (Mbit/s, the average rate over the interval); links usually empty. */
  readonly network: SndlibNetwork;
}

/**
 * Parses SNDlib's `YYYYMMDD` or `YYYYMMDD-HHMM` time stamp (META `time`, and the end of the dynamic files'
 * names) as UTC; undefined when it is not one.
 */
export function parseSndlibTime(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:-(\d{2})(\d{2}))?$/.exec(s.trim());
  if (m === null) return undefined;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0"].map(Number) as [number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  return t;
}

const GRANULARITY_MS: Readonly<Record<string, number>> = { s: 1000, sec: 1000, min: 60_000, h: 3_600_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** A fixed-length SNDlib granularity (`5min`, `15min`, `1day`) in ms; undefined for `6month` and the like. */
export function parseGranularityMs(s: string): number | undefined {
  const m = /^(\d+)\s*([a-z]+?)s?$/i.exec(s.trim());
  if (m === null) return undefined;
  const unit = GRANULARITY_MS[m[2]!.toLowerCase()];
  const n = Number(m[1]);
  return unit === undefined || n <= 0 ? undefined : n * unit;
}

/**
 * Parses one demand-matrix file of an SNDlib dynamic series: META `time` (required) gives the interval's start,
 * META `granularity` (required unless `intervalMs` is given) its length.
 */
export function parseDemandMatrixXml(text: string, file: string, options: SndlibParseOptions & { readonly intervalMs?: number } = {}): SndlibDemandMatrix {
  const network = parseSndlibXml(text, file, options);
  const time = network.meta.time;
  const epochMs = time === undefined ? undefined : parseSndlibTime(time);
  if (epochMs === undefined) {
    throw new InputError({ file, field: "network.meta.time" }, time === undefined ? "a demand matrix needs <meta><time>" : `'${time}' is not a YYYYMMDD[-HHMM] time`);
  }
  const granularity = network.meta.granularity;
  const intervalMs = options.intervalMs ?? (granularity === undefined ? undefined : parseGranularityMs(granularity));
  if (intervalMs === undefined) {
    throw new InputError(
      { file, field: "network.meta.granularity" },
      granularity === undefined ? "a demand matrix needs <meta><granularity> (or give the interval)" : `granularity '${granularity}' is not a fixed length such as 5min or 1day`,
    );
  }
  return { file, epochMs, intervalMs, network };
}
