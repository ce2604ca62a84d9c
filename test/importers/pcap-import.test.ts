import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, InputError } from "../../src/core/errors.js";
import type { TraceEvent } from "../../src/core/trace/events.js";
import { openPcap } from "../../src/importers/pcap.js";
import { ethFrame, pcapFile } from "./pcap-build.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-pcap-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";
const recs = Array.from({ length: 10 }, (_, i) => ({ sec: 50 + i, frac: 0, data: ethFrame(i % 2 ? A : B, i % 2 ? B : A) }));

describe("openPcap (file shell)", () => {
  it("writes a header that says how to read the trace", async () => {
    const f = join(dir, "h.pcap");
    writeFileSync(f, pcapFile(recs));
    const imp = await openPcap(f, { intervalMs: 250 });
    expect(imp.header).toMatchObject({ name: "h", source: "pcap capture h.pcap", startTime: "1970-01-01T00:00:00.000Z", intervalMs: 250, hosts: [], vms: [], links: [] });
    expect(imp.header.meta).toMatchObject({ importer: "pcap", format: "pcap" });
    let n = 0;
    for await (const e of imp.events) if (e.type === "traffic") n++;
    expect(n).toBe(10);
    expect(imp.warnings).toEqual([]);
  });

  it("on a corrupt record far into the file, yields every interval before it, then the typed error", async () => {
    const bytes = pcapFile(recs);
    const at = 24 + 7 * 76; // the 8th record
    new DataView(bytes.buffer).setUint32(at + 8, 0xfff0_0000, true);
    const f = join(dir, "corrupt.pcap");
    writeFileSync(f, bytes);
    const imp = await openPcap(f, { chunkBytes: 64 });
    const got: TraceEvent[] = [];
    let err: unknown;
    try {
      for await (const e of imp.events) got.push(e);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toEqual({ file: f, offset: at });
    expect(got.filter((e) => e.type === "traffic").map((e) => (e.type === "traffic" ? e.startMs : 0))).toEqual([50_000, 51_000, 52_000, 53_000, 54_000, 55_000, 56_000]);
  });

  it("rejects bad options with a ConfigError", async () => {
    const f = join(dir, "o.pcap");
    writeFileSync(f, pcapFile(recs));
    await expect(openPcap(f, { intervalMs: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(openPcap(f, { intervalMs: 2.5 })).rejects.toBeInstanceOf(ConfigError);
    await expect(openPcap(f, { chunkBytes: 0 })).rejects.toBeInstanceOf(ConfigError);
  });
});
