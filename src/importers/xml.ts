/**
 * XML input for the importers (SNDlib XML, GraphML), on fast-xml-parser: well-formedness checked first so a
 * broken file fails with its line and column, then parsed to plain objects that remember where each element
 * starts, so that later problems (a bad field, an unknown node) are reported with file, line and element path.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { z } from "zod";
import { InputError, type InputLocation } from "../core/errors.js";
import { formatPath } from "../core/validate.js";

/** A parsed XML file: its text, its name for messages, and the object tree (attributes as `@name`). */
export interface XmlDocument {
  readonly file: string;
  readonly text: string;
  readonly root: unknown;
}

const META = XMLParser.getMetaDataSymbol();

/**
 * Parses XML text. Elements named in `arrayTags` always become arrays (so one `<node>` and many look the same);
 * text is kept as strings (no number guessing), trimmed; namespace prefixes are dropped. Malformed XML is an
 * {@link InputError} with the line of the problem.
 */
export function parseXml(text: string, file: string, arrayTags: ReadonlySet<string>): XmlDocument {
  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text);
  } catch (e) {
    throw new InputError({ file }, `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (valid !== true) {
    throw new InputError({ file, line: valid.err.line }, `not well-formed XML: ${valid.err.msg} (column ${valid.err.col})`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    removeNSPrefix: true,
    captureMetaData: true,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && arrayTags.has(name),
  });
  let root: unknown;
  try {
    root = parser.parse(text);
  } catch (e) {
    // The validator passed, so the fault is one it does not see, such as an unclosed `<?` or `<!--` after the
    // root element; the parser does not say where, so the last line is named.
    const line = lineAt(text, text.length);
    throw new InputError({ file, line }, `cannot parse XML (at or before this line): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return { file, text, root };
}

/** 1-based line of a character index. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Where the value at `path` (object keys and array indices from the root) is: the line where the innermost
 * element on the path that is an object starts, and the path itself as the field.
 */
export function xmlLocation(doc: XmlDocument, path: readonly PropertyKey[]): InputLocation {
  let node: unknown = doc.root;
  let start: number | undefined;
  for (const key of path) {
    if (typeof node !== "object" || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[key];
    if (typeof node === "object" && node !== null && !Array.isArray(node)) {
      const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META as symbol];
      if (meta?.startIndex !== undefined) start = meta.startIndex;
    }
  }
  return { file: doc.file, line: start === undefined ? undefined : lineAt(doc.text, start), field: formatPath(path) };
}

/**
 * Validates the value at `path` against a schema; on failure throws an {@link InputError} naming the file, the
 * line of the offending element and its path (e.g. `network.networkStructure.links.link[3].source`).
 */
export function xmlParse<S extends z.ZodType>(doc: XmlDocument, schema: S, value: unknown, path: readonly PropertyKey[]): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem(s))` : "";
  throw new InputError(xmlLocation(doc, [...path, ...(first?.path ?? [])]), `${first?.message ?? "invalid"}${more}`);
}

/** Decodes an XML file's bytes per its declaration (ISO-8859-1/Latin-1, else UTF-8). */
export function decodeXml(bytes: Uint8Array): string {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const enc = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const latin1 = enc === "iso-8859-1" || enc === "latin1" || enc === "latin-1" || enc === "us-ascii";
  return new TextDecoder(latin1 ? "latin1" : "utf-8").decode(bytes);
}
