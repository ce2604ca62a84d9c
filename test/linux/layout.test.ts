import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { ConfigError } from "../../src/core/errors.js";
import { PatternsConfig } from "../../src/workload/patterns.js";
import { hostId } from "../../src/core/model/ids.js";
import { layoutOf, relayRoutes, tunnelOf, RELAY_PORT_BASE, VXLAN_PORT } from "../../src/core/testbed/layout.js";
import { MAX_TESTBED_HOSTS, TestbedSpec, type TestbedSpecInput } from "../../src/core/testbed/spec.js";
import { UNSHAPED_LATENCY_MS, UNSHAPED_MBPS, worldOfTestbed } from "../../src/core/testbed/world.js";
import { check, parseConfig } from "../../src/core/validate.js";
import { headerOfWorld, WorldFile } from "../../src/service/world.js";

const spec = (over: Partial<TestbedSpecInput> = {}): TestbedSpec =>
  parseConfig(
    TestbedSpec,
    {
      name: "t1",
      hosts: [
        { id: "h0", site: "east" },
        { id: "h1", site: "east" },
        { id: "h2", site: "west" },
      ],
      vms: [
        { id: "a", host: "h0" },
        { id: "b", host: "h2" },
      ],
      wan: [{ sites: ["east", "west"], mbps: 100, delayMs: 20 }],
      ...over,
    },
    "test",
  );

