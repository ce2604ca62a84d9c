/**
 * The netdev table's change scripts (pure): a host hooks its ports exactly while it sniffs or has a pair rule, a
 * pair rule is never in the map without the rule that applies it, and a change that changes nothing writes nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { netdevScript, routeKey, type NetdevChange, type NetdevHooks, type RouteElem } from "../../src/adapters/linux/host-nft.js";
import { syntheticMac, type Mac } from "../../src/core/model/ids.js";

const BRIDGE = "02:00:fe:00:00:01";
const PORTS = ["vx1", "vx2", "vm0", "vm1"];
const m = (i: number): Mac => syntheticMac(i);
const elem = (s: number, d: number, dev: string): RouteElem => ({ src: m(s), dst: m(d), dev });

interface Table {
  hooks: NetdevHooks;
  routes: Map<string, RouteElem>;
}
const table = (sniffing: boolean, routes: RouteElem[], devices: string[]): Table => ({
  hooks: { sniffing, routing: routes.length > 0, devices },
  routes: new Map(routes.map((r) => [routeKey(r.src, r.dst), r])),
});

/** What the kernel would make of a script (failing where nft would: a missing element or chain, a duplicate). */
function applyScript(t: Table, script: string): Table {
  const routes = new Map(t.routes);
  const devices = new Set(t.hooks.devices);
  let port = { sniffing: t.hooks.sniffing, routing: t.hooks.routing };
  for (const line of script === "" ? [] : script.split("\n")) {
    let g: RegExpMatchArray | null;
    if ((g = line.match(/^delete element netdev vadapt routes \{ (\S+) \. (\S+) \}$/))) {
      if (!routes.delete(routeKey(g[1]!, g[2]!))) throw new Error(`no element: ${line}`);
    } else if ((g = line.match(/^add element netdev vadapt routes \{ (\S+) \. (\S+) : "(\S+)" \}$/))) {
      const k = routeKey(g[1]!, g[2]!);
      if (routes.has(k)) throw new Error(`element exists: ${line}`);
      routes.set(k, { src: g[1]! as Mac, dst: g[2]! as Mac, dev: g[3]! });
    } else if (line === "flush chain netdev vadapt port") port = { sniffing: false, routing: false };
    else if (line.startsWith("add rule netdev vadapt port ") && line.endsWith('comment "sniff"')) {
      expect(line).toContain(`ether daddr != ${BRIDGE} update @pairs { ether saddr . ether daddr }`);
      port.sniffing = true;
    } else if (line === 'add rule netdev vadapt port fwd to ether saddr . ether daddr map @routes comment "routes"') port.routing = true;
    else if ((g = line.match(/^delete chain netdev vadapt in_(\S+)$/))) {
      if (!devices.delete(g[1]!)) throw new Error(`no chain: ${line}`);
    } else if ((g = line.match(/^add chain netdev vadapt in_(\S+) \{ type filter hook ingress device "(\S+)" priority 0; policy accept; \}$/))) {
      expect(g[2]).toBe(g[1]);
      devices.add(g[1]!);
    } else if ((g = line.match(/^add rule netdev vadapt in_(\S+) jump port$/))) expect(devices.has(g[1]!)).toBe(true);
    else throw new Error(`unexpected line: ${line}`);
  }
  return { hooks: { ...port, devices: [...devices] }, routes };
}

