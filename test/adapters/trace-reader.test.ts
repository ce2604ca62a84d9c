import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openTrace } from "../../src/adapters/trace/reader.js";
import { ErrorCode, InputError } from "../../src/core/errors.js";
import type { TraceEvent } from "../../src/core/trace/events.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = JSON.stringify({
  type: "header",
  format: "vadapt-trace",
  version: 1,
  hosts: [{ id: "h1" }, { id: "h2" }],
  vms: [{ id: "a", mac: "02:00:00:00:00:01", host: "h1" }, { id: "b", mac: "02:00:00:00:00:02", host: "h2" }],
  links: [{ from: "h1", to: "h2", mbps: 100, latencyMs: 10 }],
});
const good = (t: number) => JSON.stringify({ type: "load", tMs: t, host: "h1", cpuPct: 50 });

function file(name: string, lines: string[], eol = "\n"): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join(eol));
  return p;
}

async function readAll(path: string, mode: "strict" | "lenient" = "strict") {
  const r = await openTrace(path, { mode });
  const events: TraceEvent[] = [];
  for await (const e of r.events()) events.push(e);
  return { r, events };
}

const cases: Array<{ name: string; line: string; field: string; reason: RegExp }> = [
  { name: "bad JSON", line: "{not json", field: "", reason: /not valid JSON/ },
  { name: "unknown type", line: JSON.stringify({ type: "nope", tMs: 1 }), field: "type", reason: /Expected .traffic. | .load./ },
  { name: "negative bytes", line: JSON.stringify({ type: "traffic", tMs: 5, startMs: 0, intervalMs: 1, entries: [["02:00:00:00:00:01", "02:00:00:00:00:02", -1, 1]] }), field: "entries[0][2]", reason: />=0|too small/i },
  { name: "bad MAC", line: JSON.stringify({ type: "traffic", tMs: 5, startMs: 0, intervalMs: 1, entries: [["zz", "02:00:00:00:00:02", 1, 1]] }), field: "entries[0][0]", reason: /MAC/ },
  { name: "unknown host", line: JSON.stringify({ type: "load", tMs: 5, host: "h9" }), field: "host", reason: /unknown host 'h9'/ },
  { name: "both host and vm", line: JSON.stringify({ type: "load", tMs: 5, host: "h1", vm: "a" }), field: "host", reason: /exactly one/ },
  { name: "link without measure", line: JSON.stringify({ type: "link", tMs: 5, from: "h1", to: "h2" }), field: "mbps", reason: /at least one/ },
  { name: "time backwards", line: JSON.stringify({ type: "load", tMs: 0, host: "h1" }), field: "tMs", reason: /backwards/ },
];

describe("trace reader: malformed lines", () => {
  it.each(cases)("strict mode stops at $name naming file, line and field", async ({ line, field, reason }) => {
    const p = file("strict.trace", [header, good(1), good(2), line, good(9)]);
    const err = await readAll(p).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const ie = err as InputError;
    expect(ie.code).toBe(ErrorCode.BadInput);
    expect(ie.location).toMatchObject({ file: p, line: 4 });
    expect(ie.location.field ?? "").toBe(field);
    expect(ie.message).toMatch(reason);
  });

  it("lenient mode skips and counts every bad line and keeps every good one", async () => {
    const lines = [header, good(1)];
    for (const c of cases) lines.push(c.line, good(lines.length));
    const p = file("lenient.trace", lines);
    const { r, events } = await readAll(p, "lenient");
    expect(r.stats.badLines).toBe(cases.length);
    expect(events.length).toBe(cases.length + 1);
    expect(r.stats.errors.map((e) => e.location.line)).toEqual(cases.map((_, i) => 3 + 2 * i));
  });
});

describe("trace reader: framing", () => {
  it("handles CRLF, blank lines and a missing final newline", async () => {
    const p = file("crlf.trace", [header, "", good(1), "", good(2)], "\r\n");
    const { events, r } = await readAll(p);
    expect(events.length).toBe(2);
    expect(r.stats.lines).toBe(5);
  });
  it("rejects an empty file and a missing header", async () => {
    await expect(openTrace(file("empty.trace", [""]))).rejects.toThrow(/empty trace/);
    await expect(openTrace(file("nohdr.trace", [good(1)]))).rejects.toThrow(/first line must be a trace header/);
  });
  it("refuses a newer format version with its own code", async () => {
    const newer = JSON.stringify({ ...JSON.parse(header), version: 2 });
    await expect(openTrace(file("v2.trace", [newer]))).rejects.toMatchObject({ code: ErrorCode.UnsupportedVersion });
  });
  it("names the header field at fault", async () => {
    const bad = JSON.stringify({ ...JSON.parse(header), vms: [{ id: "a", mac: "02:00:00:00:00:01", host: "h7" }] });
    await expect(openTrace(file("badhdr.trace", [bad]))).rejects.toThrow(/:1: field 'vms\[0\]\.host': unknown host 'h7'/);
  });
  it("reports a missing file as an I/O error", async () => {
    await expect(readAll(join(dir, "missing.trace"))).rejects.toMatchObject({ code: ErrorCode.Io });
  });
});