describe("testbed spec", () => {
  it("names every bad field", () => {
    const r = check(TestbedSpec, {
      name: "Bad Name",
      hosts: [
        { id: "h0", site: "x" },
        { id: "h0", site: "y" },
      ],
      vms: [{ id: "a", host: "nowhere", mac: "01:00:00:00:00:01" }],
      wan: [{ sites: ["x", "z"], delayMs: -1 }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.problems.map((p) => p.field);
    expect(fields).toContain("name");
    expect(fields).toContain("wan[0].delayMs");
    // Cross-field checks run once the fields themselves are valid:
    const r2 = check(TestbedSpec, {
      name: "ok",
      hosts: [
        { id: "h0", site: "x" },
        { id: "h0", site: "y" },
      ],
      vms: [{ id: "a", host: "nowhere", mac: "01:00:00:00:00:01" }],
      wan: [{ sites: ["x", "z"] }],
    });
    expect(r2.ok).toBe(false);
    if (r2.ok) return;
    const msgs = r2.problems.map((p) => `${p.field}: ${p.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        "hosts[1]: duplicate host id 'h0'",
        "vms[0].host: unknown host 'nowhere'",
        "vms[0].mac: a VM needs a unicast MAC (first octet even)",
        "wan[0].sites[1]: no host is in site 'z'",
      ]),
    );
  });

  it("rejects too many hosts", () => {
    const hosts = Array.from({ length: MAX_TESTBED_HOSTS + 1 }, (_, i) => ({ id: `h${i}` }));
    expect(check(TestbedSpec, { name: "big", hosts }).ok).toBe(false);
  });
});

describe("testbed layout", () => {
  it("is deterministic and names everything under the prefix", () => {
    const l = layoutOf(spec());
    expect(layoutOf(spec())).toEqual(l);
    expect(l.prefix).toBe("va-t1-");
    for (const ns of [...l.sites, ...l.hosts, ...l.vms].map((x) => x.netns)) expect(ns.startsWith("va-t1-")).toBe(true);
    expect(l.hosts.map((h) => h.underlayIp)).toEqual(["10.250.0.1", "10.250.0.2", "10.250.1.1"]);
    expect(l.vms.map((v) => [v.ip, v.mac])).toEqual([
      ["10.251.0.1", "02:00:00:00:00:01"],
      ["10.251.0.2", "02:00:00:00:00:02"],
    ]);
    expect(l.wan).toHaveLength(1);
    expect(l.wan[0]).toMatchObject({ a: "east", b: "west", mbps: 100, delayMs: 20, lossPct: 0 });
  });

  it("gives both ends of a tunnel the same VNI and port; relays only delayed site pairs", () => {
    const l = layoutOf(spec());
    const [h0, h1, h2] = l.hosts as [(typeof l.hosts)[0], (typeof l.hosts)[0], (typeof l.hosts)[0]];
    const same = [tunnelOf(h0, h1, l), tunnelOf(h1, h0, l)];
    expect(same[0]!.vni).toBe(same[1]!.vni);
    expect(same.map((t) => [t.dstPort, t.relayed, t.remote])).toEqual([
      [VXLAN_PORT, false, h1.underlayIp],
      [VXLAN_PORT, false, h0.underlayIp],
    ]);
    const cross = [tunnelOf(h0, h2, l), tunnelOf(h2, h0, l)];
    expect(cross[0]!.vni).toBe(cross[1]!.vni);
    expect(cross[0]!.dstPort).toBe(RELAY_PORT_BASE + 2);
    expect(cross.map((t) => [t.relayed, t.remote])).toEqual([
      [true, h0.gatewayIp],
      [true, h2.gatewayIp],
    ]);
    expect(relayRoutes(l, "east")).toEqual([
      { port: RELAY_PORT_BASE + 2, localIp: h0.underlayIp, remoteIp: h2.underlayIp, delayMs: 20, lossPct: 0 },
      { port: RELAY_PORT_BASE + 102, localIp: h1.underlayIp, remoteIp: h2.underlayIp, delayMs: 20, lossPct: 0 },
    ]);
    const unshaped = layoutOf(spec({ wan: [{ sites: ["east", "west"], mbps: 100 }] }));
    expect(tunnelOf(unshaped.hosts[0]!, unshaped.hosts[2]!, unshaped).relayed).toBe(false);
    expect(relayRoutes(unshaped, "east")).toEqual([]);
  });

  it("keeps names, addresses, MACs, VNIs and ports unique and device names within 15 characters", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 300 }), (nh, ns, nv) => {
        const hosts = Array.from({ length: nh }, (_, i) => ({ id: `h${i}`, site: `s${i % ns}` }));
        const vms = Array.from({ length: nv }, (_, i) => ({ id: `v${i}`, host: `h${i % nh}` }));
        const sites = [...new Set(hosts.map((h) => h.site))];
        const wan = sites.length > 1 ? [{ sites: [sites[0]!, sites[1]!] as [string, string], delayMs: 5 }] : [];
        const l = layoutOf(parseConfig(TestbedSpec, { name: "p", hosts, vms, wan }, "prop"));
        const uniq = (xs: readonly string[]): boolean => new Set(xs).size === xs.length;
        expect(uniq([...l.sites, ...l.hosts, ...l.vms].map((x) => x.netns))).toBe(true);
        expect(uniq([...l.hosts.map((h) => h.endpointIp), ...l.vms.map((v) => v.ip)])).toBe(true);
        expect(uniq([...l.hosts.map((h) => h.bridgeMac), ...l.vms.map((v) => v.mac)])).toBe(true);
        expect(uniq(l.hosts.map((h) => h.underlayIp))).toBe(true);
        const vnis = new Set<number>();
        const ports = new Set<number>();
        for (const a of l.hosts) {
          for (const b of l.hosts) {
            if (a.index >= b.index) continue;
            const t = tunnelOf(a, b, l);
            expect(vnis.has(t.vni)).toBe(false);
            vnis.add(t.vni);
            expect(t.vni).toBeLessThan(1 << 24);
            if (t.relayed) {
              expect(ports.has(t.dstPort)).toBe(false);
              ports.add(t.dstPort);
              expect(t.dstPort).toBeLessThan(32768); // below the ephemeral range
            }
            expect(t.dev.length).toBeLessThanOrEqual(15);
          }
        }
        for (const v of l.vms) expect(v.port.length).toBeLessThanOrEqual(15);
        expect(l.hosts.find((h) => h.id === hostId("h0"))?.siteIndex).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe("testbed spec and workload config parsing (fuzz)", () => {
  it("either accepts or throws a ConfigError, for any JSON", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json().map((t) => JSON.parse(t) as unknown), fc.record({ name: fc.string(), hosts: fc.array(fc.record({ id: fc.string(), site: fc.string() })) })), (raw) => {
        for (const schema of [TestbedSpec, PatternsConfig] as const) {
          try {
            parseConfig(schema, raw, "fuzz");
          } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
          }
        }
      }),
    );
  });
});

describe("vadapt testbed (argument errors, no root needed)", () => {
  const dir = mkdtempSync(join(tmpdir(), "vadapt-testbed-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 2 naming the bad field of a spec, and on a bad name", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ name: "ok", hosts: [{ id: "h0" }], vms: [{ id: "a", host: "h9" }] }));
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["testbed", "up", file])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toMatch(/bad\.json: 1 problem\(s\):\s+- vms\[0\]\.host: unknown host 'h9'/);
      expect(await main(["testbed", "status", join(dir, "missing.json")])).toBe(1);
      expect(await main(["testbed", "down", "Not A Name"])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});

describe("the optimizer's world of a testbed", () => {
  it("has the hosts' capacities, the VMs' MACs and homes, and every host pair's link with the WAN's rate and delay", () => {
    const s = spec({ vms: [{ id: "a", host: "h0", memMB: 32, cpu: 2 }, { id: "b", host: "h2" }] });
    const w = worldOfTestbed(s);
    const header = headerOfWorld(parseConfig(WorldFile, w, "world"), 1000, "test");
    expect(header.hosts.map((h) => [h.id, h.cpu, h.memMB])).toEqual([["h0", 4, 16384], ["h1", 4, 16384], ["h2", 4, 16384]]);
    expect(header.vms.map((v) => [v.id, v.mac, v.host, v.cpu, v.memMB])).toEqual([
      ["a", layoutOf(s).vms[0]!.mac, "h0", 2, 32],
      ["b", layoutOf(s).vms[1]!.mac, "h2", 1, 64],
    ]);
    expect(header.links).toHaveLength(6);
    const link = (from: string, to: string) => header.links.find((l) => l.from === from && l.to === to)!;
    expect([link("h0", "h1").mbps, link("h0", "h1").latencyMs]).toEqual([UNSHAPED_MBPS, UNSHAPED_LATENCY_MS]);
    expect([link("h2", "h1").mbps, link("h2", "h1").latencyMs]).toEqual([100, 20]);
    expect(header.links.every((l) => l.active)).toBe(true);
    expect(worldOfTestbed(spec({ overlay: "none" })).links.every((l) => l.active === false)).toBe(true);
  });

  it("is printed by `vadapt testbed world`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vadapt-world-"));
    try {
      const file = join(dir, "spec.json");
      writeFileSync(file, JSON.stringify({ name: "w1", hosts: [{ id: "h0" }, { id: "h1" }], vms: [{ id: "v", host: "h1" }] }));
      let out = "";
      const write = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
      try {
        expect(await main(["testbed", "world", file])).toBe(0);
      } finally {
        write.mockRestore();
      }
      const w = parseConfig(WorldFile, JSON.parse(out), "printed world");
      expect(w.vms.map((v) => v.host)).toEqual(["h1"]);
      expect(w.links).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