describe("netdev table changes", () => {
  const cases: Array<{ name: string; from: Table; change: NetdevChange; to: Table; lines: number }> = [
    { name: "nothing to do: nothing written", from: table(false, [], []), change: {}, to: table(false, [], []), lines: 0 },
    {
      name: "the first pair rule hooks every port",
      from: table(false, [], []),
      change: { setRoutes: [elem(1, 2, "vx1")] },
      to: table(false, [elem(1, 2, "vx1")], PORTS),
      lines: 1 + 2 + 2 * PORTS.length,
    },
    {
      name: "a second rule only adds its element",
      from: table(false, [elem(1, 2, "vx1")], PORTS),
      change: { setRoutes: [elem(2, 1, "vx2")] },
      to: table(false, [elem(1, 2, "vx1"), elem(2, 1, "vx2")], PORTS),
      lines: 1,
    },
    {
      name: "repointing a rule replaces its element",
      from: table(false, [elem(1, 2, "vx1")], PORTS),
      change: { setRoutes: [elem(1, 2, "vx2")] },
      to: table(false, [elem(1, 2, "vx2")], PORTS),
      lines: 2,
    },
    { name: "a rule set again: nothing written", from: table(false, [elem(1, 2, "vx1")], PORTS), change: { setRoutes: [elem(1, 2, "vx1")] }, to: table(false, [elem(1, 2, "vx1")], PORTS), lines: 0 },
    { name: "deleting an absent rule: nothing written", from: table(false, [], []), change: { deleteRoutes: [elem(1, 2, "vx1")] }, to: table(false, [], []), lines: 0 },
    {
      name: "the last rule gone unhooks every port",
      from: table(false, [elem(1, 2, "vx1")], PORTS),
      change: { deleteRoutes: [elem(1, 2, "vx1")] },
      to: table(false, [], []),
      lines: 1 + 1 + PORTS.length,
    },
    {
      name: "sniffing with rules in place keeps the hooks",
      from: table(false, [elem(1, 2, "vx1")], PORTS),
      change: { sniffing: true },
      to: table(true, [elem(1, 2, "vx1")], PORTS),
      lines: 3,
    },
    {
      name: "the last rule gone while sniffing keeps the hooks",
      from: table(true, [elem(1, 2, "vx1")], PORTS),
      change: { deleteRoutes: [elem(1, 2, "vx1")] },
      to: table(true, [], PORTS),
      lines: 3,
    },
    {
      name: "a port that appeared is hooked (kernels that hook present devices only)",
      from: table(true, [], ["vx1"]),
      change: {},
      to: table(true, [], PORTS),
      lines: 2 * (PORTS.length - 1),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const script = netdevScript(c.from, c.change, BRIDGE, PORTS);
      expect(script === "" ? 0 : script.split("\n").length).toBe(c.lines);
      const got = applyScript(c.from, script);
      expect({ ...got.hooks, devices: [...got.hooks.devices].sort() }).toEqual({ ...c.to.hooks, devices: [...c.to.hooks.devices].sort() });
      expect(got.routes).toEqual(c.to.routes);
    });
  }

  it("any sequence of changes keeps rules applied and hooks exactly while there is work (oracle: a model of the kernel)", () => {
    const pair = fc.record({ s: fc.integer({ min: 0, max: 3 }), d: fc.integer({ min: 0, max: 3 }) });
    const change = fc.record(
      {
        sniffing: fc.boolean(),
        deleteRoutes: fc.array(pair.map((p) => ({ src: m(p.s), dst: m(p.d) })), { maxLength: 3 }),
        setRoutes: fc.array(fc.record({ p: pair, dev: fc.constantFrom("vx1", "vx2") }).map((x) => elem(x.p.s, x.p.d, x.dev)), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 12 }), (changes) => {
        let t = table(false, [], []);
        const model = new Map<string, string>();
        let sniffing = false;
        for (const c of changes) {
          t = applyScript(t, netdevScript(t, c, BRIDGE, PORTS));
          for (const r of c.deleteRoutes ?? []) model.delete(routeKey(r.src, r.dst));
          for (const r of c.setRoutes ?? []) model.set(routeKey(r.src, r.dst), r.dev);
          sniffing = c.sniffing ?? sniffing;
          expect(new Map([...t.routes].map(([k, r]) => [k, r.dev]))).toEqual(model);
          expect(t.hooks.routing).toBe(model.size > 0);
          expect(t.hooks.sniffing).toBe(sniffing);
          expect([...t.hooks.devices].sort()).toEqual(sniffing || model.size > 0 ? [...PORTS].sort() : []);
          expect(netdevScript(t, {}, BRIDGE, PORTS)).toBe(""); // in line: nothing more to write
        }
      }),
    );
  });
});
