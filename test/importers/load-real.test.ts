import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { LoadEvent, TraceEvent } from "../../src/core/trace/events.js";
import { MBPS_PER_KBPS, openLoad } from "../../src/importers/load.js";
import { dataPath, describeWithData } from "../helpers/data.js";
import { drain, roundTrip } from "./import-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "vadapt-load-real-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeWithData("load importer on the real data sets", () => {
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  // Reference figures computed independently (awk/python over the same files).
  it("Bitbrains Rnd 2013-7: 50 VMs, 413169 samples", async () => {
    const t = await openLoad(dataPath("bitbrains-rnd", "2013-7"));
    expect(t.header.vms).toHaveLength(50);
    expect(t.header.vms.map((v) => v.id).slice(0, 3)).toEqual(["1", "2", "3"]);
    expect(t.header.vms[0]).toMatchObject({ id: "1", cpu: 2, memMB: 8026 });
    expect(t.header.startTime).toBe("2013-06-30T22:03:24.000Z");
    const cpu: number[] = [];
    const netIn: number[] = [];
    let vm1 = 0;
    const n = await drain(t, (e) => {
      const l = e as LoadEvent;
      cpu.push(l.cpuPct!);
      netIn.push(l.netInMbps!);
      if (l.vm === "1") vm1++;
    });
    expect(n).toBe(413169);
    expect(vm1).toBe(8260);
    expect(mean(cpu)).toBeCloseTo(8.4869801185, 8);
    expect(mean(netIn)).toBeCloseTo(38.2486710919 * MBPS_PER_KBPS, 8);
    expect(t.warnings).toContain("bitbrains: 4158 row(s) repeat the previous row's time stamp (kept)");
  });
  it("Bitbrains VM 2013-7/20 (repeated time stamps, a powered-off stretch) round-trips", async () => {
    const { header, events } = await roundTrip(await openLoad(dataPath("bitbrains-rnd", "2013-7", "20.csv.gz")));
    expect(header.vms.map((v) => v.id)).toEqual(["20"]);
    expect(events).toHaveLength(16553);
    expect(events.filter((e) => (e as LoadEvent).memPct === undefined).length).toBeGreaterThan(0);
  });
  it("Alibaba 2018: 16 hosts with 96 cores, 100002 samples over 8 days", async () => {
    const t = await openLoad(dataPath("alibaba-2018-16hosts"));
    const { header, events } = await roundTrip(t);
    expect(header.hosts).toHaveLength(16);
    expect(header.vms).toHaveLength(0);
    expect(header.hosts.every((h) => h.cpu === 96)).toBe(true);
    expect(events).toHaveLength(100002);
    const load = events as LoadEvent[];
    expect(load[0]).toMatchObject({ tMs: 0, host: "m_1937" });
    expect(load.at(-1)!.tMs).toBe(691180000);
    expect(load.filter((e) => e.host === "m_1932")).toHaveLength(3325);
    expect(load.filter((e) => e.host === "m_1947")).toHaveLength(1148);
    expect(mean(load.map((e) => e.cpuPct!))).toBeCloseTo(34.7761544769, 8);
    expect(mean(load.map((e) => e.memPct!))).toBeCloseTo(89.601397972, 8);
    expect(load.every((e) => e.netInMbps === undefined)).toBe(true);
    expect(t.warnings.join("\n")).toMatch(/net_in\/net_out .* not imported/);
  });
  it("Azure V1 avg: 100 VMs x 8004 readings", async () => {
    const t = await openLoad(dataPath("azure-v1-cpu-100vms", "microsoft_avg_100.csv.gz"));
    expect(t.header.vms).toHaveLength(100);
    expect(t.header.vms[0]!.id).toBe("1633748");
    let sum = 0;
    let last = 0;
    const n = await drain(t, (e) => {
      sum += (e as LoadEvent).cpuPct!;
      last = e.tMs;
    });
    expect(n).toBe(800400);
    expect(sum / n).toBeCloseTo(10.6227392788, 8);
    expect(last).toBe(8003 * 300_000);
  });
  it("PlanetLab 2011-03-03: 1052 VMs x 288 samples", async () => {
    const t = await openLoad(dataPath("planetlab-cpu", "20110303"));
    expect(t.header.vms).toHaveLength(1052);
    const cpu: number[] = [];
    let last = 0;
    const n = await drain(t, (e: TraceEvent) => {
      cpu.push((e as LoadEvent).cpuPct!);
      last = e.tMs;
    });
    expect(n).toBe(302976);
    expect(mean(cpu)).toBeCloseTo(12.3144374472, 8);
    expect(last).toBe(287 * 300_000);
  });
  it("PlanetLab: a day from the archive with 100 files of 2011-03-03: days offset by date, shared names prefixed", async () => {
    const d = join(tmp, "planetlab");
    mkdirSync(d);
    execFileSync("tar", ["-xJf", dataPath("planetlab-cpu", "planetlab_10days_all.tar.xz"), "-C", d, "20110306"]);
    const day1 = dataPath("planetlab-cpu", "20110303");
    const hundred = readdirSync(day1).sort().slice(0, 100).map((f) => join(day1, f));
    const t = await openLoad([...hundred, join(d, "20110306")]);
    expect(t.header.vms).toHaveLength(100 + 898);
    expect(t.header.vms.filter((v) => v.id.includes("/"))).toHaveLength(2 * 68);
    expect(t.header.vms[0]!.id.startsWith("20110303/") || !t.header.vms[0]!.id.includes("/")).toBe(true);
    let last = 0;
    const n = await drain(t, (e) => (last = e.tMs));
    expect(n).toBe((100 + 898) * 288);
    expect(last).toBe(3 * 86_400_000 + 287 * 300_000);
  });
});

