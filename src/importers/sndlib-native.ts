/**
 * SNDlib native (ASCII) network files (http://sndlib.zib.de/html/docu/io-formats/native/network.description.html):
 *
 * ```
 * ?SNDlib native format; type: network; version: 1.0
 * META ( unit = MBITPERSEC ... )                                     # optional, `key = value` lines
 * NODES ( <id> ( <x> <y> ) [( )( )] ... )                             # x, y: longitude, latitude or pixels
 * LINKS ( <id> ( <src> <dst> ) <pre_cap> <pre_cost> <routing_cost> <setup_cost> ( {<mod_cap> <mod_cost>}* ) ... )
 * DEMANDS ( <id> ( <src> <dst> ) <routing_unit> <value> <max_path_length|UNLIMITED> ... )
 * ADMISSIBLE_PATHS ( ... )                                           # skipped
 * ```
 * One item per line; `#` starts a comment. Every problem is an {@link InputError} naming file, line and field.
 */
import { InputError, type InputLocation } from "../core/errors.js";
import { buildSndlibNetwork, type RawDemand, type RawLink, type RawNode, type SndlibNetwork, type SndlibParseOptions } from "./sndlib-network.js";

/** The first line every SNDlib native file starts with. */
export const SNDLIB_NATIVE_MAGIC = "?SNDlib native format";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SECTION = /^([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)$/;
const KNOWN = new Set(["META", "NODES", "LINKS", "DEMANDS", "ADMISSIBLE_PATHS"]);

type Section = "META" | "NODES" | "LINKS" | "DEMANDS";

/** Cursor over one item line's tokens (`(`, `)` and words), failing with the line's location. */
class Tokens {
  private i = 0;
  constructor(
    private readonly toks: readonly string[],
    private readonly where: InputLocation,
    private readonly section: string,
  ) {}
  fail(field: string, reason: string): never {
    throw new InputError({ ...this.where, field: `${this.section}.${field}` }, reason);
  }
  get done(): boolean {
    return this.i >= this.toks.length;
  }
  peek(): string | undefined {
    return this.toks[this.i];
  }
  word(field: string): string {
    const t = this.toks[this.i];
    if (t === undefined || t === "(" || t === ")") this.fail(field, t === undefined ? `missing ${field}` : `expected ${field}, found '${t}'`);
    this.i++;
    return t;
  }
  number(field: string): number {
    const t = this.word(field);
    const v = Number(t);
    if (!NUMBER.test(t) || !Number.isFinite(v)) this.fail(field, `'${t.slice(0, 40)}' is not a number`);
    return v;
  }
  open(field: string): void {
    if (this.toks[this.i] !== "(") this.fail(field, `expected '(' before ${field}, found ${this.describe()}`);
    this.i++;
  }
  close(field: string): void {
    if (this.toks[this.i] !== ")") this.fail(field, `expected ')' after ${field}, found ${this.describe()}`);
    this.i++;
  }
  end(): void {
    if (!this.done) this.fail("end", `unexpected '${this.toks[this.i]!.slice(0, 40)}' at the end of the line`);
  }
  private describe(): string {
    const t = this.toks[this.i];
    return t === undefined ? "the end of the line" : `'${t.slice(0, 40)}'`;
  }
}

function parseNode(t: Tokens, at: (field?: string) => InputLocation): RawNode {
  const id = t.word("node_id");
  if (t.done) return { id, at };
  t.open("coordinates");
  const x = t.number("x");
  const y = t.number("y");
  t.close("coordinates");
  // Optional node_design_ids and node_options groups, empty in version 1.0.
  while (t.peek() === "(") {
    t.open("node options");
    t.close("node options");
  }
  t.end();
  return { id, x, y, at };
}

function parseLink(t: Tokens, at: (field?: string) => InputLocation): RawLink {
  const id = t.word("link_id");
  t.open("source");
  const source = t.word("source");
  const target = t.word("target");
  t.close("target");
  const capacity = t.number("pre_installed_capacity");
  const cost = t.number("pre_installed_capacity_cost");
  const routingCost = t.number("routing_cost");
  const setupCost = t.number("setup_cost");
  t.open("modules");
  const modules: Array<{ capacity: number; cost: number }> = [];
  while (t.peek() !== ")" && !t.done) modules.push({ capacity: t.number("module_capacity"), cost: t.number("module_cost") });
  t.close("modules");
  t.end();
  return { id, source, target, preInstalled: { capacity, cost }, routingCost, setupCost, modules, at };
}

function parseDemand(t: Tokens, at: (field?: string) => InputLocation): RawDemand {
  const id = t.word("demand_id");
  t.open("source");
  const source = t.word("source");
  const target = t.word("target");
  t.close("target");
  const routingUnit = t.number("routing_unit");
  const value = t.number("demand_value");
  let maxPathLength: number | undefined;
  if (!t.done) {
    if (t.peek() === "UNLIMITED") t.word("max_path_length");
    else maxPathLength = t.number("max_path_length");
  }
  t.end();
  return { id, source, target, value, routingUnit, ...(maxPathLength !== undefined ? { maxPathLength } : {}), at };
}

/**
 * Parses an SNDlib native network file. `file` names it in messages. Capacities and demands come out in Mbit/s
 * (see sndlib-network.ts for the unit and capacity rules); coordinates are detected as geographical when every
 * node's pair is a valid longitude/latitude, else planar, with a warning.
 */
export function parseSndlibNative(text: string, file: string, options: SndlibParseOptions = {}): SndlibNetwork {
  const lines = text.split("\n");
  const meta: Record<string, string> = {};
  const nodes: RawNode[] = [];
  const links: RawLink[] = [];
  const demands: RawDemand[] = [];
  const warnings: string[] = [];
  let sawHeader = false;
  let section: Section | undefined;
  let skipping: { name: string; depth: number; line: number } | undefined;
  const seen = new Set<string>();

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    if (!sawHeader) {
      if (raw.trim() === "") continue;
      if (!raw.trimStart().startsWith(SNDLIB_NATIVE_MAGIC)) {
        throw new InputError({ file, line: lineNo }, `not an SNDlib native file: the first line must start with '${SNDLIB_NATIVE_MAGIC}'`);
      }
      if (!/type:\s*network/.test(raw)) throw new InputError({ file, line: lineNo }, `not an SNDlib network file ('type: network' expected in '${raw.trim().slice(0, 80)}')`);
      sawHeader = true;
      continue;
    }
    const hash = raw.indexOf("#");
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === "") continue;
    const where: InputLocation = { file, line: lineNo };

    if (skipping !== undefined) {
      for (const c of line) skipping.depth += c === "(" ? 1 : c === ")" ? -1 : 0;
      if (skipping.depth < 0) throw new InputError(where, `unbalanced ')' in section ${skipping.name}`);
      if (skipping.depth === 0) skipping = undefined;
      continue;
    }
    if (section === undefined) {
      const m = SECTION.exec(line);
      if (m === null) throw new InputError(where, `expected a section such as 'NODES (', found '${line.slice(0, 40)}'`);
      const name = m[1]!;
      const rest = m[2]!.trim();
      if (seen.has(name)) throw new InputError({ ...where, field: name }, `section ${name} appears twice`);
      seen.add(name);
      if (name === "ADMISSIBLE_PATHS" || !KNOWN.has(name)) {
        if (!KNOWN.has(name)) warnings.push(`${file}:${lineNo}: unknown section ${name} skipped`);
        let depth = 1;
        for (const c of rest) depth += c === "(" ? 1 : c === ")" ? -1 : 0;
        if (depth < 0) throw new InputError(where, `unbalanced ')' in section ${name}`);
        if (depth > 0) skipping = { name, depth, line: lineNo };
        continue;
      }
      if (rest === ")") continue;
      if (rest !== "") throw new InputError({ ...where, field: name }, `items of section ${name} start on the next line, found '${rest.slice(0, 40)}'`);
      section = name as Section;
      continue;
    }
    if (line === ")") {
      section = undefined;
      continue;
    }
    if (section === "META") {
      const eq = line.indexOf("=");
      if (eq <= 0) throw new InputError({ ...where, field: "META" }, `expected '<attribute> = <content>', found '${line.slice(0, 40)}'`);
      meta[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      continue;
    }
    const sec = section;
    const toks = new Tokens(line.match(/\(|\)|[^\s()]+/g) ?? [], where, sec);
    const at = (field?: string): InputLocation => (field === undefined ? where : { ...where, field: `${sec}.${field}` });
    if (sec === "NODES") nodes.push(parseNode(toks, at));
    else if (sec === "LINKS") links.push(parseLink(toks, at));
    else demands.push(parseDemand(toks, at));
  }

  const endLine = lines.length;
  if (!sawHeader) throw new InputError({ file, line: 1 }, "empty file: not an SNDlib native network");
  if (section !== undefined) throw new InputError({ file, line: endLine, field: section }, `section ${section} is not closed with ')' (file truncated?)`);
  if (skipping !== undefined) throw new InputError({ file, line: skipping.line, field: skipping.name }, `section ${skipping.name} is not closed (file truncated?)`);
  for (const s of ["NODES", "LINKS", "DEMANDS"]) {
    if (!seen.has(s)) throw new InputError({ file, line: endLine, field: s }, `section ${s} is missing (file truncated?)`);
  }
  const net = buildSndlibNetwork({ file, meta, nodes, links, demands }, options);
  return { ...net, warnings: [...warnings, ...net.warnings] };
}
