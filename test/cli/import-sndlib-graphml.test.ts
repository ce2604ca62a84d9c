import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { openTrace } from "../../src/adapters/trace/reader.js";
import { main } from "../../src/cli/main.js";
import { dataPath, describeWithData } from "../helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-cli-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process, capturing stderr. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

describeWithData("vadapt import sndlib / graphml", () => {
  it("imports an SNDlib network and writes a readable trace", async () => {
    const out = join(dir, "abilene.trace");
    const r = await run(["import", "sndlib", dataPath("sndlib", "instances", "native", "abilene", "abilene.txt"), "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${out}: 12 hosts, 30 links, 12 VMs, 1 events`);
    const t = await openTrace(out);
    let events = 0;
    for await (const e of t.events()) if (e.type === "traffic") events += e.entries.length;
    expect([t.header.hosts.length, events]).toEqual([12, 132]);
  });

  it("imports a demand-matrix series with --network and --interval-ms, gzipped", async () => {
    const out = join(dir, "geant.trace.gz");
    const r = await run([
      "import", "sndlib", dataPath("sndlib", "dynamic", "geant_15min_20050505"),
      "--network", dataPath("sndlib", "instances", "xml", "geant", "geant.xml"), "--interval-ms", "60000", "-o", out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("22 hosts, 72 links, 22 VMs, 96 events");
    const t = await openTrace(out);
    expect(t.header.intervalMs).toBe(60_000);
    let n = 0;
    for await (const e of t.events()) if (e.type === "traffic") n++;
    expect(n).toBe(96);
  });

  it("imports a Topology Zoo file and prints its warnings", async () => {
    const out = join(dir, "renater.trace");
    const r = await run(["import", "graphml", dataPath("topology-zoo", "graphml", "Renater2010.graphml"), "--default-latency-ms", "3", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*6 of 43 node\(s\) have no Latitude\/Longitude.*default latency 3 ms/);
    expect(r.stderr).toContain("43 hosts, 112 links, 0 VMs, 0 events");
  });

  it("exits 2 with file and line on a bad input, 1 on a missing one", async () => {
    const r = await run(["import", "graphml", dataPath("sndlib", "instances", "native", "abilene", "abilene.txt"), "-o", join(dir, "x.trace")]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/abilene\.txt:1: not well-formed XML.*\[E_BAD_INPUT\]/);
    const o = await run(["import", "sndlib", dataPath("sndlib", "dynamic", "no-such-dir"), "-o", join(dir, "y.trace")]);
    expect(o.code, o.stderr).toBe(1);
    expect(o.stderr).toMatch(/no-such-dir: cannot open.*\[E_IO\]/);
  });
});
