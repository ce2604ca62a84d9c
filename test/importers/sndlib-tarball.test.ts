import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { expect, it } from "vitest";
import type { TraceEvent } from "../../src/core/trace/events.js";
import { openSndlib } from "../../src/importers/sndlib.js";
import { dataPath, describeWithData } from "../helpers/data.js";

const ours = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith("vadapt-sndlib-") && !n.startsWith("vadapt-sndlib-test-"));
const abilene = dataPath("sndlib", "instances", "xml", "abilene", "abilene.xml");

async function first(events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>, n: number): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of events) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

describeWithData("SNDlib series from a tar archive (real file)", () => {
  it("reads the 17-day Abilene tarball: 4,896 matrices, one 18-day gap, the same events as the unpacked day, temp dir removed", async () => {
    const r = await openSndlib(dataPath("sndlib", "dynamic", "abilene_5min_17days_xml.tar.xz"), { network: abilene });
    expect(r.header.meta).toMatchObject({ matrices: 4896, first: "2004-03-01T00:00:00.000Z", last: "2004-04-04T23:55:00.000Z" });
    expect([r.header.hosts.length, r.header.links.length, r.header.startTime]).toEqual([12, 30, "2004-03-01T00:00:00.000Z"]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/5184 interval\(s\) missing in 1 gap\(s\).*2004-03-15T00:00:00.000Z to 2004-04-02T00:00:00.000Z/);
    const before = new Set(ours());
    // The first two hours only, to keep the test short (reading the whole archive takes 15-25 s here); breaking out
    // of the iteration must still remove the temporary directory.
    const fromTar = await first(r.events, 24);
    const day = await openSndlib(dataPath("sndlib", "dynamic", "abilene_5min_20040301"), { network: abilene });
    expect(fromTar).toEqual(await first(day.events, 24));
    expect(fromTar.map((e) => e.tMs)).toEqual(Array.from({ length: 24 }, (_, i) => (i + 1) * 300_000));
    expect(ours().filter((n) => !before.has(n))).toEqual([]);
  });
});
