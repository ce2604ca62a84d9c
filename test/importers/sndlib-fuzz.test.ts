import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { parseDemandMatrixXml, parseSndlibNative, parseSndlibXml } from "../../src/importers/sndlib.js";
import { dataPath, HAVE_SHARED_DATA } from "../helpers/data.js";

/** Runs a parser; it must return, or throw an InputError that names the file and a line or an element. */
function parsesOrInputError(parse: () => unknown, file: string): void {
  try {
    parse();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`untyped exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    expect(e.location.file).toBe(file);
    expect(e.location.line !== undefined || (e.location.field ?? "") !== "", e.message).toBe(true);
  }
}

const NATIVE = `?SNDlib native format; type: network; version: 1.0
META (
  unit = MBITPERSEC
)
NODES (
  A ( 13.40 52.52 )
  B ( 2.35 48.86 )
  C ( 4.90 52.37 )
)
LINKS (
  L1 ( A B ) 10.00 0.00 0.00 0.00 ( 40.00 1.00 )
  L2 ( B C ) 0.00 0.00 0.00 0.00 ( 155.00 2.00 622.00 3.00 )
)
DEMANDS (
  D1 ( A B ) 1 5.00 UNLIMITED
  D2 ( C A ) 1 7.50 4
)
ADMISSIBLE_PATHS (
  D1 (
    P1 ( L1 )
  )
)
`;

const XML = `<?xml version="1.0" encoding="ISO-8859-1"?>
<network xmlns="http://sndlib.zib.de/network" version="1.0">
 <meta><granularity>5min</granularity><time>20040301-0000</time><unit>MBITPERSEC</unit></meta>
 <networkStructure>
  <nodes coordinatesType="geographical">
   <node id="A"><coordinates><x>13.4</x><y>52.52</y></coordinates></node>
   <node id="B"><coordinates><x>2.35</x><y>48.86</y></coordinates></node>
  </nodes>
  <links>
   <link id="L1"><source>A</source><target>B</target>
    <preInstalledModule><capacity>10.0</capacity><cost>0.0</cost></preInstalledModule>
    <additionalModules><addModule><capacity>40.0</capacity><cost>1.0</cost></addModule></additionalModules>
   </link>
  </links>
 </networkStructure>
 <demands>
  <demand id="D1"><source>A</source><target>B</target><demandValue> 5.0 </demandValue></demand>
  <demand id="D2"><source>B</source><target>A</target><demandValue>2.5</demandValue></demand>
 </demands>
</network>
`;

/** A string made of the text's own pieces and random noise: keywords, brackets, numbers, line breaks. */
const noise = fc.array(
  fc.oneof(
    fc.constantFrom("(", ")", "\n", " ", "#", "NODES (", "LINKS (", "DEMANDS (", "META (", "<", ">", "</", "/>", "<node id=", "<link>", "UNLIMITED", "=", "1e309", "-1", "NaN"),
    fc.string({ maxLength: 6 }),
    fc.double().map(String),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(""));

/** The text with a few random edits (delete, insert noise, duplicate a slice). */
function mutated(text: string): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat({ max: text.length }), fc.nat({ max: 40 }), noise);
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let t = text;
    for (const [at, len, ins] of edits) {
      const i = Math.min(at, t.length);
      t = t.slice(0, i) + ins + t.slice(Math.min(t.length, i + len));
    }
    return t;
  });
}

describe("SNDlib parsers never throw untyped exceptions", () => {
  it("the crafted inputs parse", () => {
    expect(parseSndlibNative(NATIVE, "n.txt").demands).toHaveLength(2);
    expect(parseDemandMatrixXml(XML, "m.xml").network.demands).toHaveLength(2);
  });

  it("native: random text, every truncation, random edits", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => parsesOrInputError(() => parseSndlibNative(t, "r.txt"), "r.txt")), { numRuns: 300 });
    fc.assert(fc.property(noise, (t) => parsesOrInputError(() => parseSndlibNative(`?SNDlib native format; type: network; version: 1.0\n${t}`, "r.txt"), "r.txt")), {
      numRuns: 300,
    });
    for (let i = 0; i <= NATIVE.length; i++) parsesOrInputError(() => parseSndlibNative(NATIVE.slice(0, i), "t.txt"), "t.txt");
    fc.assert(fc.property(mutated(NATIVE), (t) => parsesOrInputError(() => parseSndlibNative(t, "m.txt"), "m.txt")), { numRuns: 500 });
  });

  it("native: a truncated network is an error, never a silently smaller network", () => {
    const lines = NATIVE.split("\n");
    const last = lines.findIndex((l) => l.startsWith("ADMISSIBLE_PATHS"));
    for (let n = 1; n < last; n++) expect(() => parseSndlibNative(lines.slice(0, n).join("\n"), "t.txt")).toThrow(InputError);
  });

  it("XML and demand matrices: random text, every truncation, random edits", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => parsesOrInputError(() => parseSndlibXml(t, "r.xml"), "r.xml")), { numRuns: 300 });
    fc.assert(fc.property(noise, (t) => parsesOrInputError(() => parseSndlibXml(`<network><networkStructure>${t}`, "r.xml"), "r.xml")), { numRuns: 300 });
    for (let i = 0; i < XML.length; i++) {
      parsesOrInputError(() => parseDemandMatrixXml(XML.slice(0, i), "t.xml"), "t.xml");
      // Cut anywhere before the root closes, the file is malformed.
      if (i < XML.lastIndexOf("</network>")) expect(() => parseSndlibXml(XML.slice(0, i), "t.xml")).toThrow(InputError);
    }
    fc.assert(fc.property(mutated(XML), (t) => parsesOrInputError(() => parseDemandMatrixXml(t, "m.xml"), "m.xml")), { numRuns: 500 });
  });

  it("XML errors name the line and element", () => {
    const e = (() => {
      try {
        parseSndlibXml(XML.replace("<demandValue>2.5</demandValue>", "<demandValue>lots</demandValue>"), "v.xml");
      } catch (err) {
        return err as InputError;
      }
      throw new Error("expected an error");
    })();
    expect(e).toBeInstanceOf(InputError);
    expect(e.location.field).toBe("network.demands.demand[1].demandValue");
    expect(e.location.line).toBe(XML.split("\n").findIndex((l) => l.includes('<demand id="D2">')) + 1);
    expect(() => parseSndlibXml(XML.replace("<target>B</target><demandValue> 5.0", "<target>Q</target><demandValue> 5.0"), "q.xml")).toThrow(
      /q\.xml:\d+: field 'network\.demands\.demand\[0\]\.target': demand names unknown node 'Q'/,
    );
    expect(() => parseSndlibXml(XML.replace("</links>", ""), "w.xml")).toThrow(/w\.xml:\d+: not well-formed XML/);
  });

  it.runIf(HAVE_SHARED_DATA)("real files: random truncations and edits of geant (native and XML)", () => {
    const nat = readFileSync(dataPath("sndlib", "instances", "native", "geant", "geant.txt"), "utf8");
    const xml = readFileSync(dataPath("sndlib", "instances", "xml", "geant", "geant.xml"), "utf8");
    fc.assert(
      fc.property(fc.nat({ max: nat.length }), fc.nat({ max: xml.length }), (a, b) => {
        parsesOrInputError(() => parseSndlibNative(nat.slice(0, a), "g.txt"), "g.txt");
        parsesOrInputError(() => parseSndlibXml(xml.slice(0, b), "g.xml"), "g.xml");
      }),
      { numRuns: 200 },
    );
    fc.assert(fc.property(mutated(nat), (t) => parsesOrInputError(() => parseSndlibNative(t, "g.txt"), "g.txt")), { numRuns: 100 });
    fc.assert(fc.property(mutated(xml), (t) => parsesOrInputError(() => parseSndlibXml(t, "g.xml"), "g.xml")), { numRuns: 100 });
  });
});
