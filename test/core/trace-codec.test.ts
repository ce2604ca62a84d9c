import { describe, expect, it } from "vitest";
import { decodeHeader, encodeLine, makeHeader, TraceDecoder } from "../../src/core/trace/codec.js";
import { InputError } from "../../src/core/errors.js";

const header = makeHeader({
  hosts: [{ id: "h1" }, { id: "h2" }],
  vms: [{ id: "a", mac: "02:00:00:00:00:01", host: "h1" }, { id: "b", mac: "02:00:00:00:00:02", host: "h2" }],
  links: [{ from: "h1", to: "h2", mbps: 100, latencyMs: 10 }],
});

describe("trace codec", () => {
  it("round-trips a header", () => {
    expect(decodeHeader(encodeLine(header), { file: "x", line: 1 })).toEqual(header);
  });
  it("names file, line and field on a bad traffic cell", () => {
    const d = new TraceDecoder(header);
    const line = JSON.stringify({ type: "traffic", tMs: 1000, startMs: 0, intervalMs: 1000, entries: [["02:00:00:00:00:01", "02:00:00:00:00:09", 1, 1]] });
    expect(() => d.decode(line, { file: "t.trace", line: 7 })).toThrowError(/t\.trace:7: field 'entries\[0\]\[1\]': unknown MAC/);
  });
  it("rejects time going backwards", () => {
    const d = new TraceDecoder(header);
    d.decode(JSON.stringify({ type: "link", tMs: 10, from: "h1", to: "h2", mbps: 5 }), { line: 2 });
    expect(() => d.decode(JSON.stringify({ type: "link", tMs: 5, from: "h1", to: "h2", mbps: 5 }), { line: 3 })).toThrow(InputError);
  });
});

import fc from "fast-check";
import { TraceEvent } from "../../src/core/trace/events.js";

describe("traffic fast path", () => {
  const macs = ["02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:0A", "zz", 5, null];
  const value = fc.oneof(fc.double(), fc.constantFrom(-1, 0, 1.5, Infinity, "1", null), fc.nat());
  const cell = fc.oneof(fc.tuple(fc.constantFrom(...macs), fc.constantFrom(...macs), value, value), fc.array(value, { maxLength: 5 }));
  const event = fc.record(
    {
      type: fc.constant("traffic"),
      tMs: value,
      host: fc.constantFrom("h1", "h2", "h9", 3),
      startMs: value,
      intervalMs: value,
      entries: fc.oneof(fc.array(cell, { maxLength: 4 }), fc.constant("x")),
    },
    { requiredKeys: ["type"] },
  );
  it("accepts exactly what the schema accepts, with the same result", () => {
    fc.assert(
      fc.property(event, (raw) => {
        const line = JSON.stringify(raw);
        const viaDecoder = (() => {
          try {
            return { ok: true, value: new TraceDecoder(header).decode(line, { line: 2 }) };
          } catch (e) {
            return { ok: false, value: e };
          }
        })();
        const parsed = TraceEvent.safeParse(JSON.parse(line));
        const known = new Set(header.vms.map((v) => v.mac));
        const refOk =
          parsed.success &&
          parsed.data.type === "traffic" &&
          (parsed.data.host === undefined || parsed.data.host === "h1" || parsed.data.host === "h2") &&
          parsed.data.entries.every((c) => known.has(c[0]) && known.has(c[1]));
        expect(viaDecoder.ok).toBe(refOk);
        if (refOk && parsed.success) expect(viaDecoder.value).toEqual(parsed.data);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("link and load fast path", () => {
  const value = fc.oneof(fc.double(), fc.constantFrom(-1, 0, 1.5, 100, 101, Infinity, "1", null), fc.nat());
  const host = fc.constantFrom("h1", "h2", "h9", "", 3);
  const vm = fc.constantFrom("a", "b", "zz", 4);
  const link = fc.record(
    { type: fc.constant("link"), tMs: value, from: host, to: host, mbps: value, latencyMs: value, lossPct: value, extra: value },
    { requiredKeys: ["type"] },
  );
  const load = fc.record(
    { type: fc.constant("load"), tMs: value, host, vm, cpuPct: value, memPct: value, netInMbps: value, netOutMbps: value, loadAvg: value, other: value },
    { requiredKeys: ["type"] },
  );
  it("accepts exactly what the schema and the header accept, with the same result", () => {
    const hosts = new Set(["h1", "h2"]);
    const vms = new Set(["a", "b"]);
    fc.assert(
      fc.property(fc.oneof(link, load), (raw) => {
        const line = JSON.stringify(raw);
        let viaDecoder: { ok: boolean; value: unknown };
        try {
          viaDecoder = { ok: true, value: new TraceDecoder(header).decode(line, { line: 2 }) };
        } catch (e) {
          viaDecoder = { ok: false, value: e };
        }
        const parsed = TraceEvent.safeParse(JSON.parse(line));
        let refOk = parsed.success;
        if (parsed.success && parsed.data.type === "link") refOk = hosts.has(parsed.data.from) && hosts.has(parsed.data.to);
        if (parsed.success && parsed.data.type === "load") {
          refOk = (parsed.data.host === undefined || hosts.has(parsed.data.host)) && (parsed.data.vm === undefined || vms.has(parsed.data.vm));
        }
        expect(viaDecoder.ok).toBe(refOk);
        if (refOk && parsed.success) expect(viaDecoder.value).toEqual(parsed.data);
      }),
      { numRuns: 5000 },
    );
  });
});
